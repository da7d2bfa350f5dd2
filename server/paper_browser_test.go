package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/internal/browsertest"
	"github.com/tailscope/tailscope/server/store"
	simrun "github.com/tailscope/tailscope/sim/run"
)

// paperServer is the app (testServer's) with its sweep routes answered by an API on the engine,
// with an embedded NATS server and two local worker slots, as `go run ./server` starts them.
func paperServer(t *testing.T) *httptest.Server {
	t.Helper()
	app, _ := testServer(t)
	st := new(store.Memory)
	rs, err := startRuns(context.Background(), engineFlags{natsListen: "127.0.0.1:0", attempts: 3}, simrun.CPU{Workers: 1}, t.TempDir(), st, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.Shutdown(context.Background()) })
	apiSrv, err := api.New(api.Config{Store: st, Runs: rs, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/sweeps") {
			apiSrv.ServeHTTP(w, r)
			return
		}
		app.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestBrowserPaper drives the Paper view: a link holding a tiny sweep (2 widths × 2 depths of a
// few steps on blobs) shows its run count and estimate before anything starts; a real mouse click
// on Start runs it on the server; the progress line and the charts of α̂ against width and depth
// fill in, and the link then names the sweep; no console errors.
func TestBrowserPaper(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a browser and the engine")
	}
	srv := paperServer(t)
	tab := browsertest.New(t)
	console := watchConsole(tab)
	p := estPage{t, tab}

	loadApp(t, tab, srv.URL+"/#paper?kind=mlp&dataset=blobs&n=200&testN=100&iters=40&evalEvery=20&batch=20&width=8,16&depth=2,3&seeds=1")
	p.poll("the estimate", `(() => { const e = document.getElementById("paper-estimate"); return !!e && e.textContent.startsWith("4 runs.") })()`, 30*time.Second)
	if est := p.eval(`document.getElementById("paper-estimate").textContent`); !strings.Contains(est, "cpu:") {
		t.Errorf("estimate %q names no backend", est)
	}
	click(t, p, "paper-start")
	p.poll("the sweep to finish", `(() => { const s = document.getElementById("paper-status"); return !!s && s.textContent.includes("4 of 4 runs done") && s.textContent.includes("finished") })()`, 60*time.Second)
	p.poll("the charts", `document.querySelectorAll("#paper-charts svg").length === 2 && document.getElementById("paper-charts").dataset.done === "4"`, 10*time.Second)
	for _, id := range []string{"paper-alpha-width-1", "paper-alpha-depth-1"} {
		n := p.eval(fmt.Sprintf(`String(document.querySelectorAll("#%s path, #%s polyline, #%s circle").length)`, id, id, id))
		if n == "0" || n == "" {
			t.Errorf("chart #%s draws nothing", id)
		}
		if b := p.eval(fmt.Sprintf(`String(!!document.getElementById(%q))`, id+"-png")); b != "true" {
			t.Errorf("chart #%s has no PNG export button", id)
		}
	}
	if h := p.eval(`location.hash`); !strings.HasPrefix(h, "#paper?sweep=") {
		t.Errorf("the link %q does not name the sweep", h)
	}
	browsertest.Screenshot(t, tab, "finished")

	// Share (clicked) stores the finished sweep's figures; its link opens them, drawn from the store.
	svg := p.eval(`document.getElementById("paper-alpha-width-1").outerHTML`)
	click(t, p, "paper-share")
	p.poll("the share link", `!!document.getElementById("paper-share-link")`, 10*time.Second)
	link := p.eval(`document.getElementById("paper-share-link").href`)
	if !strings.HasPrefix(link, srv.URL+"/s/") {
		t.Fatalf("share link %q", link)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(browsertest.IdlePage())); err != nil {
		t.Fatal(err)
	}
	loadApp(t, tab, link)
	p.poll("the stored charts", `document.querySelectorAll("#paper-charts svg").length === 2 && document.getElementById("paper-charts").dataset.done === "4"`, 10*time.Second)
	if st := p.eval(`document.getElementById("paper-status").textContent`); !strings.Contains(st, "nothing is recomputed") {
		t.Errorf("the shared page says %q", st)
	}
	if got := p.eval(`document.getElementById("paper-alpha-width-1").outerHTML`); got != svg {
		t.Errorf("the shared chart differs from the finished sweep's")
	}

	// A long sweep: Cancel (clicked) stops its runs on the server.
	if err := chromedp.Do(tab, chromedp.Navigate(browsertest.IdlePage())); err != nil {
		t.Fatal(err)
	}
	loadApp(t, tab, srv.URL+"/#paper?kind=mlp&dataset=blobs&n=200&testN=100&iters=1000000&evalEvery=1000&width=8,16&seeds=1")
	p.poll("the long sweep's estimate", `(() => { const e = document.getElementById("paper-estimate"); return !!e && e.textContent.startsWith("2 runs.") })()`, 30*time.Second)
	click(t, p, "paper-start")
	p.poll("the cancel button", `(() => { const s = document.getElementById("paper-status"); return !!document.getElementById("paper-cancel") && !!s && !s.textContent.includes(" 0 running") })()`, 30*time.Second)
	click(t, p, "paper-cancel")
	p.poll("the cancellation", `(() => { const s = document.getElementById("paper-status"); return !!s && s.textContent.includes("2 cancelled") && s.textContent.includes("finished") })()`, 30*time.Second)
	if errs := console.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// click presses and releases the mouse over the centre of element id, as a person does.
func click(t *testing.T, p estPage, id string) {
	t.Helper()
	// The page may still be settling (the presets arrive from the server and the help text
	// above the buttons grows): click once the button has stood still for 100 ms and is what
	// a real click at its centre hits, as a person would.
	var x, y, lastX, lastY float64
	hit := ""
	for try := range 50 {
		out := p.eval(fmt.Sprintf(`(() => { const b = document.getElementById(%q); b.scrollIntoView({block: "center", behavior: "instant"});
			const r = b.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2, e = document.elementFromPoint(x, y);
			return x + "," + y + "," + (e && b.contains(e) ? "ok" : (e ? e.tagName + "#" + e.id + "." + e.className : "nothing")) })()`, id))
		parts := strings.SplitN(out, ",", 3)
		if len(parts) != 3 {
			t.Fatalf("position of #%s: %q", id, out)
		}
		var err1, err2 error
		x, err1 = strconv.ParseFloat(parts[0], 64)
		y, err2 = strconv.ParseFloat(parts[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("position of #%s: %q", id, out)
		}
		hit = parts[2]
		if hit == "ok" && try > 0 && x == lastX && y == lastY {
			break
		}
		lastX, lastY = x, y
		time.Sleep(100 * time.Millisecond)
	}
	if hit != "ok" {
		t.Fatalf("clicking #%s at (%g, %g) would hit %s", id, x, y, hit)
	}
	if err := chromedp.Do(p.tab, chromedp.MouseClickXY(x, y, chromedp.ButtonLeft)); err != nil {
		t.Fatalf("clicking #%s: %v", id, err)
	}
}

// TestBrowserPaperShare opens a stored share of a finished batch-size sweep (/s/{id}): the Paper
// view draws α̂ against batch size for the training and the test set, the per-coordinate chart
// and the fraction rejected as Gaussian with its 5 % line, each point at the stored mean over
// seeds, and asks the server for no sweep: nothing is recomputed.
func TestBrowserPaperShare(t *testing.T) {
	t.Parallel()
	app, _ := testServer(t)
	var sweepCalls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/sweeps") {
			sweepCalls.Add(1)
		}
		app.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	row := func(b string, alpha, test, median, rejected, std float64) string {
		return fmt.Sprintf(`{"values":[%q],"metrics":{"alpha":{"mean":%g,"sd":0.05,"n":2},"test_alpha":{"mean":%g,"sd":0.05,"n":2},`+
			`"coord_alpha_median":{"mean":%g,"sd":0.01,"n":2},"coord_rejected":{"mean":%g,"sd":0.01,"n":2},"coord_std_alpha":{"mean":%g,"sd":0.02,"n":2}}}`,
			b, alpha, test, median, rejected, std)
	}
	table := `{"params":["batch"],"metrics":["alpha","test_alpha","coord_alpha_median","coord_rejected","coord_std_alpha"],"rows":[` +
		row("10", 1.25, 1.4, 1.85, 0.3, 1.7) + "," + row("50", 1.35, 1.45, 1.9, 0.12, 1.8) + "," + row("250", 1.5, 1.55, 1.95, 0.06, 1.9) + `]}`
	body := `{"spec":{"kind":"mlp","seed":1,"params":{"dataset":"blobs"}},"result":{"sweep_id":"sw1","counts":{"done":6},"paper_table":` + table + `}}`
	resp, err := http.Post(srv.URL+"/api/shares", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ ID string }
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/shares: %d, %v", resp.StatusCode, err)
	}

	tab := browsertest.New(t)
	console := watchConsole(tab)
	p := estPage{t, tab}
	loadApp(t, tab, srv.URL+"/s/"+out.ID)
	p.poll("the stored charts", `document.querySelectorAll("#paper-charts svg").length === 3`, 20*time.Second)
	if st := p.eval(`document.getElementById("paper-status").textContent`); !strings.Contains(st, "6 runs done, 3 of 3 grid points") || !strings.Contains(st, "nothing is recomputed") {
		t.Errorf("status %q", st)
	}
	points := func(id string) string {
		return p.eval(fmt.Sprintf(`Array.from(document.querySelectorAll("#%s circle title")).map(e => e.textContent).join("; ")`, id))
	}
	for _, tc := range []struct{ chart, want string }{
		{"paper-alpha-batch-1", "training set (points): (10, 1.25); training set (points): (50, 1.35); training set (points): (250, 1.5); " +
			"test set (points): (10, 1.4); test set (points): (50, 1.45); test set (points): (250, 1.55)"},
		{"paper-coords-batch-1", "pooled (points): (10, 1.25); pooled (points): (50, 1.35); pooled (points): (250, 1.5); " +
			"per coord. (points): (10, 1.85); per coord. (points): (50, 1.9); per coord. (points): (250, 1.95); " +
			"standardised (points): (10, 1.7); standardised (points): (50, 1.8); standardised (points): (250, 1.9)"},
		{"paper-rejected-batch-1", "rejected (points): (10, 0.3); rejected (points): (50, 0.12); rejected (points): (250, 0.06)"},
	} {
		if got := points(tc.chart); got != tc.want {
			t.Errorf("#%s points:\n%s\nwant\n%s", tc.chart, got, tc.want)
		}
	}
	if five := p.eval(`String(!!Array.from(document.querySelectorAll("#paper-rejected-batch-1 path title")).find(e => e.textContent.startsWith("5 %")))`); five != "true" {
		t.Error("the rejected chart has no 5 % line")
	}
	if notes := p.eval(`document.getElementById("paper-coords-about").textContent`); !strings.Contains(notes, "Per coord.: the median of each weight's own α̂") ||
		!strings.Contains(notes, "Standardised: pooled again") || !strings.Contains(notes, "about 5 % (the dashed line)") {
		t.Errorf("the per-coordinate charts' notes %q do not say what each line means", notes)
	}
	if n := sweepCalls.Load(); n != 0 {
		t.Errorf("the shared page asked the sweep routes %d times; it must draw the stored figures", n)
	}
	for _, sz := range []struct{ w, h int64 }{{1400, 900}, {1920, 1080}, {390, 844}} {
		if err := chromedp.Do(tab, chromedp.EmulateViewport(sz.w, sz.h)); err != nil {
			t.Fatal(err)
		}
		p.poll("a frame at the new size", fmt.Sprintf(`window.innerWidth === %d`, sz.w), 5*time.Second)
		if w := p.eval(`String(document.documentElement.scrollWidth)`); w != fmt.Sprint(sz.w) {
			t.Errorf("the shared page is %s px wide on a %d px screen", w, sz.w)
		}
		browsertest.Screenshot(t, tab, fmt.Sprintf("shared-batch-%dx%d", sz.w, sz.h))
	}
	if errs := console.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
