// Package browsertest runs tests in headless Chromium through chromedp.
//
// New starts a browser for one test and returns a tab context; Screenshot
// saves a PNG of the tab. When Chromium is missing the test is skipped with a
// message naming the Debian package to install, except under CI=true, where
// a missing browser fails the test.
//
// Environment:
//
//	TAILSCOPE_CHROMIUM     path of the browser (default /usr/bin/chromium)
//	TAILSCOPE_SCREENSHOTS  directory for screenshots (unset: none are taken)
//	CI=true                a missing browser is a failure, not a skip
package browsertest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// DefaultChromium is Debian's Chromium (apt-get install -y chromium).
const DefaultChromium = "/usr/bin/chromium"

// DefaultTimeout bounds everything a test does in the browser started by New.
const DefaultTimeout = 90 * time.Second

// ExecPath returns the browser to run: $TAILSCOPE_CHROMIUM or DefaultChromium,
// and an error when that file does not exist.
func ExecPath() (string, error) {
	p := os.Getenv("TAILSCOPE_CHROMIUM")
	if p == "" {
		p = DefaultChromium
	}
	fi, err := os.Stat(p)
	if err != nil {
		return p, fmt.Errorf("no Chromium at %s (install it with `apt-get install -y chromium`, or set TAILSCOPE_CHROMIUM): %w", p, err)
	}
	if fi.IsDir() {
		return p, fmt.Errorf("Chromium path %s is a directory", p)
	}
	return p, nil
}

// InCI reports whether CI=true is set: then a missing browser is a failure.
func InCI() bool { return os.Getenv("CI") == "true" }

// Options returns the allocator options for headless Chromium at execPath
// with a fresh profile in userDataDir: the project's standard flags.
func Options(execPath, userDataDir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		// Services the tests never use, each a process or timers that cost CPU on a
		// 2-core machine while the tests' pages compete for it (after chromedp's and
		// Puppeteer's defaults; none changes how a page runs).
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		// The omnibox popups are WebUI pages that Chromium 156 preloads in a renderer of their
		// own even when headless: it took 4.5 CPU-seconds during the server package's tests.
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,CertificateTransparencyComponentUpdater,AutofillServerCommunication,InterestFeedContentSuggestions,WebUIOmniboxPopup,WebUIOmniboxAimPopup,PreloadTopChromeWebUI"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(userDataDir),
		chromedp.WindowSize(1280, 800),
	}
}

// TestJSFlags are the V8 flags of the browser that New shares among a package's tests (Start's
// browser, which the benchmarks use, keeps V8's defaults). A test's page lives for seconds, and V8
// recompiled with its optimizing tier (TurboFan) every main.wasm function that ran a little while
// it loaded, about 0.35–0.75 CPU-seconds a page load (a DevTools trace of one load of the
// Estimator view: wasm.TopTierCompilation on the renderer's thread pool); over the server
// package's 50-odd page loads and animations that was about 15 % of its CPU. With a tiering budget
// ten times V8's default (1.8 million) only functions that stay hot (the simulations' loops) are
// optimized: the server package's tests alone took 97–99 CPU-seconds and 64 s instead of 116 and
// 75 s, alternating (AMD EPYC, 2 cores, Chromium 156). In the whole go test ./... the difference
// was within the runs' noise (94–107 s either way): the pages' clock-paced work takes the CPU
// that is freed. A page computes the same results either way; the timing bounds the tests
// assert get no looser, since less of the code is optimized.
const TestJSFlags = "--wasm-tiering-budget=18000000"

// New returns the context of a blank tab for t, valid until the test ends or
// DefaultTimeout passes. In a test binary whose TestMain calls Main, the tab
// comes from one browser shared by the binary's tests (starting Chromium once
// instead of once per test), and tabs are reused: a test that passes hands its
// tab back, moved to IdlePage with the viewport and touch emulation cleared,
// and the next test takes it. Reusing a tab keeps its renderer process, whose
// V8 finds the main.wasm it compiled before: in a fresh tab a page load costs
// about 2.5 CPU-seconds instead of 1.1 (AMD EPYC, 2 cores), since the 7.5 MB
// module is compiled again. IdlePage is served from 127.0.0.1, the tests'
// site, because a move to another site (about:blank included) swaps the
// renderer process and loses that. Storage stays apart because every test
// serves its own origin (its own port). Tests that run in parallel take turns
// with the browser (see takeTurn): New waits until no other test holds it. Otherwise New
// starts a browser for t.
// Without Chromium it skips t (fails it under CI=true).
func New(t testing.TB) context.Context {
	t.Helper()
	if !shared.enabled {
		tab, stop := Start(t)
		t.Cleanup(stop)
		return tab
	}
	takeTurn(t)
	tab := leaseTab(t)
	timed, cancelTimeout := context.WithTimeout(tab.ctx, DefaultTimeout)
	t.Cleanup(func() {
		cancelTimeout() // also drops the listeners the test attached through timed
		releaseTab(tab, t.Failed())
	})
	return timed
}

