package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/estimator/dump"
	"github.com/tailscope/tailscope/server/internal/browsertest"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/stable"
	"github.com/tailscope/tailscope/ui/estimatorview"
)

// Targets of the Estimator view in the browser.
const (
	// maxTask is the longest the page's thread may be busy at a stretch while a run of a million
	// values goes on. The run is in a Web Worker, so the page only re-renders (tens of ms); the
	// same run on the page's thread would block it for seconds. The bound is loose because the
	// test machines share 2 cores among several jobs (load averages of 20 were seen), which
	// stretches every task; frame times are logged, not asserted, for the same reason.
	maxTask = time.Second
	// maxInputDelay bounds the time from a click to the page's answer while the run goes on.
	maxInputDelay = time.Second
	// maxCancel is how long Cancel may take to stop a run.
	maxCancel = 2 * time.Second
)

// consoleLog collects what a tab writes to its console.
type consoleLog struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func watchConsole(tab context.Context) *consoleLog {
	l := &consoleLog{}
	msgs := chromedp.Console(tab)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			l.mu.Lock()
			l.msgs = append(l.msgs, m)
			l.mu.Unlock()
		}
	}()
	return l
}

// errors returns the console errors and uncaught exceptions.
func (l *consoleLog) errors() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, m := range l.msgs {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			out = append(out, m.String())
		}
	}
	return out
}

// estPage drives the Estimator view in one tab.
type estPage struct {
	t   *testing.T
	tab context.Context
}

func (p estPage) eval(js string, opts ...chromedp.EvaluateOption) string {
	p.t.Helper()
	s, err := chromedp.Run(p.tab, chromedp.Evaluate[string](js, opts...))
	if err != nil {
		p.t.Fatalf("evaluating %.80q: %v", js, err)
	}
	return s
}

func (p estPage) poll(what, js string, timeout time.Duration) {
	p.t.Helper()
	if _, err := chromedp.Run(p.tab, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(pollEvery))); err != nil {
		state := p.eval(`(() => { const r = document.getElementById("est-results"); const e = document.getElementById("est-error");
			const ps = document.getElementById("paper-status"), pe = document.getElementById("paper-error");
			return "state=" + (r ? r.dataset.state : "none") + " error=" + (e ? e.textContent : "") +
				(ps ? " paper-status=" + ps.textContent : "") + (pe ? " paper-error=" + pe.textContent : "") })()`)
		p.t.Fatalf("waiting for %s: %v (%s)", what, err, state)
	}
}

// waitDone waits until the results are those of what the controls ask (not a stale result).
func (p estPage) waitDone(timeout time.Duration) {
	p.t.Helper()
	p.poll("the estimates", `(() => { const r = document.getElementById("est-results"); return !!r && r.dataset.state === "done" })()`, timeout)
}

// table returns the estimates table: method → α̂ text, and the whole table's text.
func (p estPage) table() (map[string]string, string) {
	p.t.Helper()
	rows := p.eval(`Array.from(document.querySelectorAll("#est-table tbody tr")).map(r => r.dataset.method + "=" + r.querySelector("td.alpha").textContent).join(";")`)
	all := p.eval(`document.getElementById("est-table").textContent`)
	m := map[string]string{}
	for _, kv := range strings.Split(rows, ";") {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m, all
}

func (p estPage) alpha(method string) float64 {
	p.t.Helper()
	m, _ := p.table()
	a, err := strconv.ParseFloat(m[method], 64)
	if err != nil {
		p.t.Fatalf("α̂ of %s reads %q: %v", method, m[method], err)
	}
	return a
}

// setRange sets a range input and fires input and change, as dragging and releasing it do
// (slider_browser_test.go moves sliders with real mouse and key events).
func (p estPage) setRange(id, value string) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`(() => { const s = document.getElementById(%q); s.value = %q; s.dispatchEvent(new Event("input", {bubbles: true}));
		s.dispatchEvent(new Event("change", {bubbles: true})); return s.value })()`, id, value))
}

