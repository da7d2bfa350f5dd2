package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/internal/browsertest"
	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/server/web"
)

// Targets for what a user waits for (the README's figures).
const (
	maxGzipWasm = 2 << 20 // bytes of main.wasm as sent, gzipped
)

var (
	appOnce sync.Once
	appMux  *http.ServeMux
	appWeb  *web.Handler // the app's files, shared by every test server (they serve no state)
	appInfo web.WasmInfo
	appErr  error
)

// testDatasets is the dataset catalog of every test server, as one server process has one: a
// catalog normalises MNIST's training set (47 million values) when first asked for it, 0.6–0.9
// CPU-seconds (AMD EPYC), which a catalog per test server paid once per Network test. The sets
// are read-only; a set that fails to load is not kept (api.DataCatalog), so the CIFAR test's
// own data directory decides its loads as before.
var testDatasets = new(api.DataCatalog)

// testApp returns the app's handler (index, main.wasm, assets) and the mux of testServer, made
// once per test binary: main.wasm is built from the current sources (and cached across runs by
// server/web, keyed by the sources). Obtaining the handler hashes the sources and gzips the
// 7.5 MB main.wasm, about 1 CPU-second, so servers with an API of their own (netServer) share it
// too: it serves files only, no state.
func testApp(tb testing.TB) *web.Handler {
	tb.Helper()
	appOnce.Do(func() {
		var log strings.Builder
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		apiSrv, err := api.New(api.Config{Store: new(store.Memory), Datasets: testDatasets})
		if err != nil {
			appErr = err
			return
		}
		mux, app, err := newMux(ctx, web.Options{ForceBuild: true, Log: &log}, apiSrv)
		if err != nil {
			appErr = fmt.Errorf("%v\n%s", err, log.String())
			return
		}
		appMux, appWeb, appInfo = mux, app, app.Wasm()
	})
	if appErr != nil {
		tb.Fatalf("starting the app: %v", appErr)
	}
	return appWeb
}

// testServer starts the app (testApp) on a random loopback port.
func testServer(tb testing.TB) (*httptest.Server, web.WasmInfo) {
	tb.Helper()
	testApp(tb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(appMux)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv, appInfo
}

func TestAppURL(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"127.0.0.1:8080", "http://127.0.0.1:8080/"},
		{"0.0.0.0:9000", "http://localhost:9000/"},
		{"[::]:8080", "http://localhost:8080/"},
		{"[::1]:8080", "http://[::1]:8080/"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			a, err := net.ResolveTCPAddr("tcp", tt.addr)
			if err != nil {
				t.Fatal(err)
			}
			if got := appURL(a); got != tt.want {
				t.Errorf("appURL(%s) = %q; want %q", tt.addr, got, tt.want)
			}
		})
	}
}

func TestServerHTTP(t *testing.T) {
	t.Parallel()
	srv, info := testServer(t)
	for _, tc := range []struct {
		path       string
		wantStatus int
		wantType   string
	}{
		{"/healthz", 200, "text/plain; charset=utf-8"},
		{"/", 200, "text/html; charset=utf-8"},
		{"/main.wasm", 200, "application/wasm"},
		{"/wasm_exec.js", 200, "text/javascript; charset=utf-8"},
		{"/etc/passwd", 404, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := http.Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus || (tc.wantType != "" && resp.Header.Get("Content-Type") != tc.wantType) {
				t.Errorf("GET %s: %d %q; want %d %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.wantStatus, tc.wantType)
			}
		})
	}
	t.Logf("main.wasm (%s): %d bytes raw, %d bytes gzipped", info.Origin, info.RawSize, info.GzipSize)
	if info.GzipSize > maxGzipWasm {
		t.Errorf("main.wasm is %d bytes gzipped; target ≤ %d", info.GzipSize, maxGzipWasm)
	}
}