// takeTurn waits until no other test drives the shared browser, then makes t (with its
// subtests) the one that does until it ends. Parallel browser tests thus take turns while the
// package's other parallel tests still overlap them. Two pages at once on 2 cores compete for
// the same cores and slow each other down: the page's animations and trainings run for longer
// and cost more. The server package's tests (go test -short) took 150 CPU-seconds and 106 s
// with two browser tests at a time, 101 CPU-seconds and 67 s taking turns (AMD EPYC, 2 cores).
func takeTurn(t testing.TB) {
	shared.mu.Lock()
	h := shared.turnHolder
	shared.mu.Unlock()
	if h != "" && (t.Name() == h || strings.HasPrefix(t.Name(), h+"/")) {
		return // t, or the test it belongs to, already has the turn
	}
	shared.turn <- struct{}{}
	shared.mu.Lock()
	shared.turnHolder = t.Name()
	shared.mu.Unlock()
	t.Cleanup(func() { // runs after the tabs are handed back (cleanups run last first)
		shared.mu.Lock()
		shared.turnHolder = ""
		shared.mu.Unlock()
		<-shared.turn
	})
}

// pooledTab is a tab of the shared browser; cancel closes it.
type pooledTab struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// shared is the browser of New when Main runs the tests.
var shared struct {
	enabled  bool
	mu       sync.Mutex
	browser  context.Context // the browser's first tab; nil until a test needs it
	stop     func()
	dir      string
	startErr error       // why the browser did not start, once it failed to
	free     []pooledTab // tabs handed back, reset, for the next tests
	idle     *httptest.Server

	turn       chan struct{} // holds a token while a test drives the browser (takeTurn)
	turnHolder string        // the name of that test
}

// IdlePage returns the URL of an empty document on 127.0.0.1, started on
// first use: the page a tab waits on in the pool, and the one a test visits
// to leave the app so that its next Navigate loads it afresh. Prefer it to
// about:blank, which swaps the renderer process and so compiles main.wasm again.
func IdlePage() string {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.idle == nil {
		shared.idle = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<!doctype html><title>idle</title>")
		}))
	}
	return shared.idle.URL + "/"
}

// leaseTab returns a free tab of the shared browser, or opens one.
func leaseTab(t testing.TB) pooledTab {
	t.Helper()
	browser := sharedBrowser(t)
	shared.mu.Lock()
	if n := len(shared.free); n > 0 {
		tab := shared.free[n-1]
		shared.free = shared.free[:n-1]
		shared.mu.Unlock()
		return tab
	}
	shared.mu.Unlock()
	ctx, cancel := chromedp.NewContext(browser)
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		cancel()
		t.Fatalf("opening a tab in the shared browser: %v", err)
	}
	return pooledTab{ctx, cancel}
}

// releaseTab resets tab and puts it back in the pool (moving it to the idle
// page also stops whatever the test's page was still running); a tab of a failed test,
// or one that does not reset, is closed instead, so that nothing a failure
// left behind reaches the next test.
func releaseTab(tab pooledTab, failed bool) {
	if failed {
		tab.cancel()
		return
	}
	ctx, cancel := context.WithTimeout(tab.ctx, 10*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(IdlePage()),
		chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
			if _, err := cdp.Call(ctx, target, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, target, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{})
			return err
		}),
	)
	if err != nil {
		tab.cancel()
		return
	}
	shared.mu.Lock()
	shared.free = append(shared.free, tab)
	shared.mu.Unlock()
}

