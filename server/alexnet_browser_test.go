package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/tailscope/tailscope/server/internal/browsertest"
)

// TestBrowserNetworkAlexNet: a person switches the Network view to AlexNet with the keyboard
// (the width and depth sliders give way to the channel scale, the synthetic sets leave the
// dataset select), lowers the channels by one
// step, trains an MNIST subset in the page until two measurements are in, and gets a link
// that carries arch=alexnet and ch and reproduces the same α̂ values in a fresh page.
func TestBrowserNetworkAlexNet(t *testing.T) {
	t.Parallel()
	srv := netServer(t)
	tab := browsertest.New(t)
	console := netWatchConsole(t, tab)
	page := netPage{t: t, tab: tab, shot: "alexnet-timeout"}

	keys := func(id, key string) {
		t.Helper()
		if err := chromedp.Do(tab, chromedp.Focus(chromedp.ID(id)), chromedp.SendKeys(chromedp.ID(id), key)); err != nil {
			t.Fatalf("pressing a key on #%s: %v", id, err)
		}
	}
	// alphas returns the measurements' iterations and α̂ (all digits), and checks their losses.
	alphas := func() []string {
		t.Helper()
		var out []string
		for _, f := range strings.Fields(page.eval(`(document.getElementById("net-evals")||{dataset:{}}).dataset.series||""`)) {
			p := strings.Split(f, ":")
			if len(p) != 3 {
				t.Fatalf("measurement %q: want iter:alpha:loss", f)
			}
			a, err1 := strconv.ParseFloat(p[1], 64)
			loss, err2 := strconv.ParseFloat(p[2], 64)
			// Cross-entropy on 10 classes starts near ln 10 ≈ 2.30.
			if err1 != nil || err2 != nil || !(a > 0 && a <= 2.5) || !(loss > 1.5 && loss < 3) {
				t.Errorf("measurement %q: want α̂ in (0, 2.5] and a training loss near ln 10", f)
			}
			out = append(out, p[0]+":"+p[1])
		}
		return out
	}
	evals := `document.querySelectorAll("#net-evals tr.net-row").length`

	// A small fully connected run on MNIST.
	sp := netSpec(t)
	if err := sp.SetChoice("dataset", "mnist"); err != nil {
		t.Fatal(err)
	}
	loadApp(t, tab, srv.URL+"/#network?"+sp.Query().Encode())
	page.poll("the MNIST subset", netPhaseJS+`.startsWith("ready")`, 60*time.Second)
	if page.eval(`String(!!document.getElementById("net-width") && !document.getElementById("net-ch"))`) != "true" {
		t.Errorf("a fully connected run shows no width slider, or a channel slider")
	}

	// The keyboard picks AlexNet: its sizes, a channel slider instead of width and depth.
	keys("net-arch", kb.ArrowDown)
	page.poll("AlexNet's data", netPhaseJS+`.startsWith("ready: 500 training and 200 test examples")`, 60*time.Second)
	if got := page.eval(`[document.getElementById("net-arch").value, String(!!document.getElementById("net-width")), String(!!document.getElementById("net-depth")), (document.getElementById("net-ch-value")||{}).textContent].join(" ")`); got != "alexnet false false 4" {
		t.Errorf("after choosing AlexNet: arch, width shown, depth shown, ch = %q; want \"alexnet false false 4\"", got)
	}
	// AlexNet takes images: the dataset select offers no synthetic set.
	if got := page.eval(`[...document.querySelectorAll("#net-dataset option")].map(o => o.value).join(" ")`); got != "mnist cifar10 cifar100" {
		t.Errorf("with AlexNet the datasets offered are %q; want the image sets \"mnist cifar10 cifar100\"", got)
	}
	// One step down the channel slider: 3 channels.
	keys("net-ch", kb.ArrowLeft)
	page.poll("3 channels in the link", `location.hash.includes("arch=alexnet") && location.hash.includes("ch=3")`, 10*time.Second)
	page.poll("the data again", netPhaseJS+`.startsWith("ready")`, 30*time.Second)

	// Train until two measurements (iterations 0 and 25) are in, then pause.
	page.click("net-play")
	start := time.Now()
	page.poll("two measurements", evals+` >= 2 && document.querySelectorAll("#chart-alpha circle").length >= 2`, 90*time.Second)
	page.click("net-play")
	page.poll("the pause", `document.getElementById("net-play").textContent === "Resume"`, 10*time.Second)
	t.Logf("AlexNet (ch 3, 500 MNIST digits, b 25): 25 steps and 2 measurements in %.1f s", time.Since(start).Seconds())
	run := alphas()
	if len(run) < 2 || !strings.HasPrefix(run[0], "0:") || !strings.HasPrefix(run[1], "25:") {
		t.Fatalf("measurements %v; want iterations 0 and 25 first", run)
	}
	if latest := page.eval(`document.getElementById("net-latest").textContent`); !strings.Contains(latest, "α̂ = ") {
		t.Errorf("the latest line reads %q; want an α̂", latest)
	}
	for _, sz := range []struct{ w, h int64 }{{1400, 900}, {1920, 1080}, {390, 844}} {
		if err := chromedp.Do(tab, chromedp.EmulateViewport(sz.w, sz.h)); err != nil {
			t.Fatal(err)
		}
		browsertest.Screenshot(t, tab, "alexnet-"+strconv.FormatInt(sz.w, 10))
	}

	// The link reproduces the run in a fresh page.
	href := page.eval(`document.getElementById("net-link").href`)
	if !strings.Contains(href, "arch=alexnet") || !strings.Contains(href, "ch=3") {
		t.Fatalf("the link %q does not carry arch=alexnet and ch=3", href)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(browsertest.IdlePage())); err != nil {
		t.Fatal(err)
	}
	loadApp(t, tab, href)
	page.poll("the data (link)", netPhaseJS+`.startsWith("ready: 500 training")`, 60*time.Second)
	page.click("net-play")
	page.poll("two measurements (link)", evals+` >= 2`, 90*time.Second)
	page.click("net-play")
	again := alphas()
	for i := range 2 {
		if again[i] != run[i] {
			t.Errorf("measurement %d from the link: %s; the first run: %s", i, again[i], run[i])
		}
	}
	console.check(t)
}
