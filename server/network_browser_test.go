package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/internal/browsertest"
	"github.com/tailscope/tailscope/server/jobs"
	"github.com/tailscope/tailscope/server/store"
	simrun "github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

// netServer starts the whole app with a job manager (so that runs execute) on a random
// loopback port.
func netServer(t testing.TB) *httptest.Server {
	srv, _ := netServerCounting(t)
	return srv
}

// netServerCounting is netServer that also counts the dataset requests it answers.
func netServerCounting(t testing.TB) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	st := new(store.Memory)
	runs, err := jobs.New(ctx, jobs.Config{Backend: simrun.CPU{Workers: 1}, Store: st, Workers: 1, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	apiSrv, err := api.New(api.Config{Store: st, Runs: runs, Datasets: testDatasets, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	app := testApp(t)
	mux := routes(apiSrv, app, http.HandlerFunc(app.ServeIndex))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var datasetRequests atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/datasets/") {
			datasetRequests.Add(1)
		}
		mux.ServeHTTP(w, r)
	}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &datasetRequests
}

// netConsole collects the errors and exceptions the page writes to its console.
type netConsole struct {
	mu   sync.Mutex
	msgs []string
}

func netWatchConsole(t *testing.T, tab context.Context) *netConsole {
	ctx, cancel := context.WithCancel(tab)
	t.Cleanup(cancel)
	c := new(netConsole)
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			// The browser's own request for /favicon.ico is not the app's.
			if (m.Type == chromedp.ConsoleError || m.IsException()) && !strings.HasSuffix(m.URL, "/favicon.ico") {
				c.mu.Lock()
				c.msgs = append(c.msgs, m.String()+" ("+m.URL+")")
				c.mu.Unlock()
			}
		}
	}()
	return c
}

func (c *netConsole) check(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.msgs {
		t.Errorf("console: %s", m)
	}
}

