package testkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// ChromiumEnv names the variable with the path of the Chromium binary
// (scripts/test-deps.sh prints it); without it the usual places are tried.
const ChromiumEnv = "NOABER_TEST_CHROMIUM"

// AxeEnv names the variable with the path of axe.min.js from the axe-core
// npm package (scripts/test-deps.sh puts it there).
const AxeEnv = "NOABER_TEST_AXE"

// ScreenshotsEnv names a folder for the screenshot and HTML of the page a
// failed browser test was on. Without it they go to a folder under the
// system's temporary folder, which, unlike t.TempDir, outlives the test.
const ScreenshotsEnv = "NOABER_TEST_SCREENSHOTS"

// actionTimeout bounds each helper's wait, so a missing element fails the
// test with its selector instead of hanging until go test's deadline.
const actionTimeout = 15 * time.Second

// startTimeout bounds the start of Chromium, which is slow on a loaded
// 2-core machine but never takes this long when it works.
const startTimeout = 60 * time.Second

// Browser is one headless Chromium for a test. Each NewContext is a fresh
// incognito-like browser context (own cookies and storage) in it, so one
// test can have several people signed in at once.
type Browser struct {
	ctx       context.Context // the browser's own first tab; parent of every context
	userAgent string
}

// NewBrowser starts a headless Chromium that is stopped when t ends. Where
// Chromium is not installed the test is skipped, except in CI (CI set),
// where that is a failure: a browser test must never pass by not running.
func NewBrowser(t *testing.T) *Browser {
	t.Helper()
	path := findChromium()
	if path == "" {
		msg := fmt.Sprintf("no Chromium found (set %s, or run scripts/test-deps.sh to install it)", ChromiumEnv)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in containers, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})

	if err := startOn(ctx, cancel); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	v, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		t.Fatalf("ask Chromium its version: %v", err)
	}
	return &Browser{ctx: ctx, userAgent: v.UserAgent}
}

// startOn runs the first action of a chromedp context, which starts the
// browser or opens the tab. chromedp ties the process and the tab's event
// loop to the context of that first action, so it must be ctx itself and
// not a child with a deadline: the deadline is kept here instead, and
// cancel ends ctx when it passes.
func startOn(ctx context.Context, cancel context.CancelFunc) error {
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			cancel()
		}
		return err
	case <-time.After(startTimeout):
		cancel()
		return fmt.Errorf("not done within %s", startTimeout)
	}
}

func findChromium() string {
	if p := os.Getenv(ChromiumEnv); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		return ""
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// ContextOption changes a browser context that NewContext makes.
type ContextOption func(*contextConfig)

type contextConfig struct {
	lang string
}

// WithLanguage makes the context's browser ask for the given languages
// (an Accept-Language value such as "en" or "en-GB,en") instead of Dutch.
func WithLanguage(acceptLanguage string) ContextOption {
	return func(c *contextConfig) { c.lang = acceptLanguage }
}

type tabKey struct{}

// tab is what the helpers need besides the chromedp context.
type tab struct {
	t       *testing.T
	mu      sync.Mutex
	console []string
}

// NewContext opens a tab in a new browser context, with cookies and
// storage of its own, that asks for Dutch pages unless WithLanguage says
// otherwise. It closes when t ends; when t has failed, a screenshot and the
// HTML of the page are saved first (see ScreenshotsEnv).
//
// The helpers (Visit, Fill, Click, ...) fail t, so use the context only in
// the test (goroutine) it was made for.
func (b *Browser) NewContext(t *testing.T, opts ...ContextOption) context.Context {
	t.Helper()
	cfg := contextConfig{lang: "nl-NL,nl"}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	tb := &tab{t: t}
	ctx = context.WithValue(ctx, tabKey{}, tb)

	// The tab's event loop lives as long as the context of its first
	// action, so that action runs on ctx itself (see startOn).
	if err := startOn(ctx, cancel); err != nil {
		t.Fatalf("open a browser tab: %v", err)
	}
	setup, cancelSetup := context.WithTimeout(ctx, actionTimeout)
	defer cancelSetup()
	if _, err := chromedp.Call(setup, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
		UserAgent:      b.userAgent,
		AcceptLanguage: cfg.lang,
	}); err != nil {
		cancel()
		t.Fatalf("set the browser language: %v", err)
	}

	// The console shows what the strict CSP blocked and what scripts threw:
	// kept for ConsoleErrors and for the log of a failed test.
	consoleCtx, stopConsole := context.WithCancel(ctx)
	consoleDone := make(chan struct{})
	messages := chromedp.Console(consoleCtx)
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleWarning {
				tb.mu.Lock()
				line := string(m.Type) + ": " + m.Text
				if m.URL != "" {
					line += " (" + m.URL + ")"
				}
				tb.console = append(tb.console, line)
				tb.mu.Unlock()
			}
		}
	}()

	t.Cleanup(func() {
		if t.Failed() {
			saveFailure(t, ctx)
			for _, m := range tb.consoleLines() {
				t.Logf("browser console: %s", m)
			}
		}
		stopConsole()
		<-consoleDone
		cancel()
	})
	return ctx
}