// TestBrowserEstimator drives the Estimator view as a user would: the α slider changes the
// estimates; a copied share link reopens the same numbers in a fresh tab; an uploaded .npy file is
// analysed; a malformed link and a malformed file each show their message; a run of a million
// values leaves the page responsive and can be cancelled; no console errors.
func TestBrowserEstimator(t *testing.T) {
	t.Parallel()
	srv, _ := testServer(t) // before the tab: building main.wasm must not eat the browser's time
	tab := browsertest.New(t)
	console := watchConsole(tab)
	p := estPage{t, tab}

	loadApp(t, tab, srv.URL+"/")
	p.waitDone(30 * time.Second)
	a0 := p.alpha("mohammadi")
	if math.Abs(a0-1.5) > 0.2 {
		t.Errorf("default sample (SαS α=1.5, n=10000): Mohammadi α̂ = %v, want within 0.2 of 1.5", a0)
	}
	for _, id := range []string{"est-hist", "est-survival", "est-drift"} {
		if n := p.eval(fmt.Sprintf(`String(document.querySelectorAll("#%s rect, #%s circle, #%s path").length)`, id, id, id)); n == "0" || n == "" {
			t.Errorf("chart #%s draws nothing", id)
		}
	}
	browsertest.Screenshot(t, tab, "default")
	// Export: each button offers its file.
	for _, f := range []string{"svg", "png", "csv", "json"} {
		if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("est-survival-"+f))); err != nil {
			t.Fatal(err)
		}
		p.poll("the "+f+" download", fmt.Sprintf(`!!window.tailscopeLastDownload && window.tailscopeLastDownload.name === "tailscope-est-survival.%s" && window.tailscopeLastDownload.size > 100`, f), 5*time.Second)
	}

	// Move the α slider: the estimates follow.
	p.setRange("est-alpha", "0.8")
	p.poll("the link to follow α", `location.hash.includes("alpha=0.8")`, 5*time.Second)
	p.waitDone(30 * time.Second)
	a1 := p.alpha("mohammadi")
	if math.Abs(a1-0.8) > 0.15 {
		t.Errorf("after moving α to 0.8: Mohammadi α̂ = %v, want within 0.15 of 0.8 (was %v at α=1.5)", a1, a0)
	}
	if summary := p.eval(`document.getElementById("est-summary").textContent`); !strings.Contains(summary, "α = 0.80") {
		t.Errorf("summary after α=0.8: %q, want it to name α = 0.80", summary)
	}
	_, table1 := p.table()

	// Copy the link and open it in a fresh tab: the same numbers.
	if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("copy-link"))); err != nil {
		t.Fatal(err)
	}
	p.poll("the share link field", `!!document.getElementById("share-link") && document.getElementById("share-link").value.includes("#estimator?")`, 5*time.Second)
	link := p.eval(`document.getElementById("share-link").value`)
	if !strings.HasPrefix(link, srv.URL+"/#estimator?") || !strings.Contains(link, "alpha=0.8") || !strings.Contains(link, "seed=1") {
		t.Errorf("copied link %q: want %s/#estimator?… with alpha=0.8 and seed=1", link, srv.URL)
	}
	tab2 := browsertest.New(t)
	console2 := watchConsole(tab2)
	p2 := estPage{t, tab2}
	loadApp(t, tab2, link)
	p2.waitDone(30 * time.Second)
	if _, table2 := p2.table(); table2 != table1 {
		t.Errorf("the link opened in a fresh tab shows other numbers:\nfirst tab: %s\nfresh tab: %s", table1, table2)
	}
	if v := p2.eval(`document.getElementById("est-alpha-value").textContent`); v != "0.8" {
		t.Errorf("fresh tab: the α control reads %q, want 0.8", v)
	}
	// Editing the link in the address bar (a hashchange) moves the controls and reruns.
	p2.eval(`(() => { location.hash = "#estimator?kind=stable&seed=2&alpha=1.9"; return "" })()`)
	p2.poll("the edited link's α", `document.getElementById("est-alpha-value").textContent === "1.9"`, 10*time.Second)
	p2.waitDone(30 * time.Second)
	if s := p2.eval(`document.getElementById("est-summary").textContent`); !strings.Contains(s, "α = 1.90") {
		t.Errorf("after editing the hash to alpha=1.9: summary %q", s)
	}
	// A finite-variance law: the Mohammadi caveat in plain words.
	p2.eval(`(() => { const s = document.getElementById("est-dist"); s.value = "mixture"; s.dispatchEvent(new Event("change", {bubbles: true})); return s.value })()`)
	p2.poll("the mixture's result", `location.hash.includes("dist=mixture") && document.getElementById("est-results").dataset.state === "done"`, 30*time.Second)
	if notes := p2.eval(`document.getElementById("est-notes").textContent`); !strings.Contains(notes, "finite variance") || !strings.Contains(notes, "false alarm") {
		t.Errorf("notes for the Gaussian mixture: %q, want the finite-variance caveat", notes)
	}
	browsertest.Screenshot(t, tab2, "mixture")
	if errs := console2.errors(); len(errs) > 0 {
		t.Errorf("console errors in the fresh tab: %q", errs)
	}

	// A malformed link: the banner names the fields, the defaults are used, nothing hangs.
	loadApp(t, tab2, srv.URL+"/#estimator?kind=stable&seed=3&alpha=9&n=abc&dist=cauchy")
	p2.poll("the banner", `!!document.getElementById("link-banner")`, 5*time.Second)
	banner := p2.eval(`document.getElementById("link-banner").textContent`)
	for _, field := range []string{"alpha", "n:", "dist"} {
		if !strings.Contains(banner, field) {
			t.Errorf("banner %q does not name %q", banner, field)
		}
	}
	p2.waitDone(30 * time.Second)
	if v := p2.eval(`document.getElementById("est-alpha-value").textContent`); v != "1.5" {
		t.Errorf("after alpha=9 in the link the control reads %q, want the default 1.5", v)
	}
	browsertest.Screenshot(t, tab2, "malformed-link")
	loadApp(t, tab2, srv.URL+"/#estimator?"+strings.Repeat("x", 10000))
	p2.poll("the too-long banner", `!!document.getElementById("link-banner") && document.getElementById("link-banner").textContent.includes("too long")`, 5*time.Second)
	testSharePage(t, p2, srv.URL)

	// Use my data: a .npy file through the file input.
	dir := t.TempDir()
	x := estimator.Sample(1.2, 1, 20000, 5)
	var npy bytes.Buffer
	if err := dump.WriteNPY(&npy, x, []int{len(x)}); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "noise.npy")
	os.WriteFile(good, npy.Bytes(), 0o644)
	want, err := estimatorview.Compute(context.Background(), estimatorview.Request{FileName: "noise.npy"}, npy.Bytes(), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantA, _ := want.Alpha("mohammadi")
	if err := chromedp.Do(tab, chromedp.SetUploadFiles(chromedp.ID("est-file-input"), []string{good})); err != nil {
		t.Fatalf("uploading %s: %v", good, err)
	}
	p.poll("the file's summary", `!!document.getElementById("est-summary") && document.getElementById("est-summary").textContent.includes("noise.npy")`, 30*time.Second)
	p.waitDone(30 * time.Second)
	if got := p.alpha("mohammadi"); math.Abs(got-wantA) > 0.0051 {
		t.Errorf("noise.npy in the browser: Mohammadi α̂ = %v, want %.2f (computed natively)", got, wantA)
	}
	browsertest.Screenshot(t, tab, "file")

	// The same file gzipped, in two gzip members (as `cat a.gz b.gz` makes): the page inflates it
	// with the browser's DecompressionStream, to the same numbers.
	var gzFile bytes.Buffer
	for _, part := range [][]byte{npy.Bytes()[:npy.Len()/2], npy.Bytes()[npy.Len()/2:]} {
		zw := gzip.NewWriter(&gzFile)
		zw.Write(part)
		zw.Close()
	}
	goodGz := filepath.Join(dir, "noise.npy.gz")
	os.WriteFile(goodGz, gzFile.Bytes(), 0o644)
	if err := chromedp.Do(tab, chromedp.SetUploadFiles(chromedp.ID("est-file-input"), []string{goodGz})); err != nil {
		t.Fatalf("uploading %s: %v", goodGz, err)
	}
	p.poll("the gzipped file's summary", `!!document.getElementById("est-summary") && document.getElementById("est-summary").textContent.includes("noise.npy.gz")`, 30*time.Second)
	p.waitDone(30 * time.Second)
	if got := p.alpha("mohammadi"); math.Abs(got-wantA) > 0.0051 {
		t.Errorf("noise.npy.gz in the browser: Mohammadi α̂ = %v, want %.2f (as the plain file)", got, wantA)
	}

	// Drop a CSV file on the drop zone, as dragging one from the desktop does.
	p.eval(`(() => { const dt = new DataTransfer();
		dt.items.add(new File(["1.5,-2.25,0.5\n3,-0.75,8\n-4,2,-1.25\n"], "dropped.csv", {type: "text/csv"}));
		document.getElementById("est-drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return "" })()`)
	p.poll("the dropped file's summary", `!!document.getElementById("est-summary") && document.getElementById("est-summary").textContent.includes("dropped.csv")`, 30*time.Second)
	p.waitDone(30 * time.Second)
	if s := p.eval(`document.getElementById("est-summary").textContent`); !strings.Contains(s, "9 values") || !strings.Contains(s, "[3 3]") {
		t.Errorf("dropped.csv (3×3 values): summary %q, want 9 values of shape [3 3]", s)
	}

	// A malformed file: the CLI's message, naming the file.
	bad := filepath.Join(dir, "bad.npy")
	badData := append([]byte("\x93NUMPY\x01\x00\x10\x00{'descr': 'zz'}"), 0)
	os.WriteFile(bad, badData, 0o644)
	_, wantErr := dump.Parse("bad.npy", bytes.NewReader(badData), dump.Options{})
	if wantErr == nil {
		t.Fatal("the malformed file parses natively")
	}
	if err := chromedp.Do(tab, chromedp.SetUploadFiles(chromedp.ID("est-file-input"), []string{bad})); err != nil {
		t.Fatal(err)
	}
	p.poll("the file's error", `!!document.getElementById("est-error")`, 30*time.Second)
	if got := p.eval(`document.getElementById("est-error").textContent`); got != wantErr.Error() {
		t.Errorf("bad.npy: the page says %q, want the CLI's %q", got, wantErr.Error())
	}
	browsertest.Screenshot(t, tab, "bad-file")
	if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("est-back"))); err != nil {
		t.Fatal(err)
	}
	p.waitDone(30 * time.Second)

	// A million values: the run goes on in a worker, the page keeps drawing frames, Cancel stops it.
	p.eval(`(() => { window.longTasks = []; new PerformanceObserver(l => { for (const e of l.getEntries()) window.longTasks.push(e.duration) })
		.observe({type: "longtask"}); return "" })()`)
	p.setRange("est-n", "1000")
	p.poll("the progress bar", `!!document.getElementById("est-progress")`, 10*time.Second)
	frames := p.eval(`new Promise(done => { let last = performance.now(); const start = last, gaps = [];
		function frame(t) { gaps.push(t - last); last = t; if (t - start < 1500) requestAnimationFrame(frame);
			else { gaps.sort((a, b) => a - b); done(gaps[gaps.length >> 1].toFixed(1) + " " + gaps[gaps.length - 1].toFixed(1) + " " + gaps.length) } }
		requestAnimationFrame(frame) })`, chromedp.EvalAwaitPromise)
	var median, longest float64
	var nFrames int
	fmt.Sscan(frames, &median, &longest, &nFrames)
	t.Logf("frames during a run of 1e6 values: %d in 1.5 s, median %.0f ms, longest %.0f ms", nFrames, median, longest)
	// Input: the Copy link button answers while the run goes on.
	// (The link field shows since the copy above; the click rewrites its note: the first DOM
	// change after the click is the page's answer.)
	delay := p.eval(`new Promise(done => { const note = document.getElementById("share-note"); const t0 = performance.now();
		new MutationObserver((_, obs) => { obs.disconnect(); done((performance.now() - t0).toFixed(1)) })
			.observe(note, {childList: true, characterData: true, subtree: true});
		document.getElementById("copy-link").click() })`, chromedp.EvalAwaitPromise)
	delayMs, _ := strconv.ParseFloat(delay, 64)
	t.Logf("click to answer during the run: %.0f ms", delayMs)
	if time.Duration(delayMs*float64(time.Millisecond)) > maxInputDelay {
		t.Errorf("the page took %.0f ms to answer a click during the run; want ≤ %v", delayMs, maxInputDelay)
	}
	tasks := p.eval(`(() => { const d = window.longTasks; return d.length + " " + d.reduce((a, b) => a + b, 0).toFixed(0) + " " + Math.max(0, ...d).toFixed(0) })()`)
	var nTasks int
	var sumTasks, maxTaskMs float64
	fmt.Sscan(tasks, &nTasks, &sumTasks, &maxTaskMs)
	t.Logf("page-thread tasks over 50 ms during the run: %d, %.0f ms in all, longest %.0f ms", nTasks, sumTasks, maxTaskMs)
	if time.Duration(maxTaskMs*float64(time.Millisecond)) > maxTask {
		t.Errorf("the page's thread was busy for %.0f ms at a stretch during the run; want ≤ %v", maxTaskMs, maxTask)
	}
	if st := p.eval(`document.getElementById("est-results").dataset.state`); st != "running" {
		t.Logf("the run was over before Cancel (state %q); Cancel not measured", st)
	} else {
		start := time.Now()
		if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("est-cancel"))); err != nil {
			t.Fatal(err)
		}
		p.poll("the cancelled state", `document.getElementById("est-results").dataset.state === "cancelled"`, 10*time.Second)
		t.Logf("Cancel took %v", time.Since(start).Round(time.Millisecond))
		if d := time.Since(start); d > maxCancel {
			t.Errorf("Cancel took %v; want ≤ %v", d, maxCancel)
		}
		if s := p.eval(`document.getElementById("est-status").textContent`); !strings.Contains(s, "Cancelled") {
			t.Errorf("status after Cancel: %q", s)
		}
	}
	// The whole run of a million values, for the record: this is how long the page's thread would
	// be blocked if the run were not in a worker.
	start := time.Now()
	if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("est-new-seed"))); err != nil {
		t.Fatal(err)
	}
	p.poll("the new run", `document.getElementById("est-results").dataset.state === "running"`, 5*time.Second)
	p.waitDone(60 * time.Second)
	t.Logf("a run of 1e6 values (draw, 5 estimators, K1 drift, charts) took %v in the worker", time.Since(start).Round(10*time.Millisecond))
	if n := p.eval(`document.querySelector("#est-table tbody tr td:nth-child(5)").textContent`); n != "1\u202f000\u202f000" {
		t.Errorf("values used: %q, want 1 000 000", n)
	}
	if errs := console.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// testSharePage opens a stored share (/s/{id}): the page loads its spec from GET /api/shares/{id}