// TestBrowserApp loads the app in headless Chromium, moves the slider, reads
// the value back from the DOM, switches views, and saves a screenshot.
func TestBrowserApp(t *testing.T) {
	t.Parallel()
	srv, info := testServer(t)
	tab := browsertest.New(t)

	firstRender := loadApp(t, tab, srv.URL+"/")
	t.Logf("first render %.0f ms after navigation; main.wasm %d bytes raw, %d gzipped", firstRender, info.RawSize, info.GzipSize)

	text := func(id string) string {
		t.Helper()
		s, err := chromedp.Run(tab, chromedp.TextContent(chromedp.ID(id)))
		if err != nil {
			t.Fatalf("reading #%s: %v", id, err)
		}
		return strings.TrimSpace(s)
	}
	waitText := func(id, want string) {
		t.Helper()
		js := fmt.Sprintf(`(document.getElementById(%q)||{}).textContent === %q`, id, want)
		if _, err := chromedp.Run(tab, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(pollEvery))); err != nil {
			t.Fatalf("waiting for #%s to read %q (it reads %q): %v", id, want, text(id), err)
		}
	}

	title, err := chromedp.Run(tab, chromedp.TextContent(chromedp.CSS("h1")))
	if err != nil || title != "Tailscope" {
		t.Errorf("h1 = %q, %v; want %q", title, err, "Tailscope")
	}
	if got, want := text("est-alpha-value"), "1.5"; got != want {
		t.Errorf("slider value shown at start = %q; want %q", got, want)
	}

	// Move the slider with the keyboard, as a person would: one step left.
	if err := chromedp.Do(tab, chromedp.Focus(chromedp.ID("est-alpha")), chromedp.SendKeys(chromedp.ID("est-alpha"), kb.ArrowLeft)); err != nil {
		t.Fatalf("pressing ← on the slider: %v", err)
	}
	waitText("est-alpha-value", "1.49")

	// Drag it to 0.80 (set the value and fire input, as dragging does).
	set := `(() => { const s = document.getElementById("est-alpha"); s.value = "0.8";
		s.dispatchEvent(new Event("input", {bubbles: true})); return s.value })()`
	if v, err := chromedp.Run(tab, chromedp.Evaluate[string](set)); err != nil || v != "0.8" {
		t.Fatalf("setting the slider to 0.8: value %q, %v", v, err)
	}
	waitText("est-alpha-value", "0.8")
	browsertest.Screenshot(t, tab, "estimator")

	// Switch views through the navigation; the URL hash follows.
	if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("nav-landscape"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`!!document.getElementById("view-landscape") && !document.getElementById("view-estimator") && location.hash.startsWith("#landscape")`,
		chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(pollEvery))); err != nil {
		t.Fatalf("after clicking Landscape: the landscape view and #landscape did not appear: %v", err)
	}
	// A link to a view opens it.
	if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+"/#network")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`!!document.getElementById("view-network")`, chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(pollEvery))); err != nil {
		t.Fatalf("hash change to #network did not show the network view: %v", err)
	}
	if got, want := text("nav-network"), "Network"; got != want {
		t.Errorf("nav entry = %q; want %q", got, want)
	}

	// A Web Worker whose Go program ends (here a run request without its input makes the
	// worker's listener panic) says so, so that the page's run fails instead of waiting forever.
	ended, err := chromedp.Run(tab, chromedp.Evaluate[string](`new Promise((resolve) => {
		const w = new Worker("/worker.js");
		const timer = setTimeout(() => { w.terminate(); resolve("no message in 20 s") }, 20000);
		w.onmessage = (e) => { clearTimeout(timer); w.terminate(); resolve(e.data.type + " " + e.data.id + ": " + e.data.message) };
		w.onerror = (e) => { clearTimeout(timer); w.terminate(); resolve("an error event: " + e.message) };
		w.postMessage({type: "module", module: window.tailscopeModule});
		w.postMessage({type: "run", id: 7, job: "estimate"});
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if want := "error 0: worker: its Go program ended"; !strings.HasPrefix(ended, want) {
		t.Errorf("a worker whose Go program panicked posted %q; want a message starting %q", ended, want)
	}
}

// loadApp navigates tab to url, waits for the app's first render, and
// returns its time in milliseconds after navigation start.
func loadApp(tb testing.TB, tab context.Context, url string) float64 {
	tb.Helper()
	if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
		tb.Fatalf("navigating to %s: %v", url, err)
	}
	// A poll that starts while the previous document is still being replaced loses its
	// execution context; that says nothing about the app, so poll again.
	deadline := time.Now().Add(30 * time.Second)
	var ms float64
	var err error
	for {
		ms, err = chromedp.Run(tab, chromedp.Poll[float64](`window.tailscopeFirstRender`, chromedp.WithPollingTimeout(time.Until(deadline)), chromedp.WithPollingInterval(pollEvery)))
		if err == nil || time.Now().After(deadline) || !lostContext(err) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		body, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
		tb.Fatalf("the app did not render within 30 s of loading %s: %v (page text: %.200q)", url, err, body)
	}
	return ms
}

// evalText evaluates the JavaScript expression js in tab and returns its value, a string; an
// error fails tb. The page helpers of the browser tests (lsPage, netPage, …) call it.
func evalText(tb testing.TB, tab context.Context, js string) string {
	tb.Helper()
	s, err := chromedp.Run(tab, chromedp.Evaluate[string](js))
	if err != nil {
		tb.Fatalf("evaluating %.200s: %v", js, err)
	}
	return s
}

// lostContext reports whether err is the browser's answer to a script that ran in a
// document being replaced by a navigation.
func lostContext(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context with specified id") || strings.Contains(msg, "Execution context was destroyed")
}

// BenchmarkFirstRender reports what a user waits for: main.wasm's size raw and
// gzipped, and the time from navigation to the app's first render in
// headless Chromium (fresh tab, cache disabled by a new profile per run).
func BenchmarkFirstRender(b *testing.B) {
	srv, info := testServer(b)
	var total float64
	for b.Loop() {
		b.StopTimer()
		tab, stop := browsertest.Start(b)
		b.StartTimer()
		total += loadApp(b, tab, srv.URL+"/")
		b.StopTimer()
		stop()
		b.StartTimer()
	}
	b.ReportMetric(total/float64(b.N), "ms-to-first-render")
	b.ReportMetric(float64(info.RawSize), "wasm-bytes")
	b.ReportMetric(float64(info.GzipSize), "wasm-gzip-bytes")
}

// pollEvery is how often a test's chromedp.Poll checks its condition: by default a poll runs on
// every animation frame, which keeps a headless page painting at 60 frames/s while it waits.
const pollEvery = 50 * time.Millisecond