func (tb *tab) consoleLines() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.console...)
}

func tabOf(ctx context.Context) *tab {
	tb, ok := ctx.Value(tabKey{}).(*tab)
	if !ok {
		panic("testkit: a browser helper needs a context from Browser.NewContext")
	}
	return tb
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func saveFailure(t *testing.T, ctx context.Context) {
	dir := os.Getenv(ScreenshotsEnv)
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "noaber-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	base := filepath.Join(dir, unsafeName.ReplaceAllString(t.Name(), "_")+"-"+time.Now().Format("150405"))
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)); err != nil {
		t.Logf("screenshot: %v", err)
	} else if err := os.WriteFile(base+".png", png, 0o644); err == nil {
		t.Logf("screenshot of the page: %s.png", base)
	}
	if html, err := chromedp.Run(sctx, chromedp.OuterHTML(chromedp.CSS("html"))); err == nil {
		if err := os.WriteFile(base+".html", []byte(html), 0o644); err == nil {
			t.Logf("HTML of the page: %s.html", base)
		}
	}
}

// run does one action with the helpers' timeout and fails the test with
// what it was doing when the action fails.
func run[T any](ctx context.Context, what string, a chromedp.Action[T]) T {
	tabOf(ctx).t.Helper()
	return do(ctx, what, func(ctx context.Context) (T, error) { return chromedp.Run(ctx, a) })
}

func do[T any](ctx context.Context, what string, f func(ctx context.Context) (T, error)) T {
	tb := tabOf(ctx)
	tb.t.Helper()
	actx, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()
	v, err := f(actx)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("not done within %s", actionTimeout)
		}
		tb.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// Visit opens url and waits until it has loaded. It returns the HTTP
// status of the page, so a test can check a 404 as easily as a 200.
func Visit(ctx context.Context, url string) int {
	tabOf(ctx).t.Helper()
	res := run(ctx, "visit "+url, chromedp.NavigateResponse(url))
	if res == nil {
		return 0
	}
	return int(res.Status)
}

// Fill types value into the text field (input or textarea) that the CSS
// selector finds, replacing what was in it, with real key events.
func Fill(ctx context.Context, selector, value string) {
	tabOf(ctx).t.Helper()
	// chromedp's SetValue cannot set "" (the protocol drops an empty
	// argument), so the field is emptied by a script.
	run(ctx, "fill "+selector, chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(selector)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(selector)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(selector), value),
	))
}

// Select picks the option with the given value in the <select> that the
// CSS selector finds, and fires the change event a person's choice would.
func Select(ctx context.Context, selector, value string) {
	tabOf(ctx).t.Helper()
	run(ctx, "select "+value+" in "+selector, chromedp.Steps(
		chromedp.SetValue(chromedp.CSS(selector), value),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(selector)+`).dispatchEvent(new Event("change", {bubbles: true}))`),
	))
}

