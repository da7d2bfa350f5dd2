package main

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/internal/browsertest"
)

// TestBrowserNetworkWorkers runs a small network in the page with its noise measurements
// spread over 2 Web Workers (?evalWorkers=2), then the same spec on the page's thread
// (?evalWorkers=1): both finish, the progress line said the measurements ran in Web Workers
// in the first run only, and every measurement's α̂ and training loss agree to 1e-9 relative
// (the parts' sums are associated differently; the kernels are the same); no console errors.
func TestBrowserNetworkWorkers(t *testing.T) {
	t.Parallel()
	srv := netServer(t)
	tab := browsertest.New(t)
	console := netWatchConsole(t, tab)
	sp := netSpec(t)
	for name, v := range map[string]float64{"iters": 30, "evalEvery": 10} {
		if err := sp.Set(name, v); err != nil {
			t.Fatal(err)
		}
	}
	page := netPage{t: t, tab: tab, shot: "network-workers-timeout"}
	// run plays the spec to its end with n evaluation workers and returns the measurements
	// (iteration:α̂:loss) and whether the progress line ever named the Web Workers.
	run := func(n int) (series []string, inWorkers bool) {
		t.Helper()
		loadApp(t, tab, srv.URL+"/?evalWorkers="+strconv.Itoa(n)+"#network?"+sp.Query().Encode())
		page.poll("the data", netPhaseJS+`.startsWith("ready")`, 20*time.Second)
		// Record every text the progress line shows.
		page.eval(`window.phases = []; new MutationObserver(() => window.phases.push(document.getElementById("net-phase").textContent))
			.observe(document.getElementById("net-phase"), {childList: true, characterData: true, subtree: true}); ""`)
		page.click("net-play")
		page.poll("the end of the run", netPhaseJS+`.startsWith("finished")`, 60*time.Second)
		series = strings.Fields(page.eval(`document.getElementById("net-evals").dataset.series`))
		inWorkers = page.eval(`window.phases.join("|")`) != "" && strings.Contains(page.eval(`window.phases.join("|")`), "in 2 Web Workers")
		return series, inWorkers
	}
	got, saw := run(2)
	browsertest.Screenshot(t, tab, "network-workers")
	if !saw {
		t.Error("with ?evalWorkers=2 the progress line never said the measurement ran in 2 Web Workers")
	}
	want, saw1 := run(1)
	if saw1 {
		t.Error("with ?evalWorkers=1 the progress line said the measurement ran in Web Workers")
	}
	if len(got) != 4 || len(got) != len(want) {
		t.Fatalf("measurements with workers %q, without %q: want 4 of each", got, want)
	}
	for i := range got {
		g, w := strings.Split(got[i], ":"), strings.Split(want[i], ":")
		if len(g) != 3 || len(w) != 3 || g[0] != w[0] {
			t.Fatalf("measurement %d: %q with workers, %q without", i, got[i], want[i])
		}
		for k, what := range []string{"α̂", "training loss"} {
			a, err1 := strconv.ParseFloat(g[k+1], 64)
			b, err2 := strconv.ParseFloat(w[k+1], 64)
			if err1 != nil || err2 != nil || math.IsNaN(a) || math.Abs(a-b) > 1e-9*math.Abs(b) {
				t.Errorf("iteration %s: %s %s with 2 workers, %s on the page's thread", g[0], what, g[k+1], w[k+1])
			}
		}
	}
	t.Logf("with 2 workers: %q", got)
	console.check(t)
}