// and says whether it reproduces the stored estimates. Where the server has no share API (the app
// alone), it checks that an unknown share is reported in the banner instead.
func testSharePage(t *testing.T, p estPage, base string) {
	t.Helper()
	sp := spec.MustNew("stable", 77)
	if err := sp.Set("alpha", 1.1); err != nil {
		t.Fatal(err)
	}
	res, err := stable.Run(context.Background(), sp, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"spec": sp, "result": res})
	resp, err := http.Post(base+"/api/shares", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || created.ID == "" {
		t.Logf("POST /api/shares: %s: this server stores no shares; checking the banner of an unknown share instead", resp.Status)
		loadApp(t, p.tab, base+"/s/nosuchshare")
		p.poll("the missing-share banner", `!!document.getElementById("link-banner") && document.getElementById("link-banner").textContent.includes("nosuchshare could not be opened")`, 20*time.Second)
		p.waitDone(30 * time.Second)
		return
	}
	loadApp(t, p.tab, base+"/s/"+created.ID)
	p.waitDone(30 * time.Second)
	if v := p.eval(`document.getElementById("est-alpha-value").textContent`); v != "1.1" {
		t.Errorf("share %s: the α control reads %q, want the stored 1.1", created.ID, v)
	}
	p.poll("the shared-result note", `!!document.getElementById("est-shared")`, 5*time.Second)
	if note := p.eval(`document.getElementById("est-shared").textContent`); !strings.Contains(note, "reproduces its estimates") {
		t.Errorf("share %s: note %q, want the page to reproduce the stored estimates", created.ID, note)
	}
	browsertest.Screenshot(t, p.tab, "share-page")
}