// Click clicks the element that the CSS selector finds, once it is
// visible. It does not wait for a page that the click may load: use
// Submit for that.
func Click(ctx context.Context, selector string) {
	tabOf(ctx).t.Helper()
	run(ctx, "click "+selector, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
}

// Submit clicks the element that the CSS selector finds (a form's submit
// button, or a link) as a person would, so the button's own name and value
// and the form's validation count, and waits for the page it leads to. It
// returns that page's HTTP status (after redirects).
func Submit(ctx context.Context, selector string) int {
	tabOf(ctx).t.Helper()
	return do(ctx, "submit with "+selector+" and wait for the next page", func(ctx context.Context) (int, error) {
		r, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
		if err != nil || r == nil {
			return 0, err
		}
		return int(r.Status), nil
	})
}

// Text returns the visible text of the element that the CSS selector finds,
// waiting until it is there.
func Text(ctx context.Context, selector string) string {
	tabOf(ctx).t.Helper()
	return run(ctx, "read the text of "+selector, chromedp.Text(chromedp.CSS(selector)))
}

// Value returns the current value of the form field that the CSS selector
// finds.
func Value(ctx context.Context, selector string) string {
	tabOf(ctx).t.Helper()
	return run(ctx, "read the value of "+selector, chromedp.Value(chromedp.CSS(selector)))
}

// WaitVisible waits until the element that the CSS selector finds is
// visible.
func WaitVisible(ctx context.Context, selector string) {
	tabOf(ctx).t.Helper()
	run(ctx, "wait for "+selector+" to show", chromedp.WaitVisible(chromedp.CSS(selector)))
}

// Location returns the address of the page the tab is on.
func Location(ctx context.Context) string {
	tabOf(ctx).t.Helper()
	return run(ctx, "read the location", chromedp.Location())
}

// ConsoleErrors returns the errors and warnings the page wrote to the
// browser console so far, such as scripts or styles the CSP refused.
func ConsoleErrors(ctx context.Context) []string {
	return tabOf(ctx).consoleLines()
}

// Screenshot saves a PNG of the whole page to path, for a test that wants
// to look at a page (a failed test saves one by itself).
func Screenshot(ctx context.Context, path string) {
	tabOf(ctx).t.Helper()
	png := run(ctx, "take a screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tabOf(ctx).t.Fatalf("save the screenshot: %v", err)
	}
}

// Violation is one axe-core rule that a page breaks, with the elements that
// break it.
type Violation struct {
	ID      string          `json:"id"`
	Impact  string          `json:"impact"`
	Help    string          `json:"help"`
	HelpURL string          `json:"helpUrl"`
	Nodes   []ViolationNode `json:"nodes"`
}

// ViolationNode is one element that breaks a rule.
type ViolationNode struct {
	Target  []string `json:"target"` // CSS selectors; inside a shadow root joined by " >>> "
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s [%s]", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    %s  %s", strings.Join(n.Target, ", "), n.HTML)
	}
	return b.String()
}

// a11yTags are the axe-core rule sets Noaber's pages are held to: WCAG 2.1
// A and AA (what the Dutch government requires of public websites) and
// axe's best practices.
var a11yTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}

var axeSource = sync.OnceValues(func() (string, error) {
	path := os.Getenv(AxeEnv)
	if path == "" {
		return "", fmt.Errorf("%s is not set: run the tests with the environment that scripts/test-deps.sh prints", AxeEnv)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read axe-core (%s): %w", AxeEnv, err)
	}
	return string(b), nil
})

// A11yViolations runs axe-core on the page the tab is on and returns what
// it finds. axe is injected through the DevTools protocol, which the page's
// Content-Security-Policy does not govern, so pages keep their strict CSP.
func A11yViolations(ctx context.Context) ([]Violation, error) {
	src, err := axeSource()
	if err != nil {
		return nil, err
	}
	actx, cancel := context.WithTimeout(ctx, 2*actionTimeout)
	defer cancel()
	loaded, err := chromedp.Run(actx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		return nil, fmt.Errorf("check for axe-core: %w", err)
	}
	if !loaded {
		if _, err := chromedp.Run(actx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
	}
	script := fmt.Sprintf(`axe.run(document, {runOnly: %s, resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({
			target: n.target.map(x => Array.isArray(x) ? x.join(" >>> ") : String(x)),
			html: n.html, summary: n.failureSummary || ""
		}))
	})))`, jsStrings(a11yTags))
	v, err := chromedp.Run(actx, chromedp.Evaluate[[]Violation](script, chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	return v, nil
}

// CheckA11y fails t when the page the tab is on breaks an accessibility
// rule, listing every violation with the elements concerned. Without
// axe-core the check is skipped outside CI and fails in CI.
func CheckA11y(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := axeSource(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Logf("accessibility check skipped: %v", err)
		return
	}
	v, err := A11yViolations(ctx)
	if err != nil {
		t.Fatalf("accessibility check: %v", err)
	}
	if len(v) == 0 {
		return
	}
	url, _ := chromedp.Run(ctx, chromedp.Location())
	var b strings.Builder
	fmt.Fprintf(&b, "%d accessibility violation(s) on %s:", len(v), url)
	for _, x := range v {
		b.WriteString("\n  ")
		b.WriteString(x.String())
	}
	t.Error(b.String())
}

// jsString quotes s as a JavaScript string literal (JSON is a subset).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jsStrings(ss []string) string {
	b, _ := json.Marshal(ss)
	return string(b)
}
