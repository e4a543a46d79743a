package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// TestSIGTERMFinishesRequestsInFlight sends SIGTERM while a sign-up is
// being read and checks that the sign-up still gets its answer and is
// stored, and that the process then ends with status 0.
//
// To be sure the request is in flight when the signal arrives, without
// guessing at timing, the request asks "Expect: 100-continue": the
// server's "100 Continue" proves the handler runs and reads the body; the
// body is only sent once the server logged that it is shutting down.
func TestSIGTERMFinishesRequestsInFlight(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "noaber.db")
	sink := testkit.NewSMTPSink(t)
	listen := freeAddr(t)
	p := startServe(t, listen, serveEnv(dbPath, listen, sink))

	conn, err := net.DialTimeout("tcp", listen, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	const email = "sigterm@example.nl"
	body := fmt.Sprintf(`{"email":%q,"password":"lang genoeg wachtwoord","first_name":"Test","surname":"Buur",`+
		`"postcode":"7201 AB","house_number":"3","town":"Zutphen","accept_rules":true}`, email)
	fmt.Fprintf(conn, "POST /api/v1/signup HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", listen, len(body))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("waiting for 100 Continue: %v", err)
	}
	if resp.StatusCode != http.StatusContinue {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d before the body was sent, want 100: %s", resp.StatusCode, b)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !p.out.waitFor("shutting down", p.exited, 60*time.Second) {
		t.Fatalf("no 'shutting down' in the log after SIGTERM")
	}
	select {
	case <-p.exited:
		t.Fatalf("the process ended with a request in flight: %v", p.err)
	default:
	}

	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatalf("sending the body after SIGTERM: %v", err)
	}
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("sign-up in flight during shutdown: status %d, want 202: %s", resp.StatusCode, b)
	}
	// Shutting down, the server says it will close this connection.
	if !resp.Close {
		t.Errorf("answer during shutdown does not close the connection (Connection: %q)", resp.Header.Get("Connection"))
	}

	if code := p.wait(); code != 0 {
		t.Errorf("exit status after SIGTERM: %d, want 0", code)
	}

	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM users WHERE email = ?", email).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d users %s after the shutdown, want 1", n, email)
	}
}
