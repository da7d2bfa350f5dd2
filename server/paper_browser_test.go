package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
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
	p.poll("the sweep to finish", `(() => { const s = document.getElementById("paper-status"); return !!s && s.textContent.includes("4 of 4 runs done") && s.textContent.includes("finished") })()`, 90*time.Second)
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
	xy := p.eval(fmt.Sprintf(`(() => { const b = document.getElementById(%q); b.scrollIntoView(); const r = b.getBoundingClientRect();
		return (r.left + r.width / 2) + "," + (r.top + r.height / 2) })()`, id))
	var x, y float64
	if _, err := fmt.Sscanf(xy, "%g,%g", &x, &y); err != nil {
		t.Fatalf("position of #%s %q: %v", id, xy, err)
	}
	if err := chromedp.Do(p.tab, chromedp.MouseClickXY(x, y, chromedp.ButtonLeft)); err != nil {
		t.Fatalf("clicking #%s: %v", id, err)
	}
}