// Main runs the tests of m with one browser shared by every test that calls
// New, stops that browser when they end and returns m.Run's exit code. Use it
// from TestMain: func TestMain(m *testing.M) { os.Exit(browsertest.Main(m)) }.
func Main(m *testing.M) int {
	shared.enabled = true
	shared.turn = make(chan struct{}, 1)
	code := m.Run()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for _, tab := range shared.free {
		tab.cancel()
	}
	if shared.idle != nil {
		shared.idle.Close()
	}
	if shared.stop != nil {
		shared.stop()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	return code
}

// sharedBrowser starts the shared browser on first use. A test that cannot start it fails
// (or skips, without Chromium), and so does every later test, at once, with the same error:
// a browser that does not come up would otherwise cost each of the package's browser tests
// the watchdog's DefaultTimeout, half an hour for the server package.
func sharedBrowser(t testing.TB) context.Context {
	t.Helper()
	execPath, err := ExecPath()
	if err != nil {
		if InCI() {
			t.Fatalf("CI=true and the browser tests cannot run: %v", err)
		}
		t.Skipf("skipping browser test: %v", err)
	}
	browser, err := startShared(execPath)
	if err != nil {
		t.Fatal(err)
	}
	return browser
}

// startShared returns the shared browser, started at execPath on first use, or the error of
// that first start.
func startShared(execPath string) (context.Context, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.browser != nil {
		return shared.browser, nil
	}
	if shared.startErr != nil {
		return nil, fmt.Errorf("the shared browser failed to start for an earlier test: %w", shared.startErr)
	}
	dir, err := os.MkdirTemp("", "browsertest-")
	if err != nil {
		return nil, err
	}
	opts := append(Options(execPath, dir), chromedp.Flag("js-flags", TestJSFlags))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	// The first Do starts the browser, which lives as long as that call's context: so no
	// timeout on it, but a watchdog that stops a browser that does not come up.
	watchdog := time.AfterFunc(DefaultTimeout, cancelAlloc)
	err = chromedp.Do(browser)
	watchdog.Stop()
	if err != nil {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dir)
		shared.startErr = fmt.Errorf("starting %s: %w", execPath, err)
		return nil, shared.startErr
	}
	shared.browser, shared.dir = browser, dir
	shared.stop = func() {
		cancelBrowser()
		cancelAlloc() // stops the browser and waits for it
	}
	return browser, nil
}

// Start is New for callers that stop the browser themselves (benchmarks
// that start one per iteration): stop closes the tab and the browser and
// waits for it to exit.
func Start(t testing.TB) (tab context.Context, stop func()) {
	t.Helper()
	execPath, err := ExecPath()
	if err != nil {
		if InCI() {
			t.Fatalf("CI=true and the browser tests cannot run: %v", err)
		}
		t.Skipf("skipping browser test: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), DefaultTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, Options(execPath, t.TempDir())...)
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	stop = func() {
		cancelTab()
		cancelAlloc() // stops the browser and waits for it
		cancelTimeout()
	}
	if err := chromedp.Do(tab); err != nil {
		stop()
		t.Fatalf("starting %s: %v", execPath, err)
	}
	return tab, stop
}

// ScreenshotDir is $TAILSCOPE_SCREENSHOTS, created if needed, or "" when
// that is unset.
func ScreenshotDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("TAILSCOPE_SCREENSHOTS")
	if dir == "" {
		return ""
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("creating screenshot directory: %v", err)
	}
	return dir
}

// Screenshot saves a PNG of the whole page of tab as
// ScreenshotDir/<test name>-<name>.png and returns its path. Without
// $TAILSCOPE_SCREENSHOTS it takes none and returns "": a picture nobody
// keeps costs a whole-page PNG encode in the browser (tens of them slow the
// package's tests by seconds on 2 cores), and it was a temporary file
// removed with the test anyway.
func Screenshot(t testing.TB, tab context.Context, name string) string {
	t.Helper()
	dir := ScreenshotDir(t)
	if dir == "" {
		return ""
	}
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %q: %v", name, err)
	}
	p := filepath.Join(dir, FileName(t.Name()+"-"+name)+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatalf("saving screenshot: %v", err)
	}
	t.Logf("screenshot: %s", p)
	return p
}

// FileName turns s into a safe file name: letters, digits, '-', '_' and '.'
// are kept, anything else becomes '_'.
func FileName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}
