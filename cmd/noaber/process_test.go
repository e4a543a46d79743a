package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/testkit"
)

// The tests in this file and its neighbours run the real binary, so that a
// kill -9 or a SIGTERM hits a process and not a goroutine.

var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary builds the noaber command once per test run and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("the go tool is not on PATH: %w", err)
			return
		}
		if buildDir, buildErr = os.MkdirTemp("", "noaber-bin-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "noaber")
		// The test runs in the package's folder, so "." is cmd/noaber.
		out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// output collects a process's stdout and stderr and lets a test wait for a
// line in it.
type output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newOutput() *output { return &output{changed: make(chan struct{})} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	close(o.changed)
	o.changed = make(chan struct{})
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// waitFor waits until the output contains s, the process ends (exited is
// closed) or timeout passes; it reports whether s appeared.
func (o *output) waitFor(s string, exited <-chan struct{}, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		o.mu.Lock()
		found, changed := strings.Contains(o.buf.String(), s), o.changed
		o.mu.Unlock()
		if found {
			return true
		}
		select {
		case <-changed:
		case <-exited:
			return strings.Contains(o.String(), s)
		case <-deadline:
			return false
		}
	}
}

// process is a running `noaber serve`.
type process struct {
	t      *testing.T
	cmd    *exec.Cmd
	listen string
	base   string
	out    *output
	exited chan struct{}
	err    error // the result of Wait, once exited is closed
}

// serveEnv is the environment for a `noaber serve` on dbURL that sends its
// mail to sink (or logs it when sink is nil). The caller's NOABER_*
// settings are left out so that a developer's own configuration cannot
// leak into the test.
func serveEnv(dbURL, listen string, sink *testkit.SMTPSink, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "NOABER_") && !strings.HasPrefix(kv, "NOABER_TEST_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"NOABER_DATABASE_URL="+dbURL,
		"NOABER_LISTEN="+listen,
		"NOABER_LOG_LEVEL=info",
		"NOABER_JOB_WORKERS=2",
	)
	if sink != nil {
		env = append(env,
			"NOABER_SMTP_HOST="+sink.Host(),
			"NOABER_SMTP_PORT="+strconv.Itoa(sink.Port()),
			"NOABER_SMTP_TLS=none",
		)
	}
	return append(env, extra...)
}

// freeAddr returns a local address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServe starts `noaber serve` with env and waits until /readyz says
// it is ready. The process is killed at the end of the test if it still
// runs; its output is logged when the test failed.
func startServe(t *testing.T, listen string, env []string) *process {
	t.Helper()
	p := &process{t: t, listen: listen, base: "http://" + listen, out: newOutput(), exited: make(chan struct{})}
	p.cmd = exec.Command(binary(t), "serve")
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start noaber serve: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("output of noaber serve (pid %d):\n%s", p.cmd.Process.Pid, p.out)
		}
	})
	p.waitReady()
	return p
}

func (p *process) waitReady() {
	p.t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := client.Get(p.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-p.exited:
			p.t.Fatalf("noaber serve ended before it was ready (%v):\n%s", p.err, p.out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("noaber serve not ready at %s/readyz within 60s (last error %v):\n%s", p.base, err, p.out)
		}
	}
}

// kill ends the process with SIGKILL, as a crash or the OOM killer does:
// no deferred function, no shutdown, no flush.
func (p *process) kill() {
	p.t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		p.t.Fatalf("kill -9: %v", err)
	}
	<-p.exited
}

// stop sends SIGTERM and returns the exit status once the process ends.
func (p *process) stop() int {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatalf("SIGTERM: %v", err)
	}
	return p.wait()
}

// wait returns the process's exit status once it ends (or fails the test
// after a minute).
func (p *process) wait() int {
	p.t.Helper()
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second):
		p.t.Fatalf("noaber serve still runs 60s after SIGTERM:\n%s", p.out)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		p.t.Fatalf("wait: %v", p.err)
	}
	return 0
}

// TestExitStatus checks what a shell script sees: help asked for is a
// success, a missing or unknown command is not.
func TestExitStatus(t *testing.T) {
	bin := binary(t)
	for _, tc := range []struct {
		args   []string
		status int
		want   string
	}{
		{nil, 2, "Usage: noaber COMMAND"},
		{[]string{"--help"}, 0, "Usage: noaber COMMAND"},
		{[]string{"serve", "--help"}, 0, "NOABER_DATABASE_URL"},
		{[]string{"frobnicate"}, 2, `noaber: unknown command "frobnicate"`},
		{[]string{"version"}, 0, "noaber "},
	} {
		t.Run(strings.Join(append([]string{"noaber"}, tc.args...), " "), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, tc.args...)
			cmd.Env = serveEnv(filepath.Join(t.TempDir(), "noaber.db"), "127.0.0.1:0", nil)
			out, err := cmd.CombinedOutput()
			status := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tc.status {
				t.Errorf("exit status %d, want %d", status, tc.status)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("output does not contain %q:\n%s", tc.want, out)
			}
		})
	}
}