// netSpec is a small synthetic run: 600 blobs, a 2-16-16-3 network, a measurement every
// 10 of 400 steps on all 20 batches: each measurement takes milliseconds.
func netSpec(t *testing.T) spec.Spec {
	sp := spec.MustNew("mlp", 3)
	for name, v := range map[string]float64{"n": 600, "testN": 200, "width": 16, "depth": 3, "batch": 30,
		"lr": 0.1, "iters": 400, "evalEvery": 10, "evalBatches": 0} {
		if err := sp.Set(name, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := sp.SetChoice("dataset", "blobs"); err != nil {
		t.Fatal(err)
	}
	return sp
}

// netPage is a tab showing the Network view, for the browser tests: it evaluates JS in the
// tab and waits for conditions, and a wait that times out fails the test with what the page
// says.
type netPage struct {
	t   *testing.T
	tab context.Context
	// shot names the screenshot taken when a wait times out; "" takes none.
	shot string
}

// netPhaseJS is the text of the view's progress line ("" while there is none).
const netPhaseJS = `(document.getElementById("net-phase")||{textContent:""}).textContent`

func (p netPage) eval(js string) string {
	p.t.Helper()
	return evalText(p.t, p.tab, js)
}

// says returns what the page tells a person: the progress line, the server job's line and
// the message line, joined by " | " ("" for one it does not show).
func (p netPage) says() string {
	s, _ := chromedp.Run(p.tab, chromedp.Evaluate[string](`["net-phase","net-job","net-msg"].map(id => (document.getElementById(id)||{}).textContent).join(" | ")`))
	return s
}

// poll waits until the JS condition js holds; what names it in the failure.
func (p netPage) poll(what, js string, timeout time.Duration) {
	p.t.Helper()
	if _, err := chromedp.Run(p.tab, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(pollEvery))); err != nil {
		says := p.says()
		if p.shot != "" {
			browsertest.Screenshot(p.t, p.tab, p.shot)
		}
		p.t.Fatalf("waiting for %s: %v (page says: %q)", what, err, says)
	}
}

func (p netPage) click(id string) {
	p.t.Helper()
	if err := chromedp.Do(p.tab, chromedp.Click(chromedp.ID(id))); err != nil {
		p.t.Fatalf("clicking #%s: %v", id, err)
	}
}

// TestBrowserNetwork trains a network in the page: α̂ points appear and the loss falls;
// pause, one step adds exactly one iteration; reset; the page's link reproduces the same
// first α̂ values; no console errors.
func TestBrowserNetwork(t *testing.T) {
	t.Parallel()
	srv := netServer(t)
	tab := browsertest.New(t)
	console := netWatchConsole(t, tab)
	sp := netSpec(t)
	page := netPage{t: t, tab: tab, shot: "network-timeout"}

	iter := func() int {
		t.Helper()
		n, err := strconv.Atoi(strings.TrimSpace(page.eval(`document.getElementById("net-iter").textContent`)))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// series returns the measurements, oldest first: iteration, α̂ (all digits), training loss.
	type point struct {
		iter        string
		alpha, loss float64
	}
	series := func() []point {
		t.Helper()
		var out []point
		for _, f := range strings.Fields(page.eval(`(document.getElementById("net-evals")||{dataset:{}}).dataset.series||""`)) {
			p := strings.Split(f, ":")
			if len(p) != 3 {
				t.Fatalf("measurement %q: want iter:alpha:loss", f)
			}
			a, err1 := strconv.ParseFloat(p[1], 64)
			l, err2 := strconv.ParseFloat(p[2], 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("measurement %q: %v %v", f, err1, err2)
			}
			out = append(out, point{p[0], a, l})
		}
		return out
	}
	evals := `(document.querySelectorAll("#net-evals tr.net-row").length)`

	link := srv.URL + "/#network?" + sp.Query().Encode()
	loadApp(t, tab, link)
	page.poll("the network view", `!!document.getElementById("netview")`, 10*time.Second)
	page.poll("the data", netPhaseJS+`.startsWith("ready")`, 20*time.Second)

	// Play: α̂ points appear, and the loss falls.
	page.click("net-play")
	page.poll("four measurements", evals+` >= 4 && document.querySelectorAll("#chart-alpha circle").length >= 4`, 60*time.Second)
	if got := page.eval(`document.getElementById("net-play").textContent`); got != "Pause" {
		t.Errorf("while training the play button reads %q; want Pause", got)
	}
	page.click("net-play") // pause
	page.poll("the pause", `document.getElementById("net-play").textContent === "Resume"`, 10*time.Second)
	run := series()
	if len(run) < 4 {
		t.Fatalf("%d measurements; want ≥ 4", len(run))
	}
	first, last := run[0], run[len(run)-1]
	t.Logf("training loss %.4f at iteration %s, %.4f at %s; %d measurements", first.loss, first.iter, last.loss, last.iter, len(run))
	if !(last.loss < first.loss) {
		t.Errorf("the training loss did not fall: %v at iteration %s, %v at %s", first.loss, first.iter, last.loss, last.iter)
	}
	for i, p := range run {
		if want := strconv.Itoa(10 * i); p.iter != want || !(p.alpha > 0 && p.alpha <= 2.5) {
			t.Errorf("measurement %d: iteration %s, α̂ %v; want iteration %s and α̂ in (0, 2.5]", i, p.iter, p.alpha, want)
		}
	}
	t.Logf("first α̂ values: %v", run[:3])

	// Paused: the iteration stays; one step adds exactly one.
	n0 := iter()
	time.Sleep(300 * time.Millisecond)
	if n := iter(); n != n0 {
		t.Fatalf("paused at iteration %d, then %d", n0, n)
	}
	page.click("net-step")
	page.poll("one step", fmt.Sprintf(`document.getElementById("net-iter").textContent === "%d" && document.getElementById("net-play").textContent === "Resume"`, n0+1), 10*time.Second)
	time.Sleep(400 * time.Millisecond)
	if n := iter(); n != n0+1 {
		t.Errorf("after one step from iteration %d: iteration %d; want %d", n0, n, n0+1)
	}
	browsertest.Screenshot(t, tab, "network-paused")

	// Reset: back to iteration 0, no measurements.
	page.click("net-reset")
	page.poll("the reset", `document.getElementById("net-iter").textContent === "0" && !document.getElementById("net-evals")`, 10*time.Second)

	// The page's link reproduces the same first three α̂ values, in a fresh page.
	href := page.eval(`document.getElementById("net-link").href`)
	if !strings.Contains(href, "#network?") || !strings.Contains(href, "seed=3") {
		t.Errorf("the link %q does not carry the spec", href)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(browsertest.IdlePage())); err != nil {
		t.Fatal(err)
	}
	loadApp(t, tab, href)
	page.poll("the data (link)", netPhaseJS+`.startsWith("ready")`, 20*time.Second)
	page.click("net-play")
	page.poll("three measurements (link)", evals+` >= 3`, 60*time.Second)
	page.click("net-play")
	again := series()
	for i := range 3 {
		if again[i].iter != run[i].iter || again[i].alpha != run[i].alpha {
			t.Errorf("measurement %d from the link: iteration %s α̂ %v; the first run: iteration %s α̂ %v", i, again[i].iter, again[i].alpha, run[i].iter, run[i].alpha)
		}
	}

	console.check(t)
}

// TestBrowserNetworkServer sends the bigger run to the server's job API, follows it, shows
// its measurements in the same charts, stores the result and opens its share link, which
// shows the stored result without computing.
func TestBrowserNetworkServer(t *testing.T) {
	t.Parallel()
	srv := netServer(t)
	tab := browsertest.New(t)
	console := netWatchConsole(t, tab)
	sp := netSpec(t)
	for name, v := range map[string]float64{"iters": 60, "evalEvery": 30} {
		if err := sp.Set(name, v); err != nil {
			t.Fatal(err)
		}
	}
	page := netPage{t: t, tab: tab, shot: "network-server-timeout"}
	series := `(document.getElementById("net-evals")||{dataset:{}}).dataset.series||""`

	loadApp(t, tab, srv.URL+"/#network?"+sp.Query().Encode())
	page.poll("the data", netPhaseJS+`.startsWith("ready")`, 20*time.Second)
	page.click("net-server")
	page.poll("the server's result", netPhaseJS+`.startsWith("showing the server's run")`, 60*time.Second)
	got := strings.Fields(page.eval(series))
	if len(got) != 3 {
		t.Fatalf("the server's run shows measurements %q; want 3 (iterations 0, 30, 60)", got)
	}
	t.Logf("server measurements (iter:α̂:loss): %v", got)
	if n := page.eval(`document.querySelectorAll("#chart-alpha circle").length.toString()`); n < "3" {
		t.Errorf("%s circles in the α̂ chart; want ≥ 3", n)
	}
	// The noise histogram is drawn from the binned sample the result kept: bars, not an empty frame.
	histBars := func(from string) {
		t.Helper()
		bars := page.eval(`document.querySelectorAll("#chart-hist rect title").length.toString()`)
		if n, _ := strconv.Atoi(bars); n < 10 {
			t.Errorf("%s: %s bars in the noise histogram; want ≥ 10 (note: %q)", from, bars, page.eval(`document.getElementById("net-hist-note").textContent`))
		}
		if title := page.eval(`document.querySelector("#chart-hist").textContent`); !strings.Contains(title, "Noise histogram at iteration 60") {
			t.Errorf("%s: the noise histogram is not the last measurement's: %.80q", from, title)
		}
	}
	histBars("the server's run")
	browsertest.Screenshot(t, tab, "network-server")

	// Store it; the share link shows the same measurements at once.
	page.click("net-share")
	page.poll("the share link", `!!document.getElementById("net-share-link")`, 10*time.Second)
	link := page.eval(`document.getElementById("net-share-link").href`)
	if !strings.Contains(link, "/s/") {
		t.Fatalf("share link %q", link)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(browsertest.IdlePage())); err != nil {
		t.Fatal(err)
	}
	loadApp(t, tab, link)
	page.poll("the stored result", netPhaseJS+`.startsWith("showing the stored result")`, 20*time.Second)
	if again := strings.Fields(page.eval(series)); strings.Join(again, " ") != strings.Join(got, " ") {
		t.Errorf("the share link shows %v; the server's run %v", again, got)
	}
	histBars("the stored result")
	console.check(t)
}

// gapJS measures, for ms milliseconds, the longest the page's event loop was held: the
// largest delay between consecutive zero-delay MessageChannel tasks, which is how long a
// click would have waited.
const gapJS = `new Promise(done => {
	const ch = new MessageChannel(), end = performance.now() + %d;
	let last = performance.now(), worst = 0;
	ch.port1.onmessage = () => {
		const now = performance.now();
		worst = Math.max(worst, now - last);
		last = now;
		if (now < end) ch.port2.postMessage(0); else done(worst);
	};
	ch.port2.postMessage(0);
})`

// BenchmarkBrowserNetworkDefault runs the view's default spec (MNIST from the server, 2000
// examples, 784-64-64-10, 500 steps, 11 measurements on all 40 batches) in headless
// Chromium and reports the seconds to the end and the page's longest unresponsive gap
// while training.
func BenchmarkBrowserNetworkDefault(b *testing.B) {
	execPath, err := browsertest.ExecPath()
	if err != nil {
		b.Skipf("no browser: %v", err)
	}
	srv := netServer(b)
	for b.Loop() {
		b.StopTimer()
		// A browser of our own: the run takes longer than browsertest.DefaultTimeout.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, browsertest.Options(execPath, b.TempDir())...)
		tab, cancelTab := chromedp.NewContext(alloc)
		stop := func() { cancelTab(); cancelAlloc(); cancel() }
		loadApp(b, tab, srv.URL+"/#network")
		if _, err := chromedp.Run(tab, chromedp.Poll[bool](netPhaseJS+`.startsWith("ready")`, chromedp.WithPollingTimeout(60*time.Second), chromedp.WithPollingInterval(pollEvery))); err != nil {
			b.Fatalf("the default data did not load: %v", err)
		}
		b.StartTimer()
		start := time.Now()
		if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("net-play"))); err != nil {
			b.Fatal(err)
		}
		gap, err := chromedp.Run(tab, chromedp.Evaluate[float64](fmt.Sprintf(gapJS, 5000), chromedp.EvalAwaitPromise))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := chromedp.Run(tab, chromedp.Poll[bool](`document.getElementById("net-phase").textContent.startsWith("finished")`, chromedp.WithPollingTimeout(10*time.Minute), chromedp.WithPollingInterval(pollEvery))); err != nil {
			b.Fatalf("the default run did not finish: %v", err)
		}
		secs := time.Since(start).Seconds()
		b.StopTimer()
		last, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById("net-latest").textContent`))
		b.Logf("default run: %.1f s; longest event-loop gap while training %.0f ms; %s", secs, gap, last)
		browsertest.Screenshot(b, tab, "network-default")
		b.ReportMetric(secs, "s/run")
		b.ReportMetric(gap, "ms-max-gap")
		stop()
		b.StartTimer()
	}
}

// TestBrowserNetworkMNISTCache: the MNIST examples come from the server once; a reload
// reads them from the browser's Cache API without asking the server again.
func TestBrowserNetworkMNISTCache(t *testing.T) {
	t.Parallel()
	srv, requests := netServerCounting(t)
	tab := browsertest.New(t)
	console := netWatchConsole(t, tab)
	sp := netSpec(t)
	if err := sp.SetChoice("dataset", "mnist"); err != nil {
		t.Fatal(err)
	}
	page := netPage{t: t, tab: tab}
	link := srv.URL + "/#network?" + sp.Query().Encode()
	for visit := 1; visit <= 2; visit++ {
		if err := chromedp.Do(tab, chromedp.Navigate(browsertest.IdlePage())); err != nil {
			t.Fatal(err)
		}
		loadApp(t, tab, link)
		page.poll(fmt.Sprintf("the MNIST subset (visit %d)", visit), netPhaseJS+`.startsWith("ready: 600 training and 200 test examples")`, 60*time.Second)
		keys, err := chromedp.Run(tab, chromedp.Evaluate[float64](`caches.open("tailscope-datasets-v1").then(c => c.keys()).then(k => k.length)`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("visit %d: %d dataset requests to the server so far, %v entries in the Cache API", visit, requests.Load(), keys)
		if want := int64(2); requests.Load() != want || keys != 2 {
			t.Errorf("visit %d: %d dataset requests (train and test slices) and %v cache entries; want %d and 2", visit, requests.Load(), keys, want)
		}
	}
	console.check(t)
}
