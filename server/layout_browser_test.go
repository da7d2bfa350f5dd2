package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	qr "github.com/piglig/go-qr"
	"github.com/tailscope/tailscope/server/internal/browsertest"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/stable"
	"github.com/tailscope/tailscope/ui/qrcode"
)

// layPage drives the app shell of one tab with real input (mouse clicks and key presses sent
// through the DevTools protocol).
type layPage struct {
	t   *testing.T
	tab context.Context
	url string // the server's root, with no trailing slash
}

func (p layPage) eval(js string) string {
	p.t.Helper()
	return evalText(p.t, p.tab, js)
}

// await waits for the promise js (which resolves to true).
func (p layPage) await(js string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.tab, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err != nil {
		p.t.Fatalf("awaiting %s: %v", js, err)
	}
}

func (p layPage) poll(what, js string, timeout time.Duration) {
	p.t.Helper()
	if _, err := chromedp.Run(p.tab, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(pollEvery))); err != nil {
		browsertest.Screenshot(p.t, p.tab, "timeout")
		p.t.Fatalf("waiting for %s (%s): %v", what, js, err)
	}
}

func (p layPage) click(id string) {
	p.t.Helper()
	if err := chromedp.Do(p.tab, chromedp.Click(chromedp.ID(id))); err != nil {
		p.t.Fatalf("clicking #%s: %v", id, err)
	}
}

// press sends key as a keyboard does (key down, key up) to whatever has the focus.
func (p layPage) press(key string) {
	p.t.Helper()
	if err := chromedp.Do(p.tab, chromedp.KeyEvent(key)); err != nil {
		p.t.Fatalf("pressing %q: %v", key, err)
	}
}

// blur leaves the focus on the page's body, where the page's keys act.
func (p layPage) blur() {
	p.t.Helper()
	p.eval(`(document.activeElement && document.activeElement.blur && document.activeElement.blur(), "")`)
}

// viewportShot saves what the screen shows (not the whole page) as a PNG, when
// TAILSCOPE_SCREENSHOTS names a directory (browsertest.Screenshot's rule).
func (p layPage) viewportShot(name string) {
	p.t.Helper()
	dir := browsertest.ScreenshotDir(p.t)
	if dir == "" {
		return
	}
	png, err := chromedp.Run(p.tab, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot %q: %v", name, err)
	}
	path := filepath.Join(dir, browsertest.FileName(p.t.Name()+"-"+name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
}

// layView is what the layout test knows of a view: what shows it is ready, its main chart and
// its run's buttons.
type layView struct {
	name    string
	ready   string   // a JS condition that holds once the view has drawn its main chart
	chart   string   // a CSS selector of the main chart
	buttons []string // ids of Play, Step and Reset (none for a view without a run)
}

var layViews = []layView{
	{"estimator", `document.querySelectorAll("#view-estimator .est-charts svg").length === 3 && !!document.getElementById("est-table")`, "#view-estimator .est-charts figure", nil},
	{"landscape", `!!document.querySelector("#view-landscape .ls-panels .chart-svg svg")`, "#view-landscape .ls-panels .chart-svg", []string{"ls-play", "ls-step", "ls-reset"}},
	{"network", `!!document.querySelector("#view-network .net-chart svg")`, "#view-network .net-chart figure", []string{"net-play", "net-step", "net-reset"}},
	{"iterates", `document.getElementById("it-results").dataset.state === "done" && document.querySelectorAll("#view-iterates .est-charts svg").length === 2`, "#view-iterates .est-charts figure", nil},
}

// box is an element's rectangle on the screen.
type box struct {
	Left, Top, Right, Bottom float64
	Found                    bool
}

func (p layPage) box(selector string) box {
	p.t.Helper()
	s := p.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return JSON.stringify({Found: false});
		const r = e.getBoundingClientRect(); return JSON.stringify({Left: r.left, Top: r.top, Right: r.right, Bottom: r.bottom, Found: true}) })()`, selector))
	var b box
	if err := json.Unmarshal([]byte(s), &b); err != nil {
		p.t.Fatalf("box of %s: %q: %v", selector, s, err)
	}
	return b
}

// labelSizes returns the screen size in px of the 18-unit labels of every ui/chart chart shown:
// its font size times the scale from its view box to the screen.
func (p layPage) labelSizes() []float64 {
	p.t.Helper()
	s := p.eval(`JSON.stringify(Array.from(document.querySelectorAll(".chart-svg > svg[font-size]")).filter(s => s.getBoundingClientRect().width > 0)
		.map(s => +s.getAttribute("font-size") * s.getBoundingClientRect().width / s.viewBox.baseVal.width))`)
	var px []float64
	if err := json.Unmarshal([]byte(s), &px); err != nil {
		p.t.Fatalf("label sizes %q: %v", s, err)
	}
	return px
}

// clippedJS lists (as one string, "" for none) the first elements that are cut off sideways:
// an HTML element beyond the edge of the nearest box that clips it (overflow hidden or clip; the
// screen when none), and an SVG text beyond its chart's svg. A box that scrolls sideways (overflow
// auto or scroll) holds whatever is in it, and must itself be within what clips it. Hidden
// elements and the screen-reader-only text (.sr-only, clipped on purpose) are left out.
const clippedJS = `(() => {
	const vw = document.documentElement.clientWidth, out = [];
	const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (typeof e.className === "string" && e.className ? "." + e.className.split(" ")[0] : "") +
		(e.textContent ? " «" + e.textContent.trim().slice(0, 40) + "»" : "");
	for (const e of document.querySelectorAll("body *")) {
		if (e.closest(".sr-only") || e.closest("defs, title, clipPath")) continue;
		const r = e.getBoundingClientRect();
		if (r.width < 1 || r.height < 1) continue;
		let left = 0, right = vw, by = "the screen", slack = 1;
		if (e instanceof SVGElement) {
			if (e.tagName !== "text") continue;
			const s = e.ownerSVGElement.getBoundingClientRect();
			left = s.left; right = s.right; by = "its chart"; slack = 0; // a glyph past the edge is cut
		} else {
			for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
				const o = getComputedStyle(a).overflowX;
				if (o === "visible") continue;
				if (o === "auto" || o === "scroll") { left = -Infinity; right = Infinity; by = ""; }
				else { const b = a.getBoundingClientRect(); left = b.left; right = b.right; by = name(a).slice(0, 40); }
				break;
			}
		}
		if (r.left < left - slack || r.right > right + slack) out.push(name(e) + " spans " + Math.round(r.left) + "–" + Math.round(r.right) + " px, cut by " + by + " (" + Math.round(left) + "–" + Math.round(right) + ")");
		if (out.length >= 8) break;
	}
	return out.join("; ");
})()`

// TestBrowserLayout opens every view at a projector's sizes and a phone's: on the projector the
// main chart and the Play, Step and Reset buttons are on the first screen, without scrolling,
// and the charts' labels share one size; on the phone nothing is wider than the screen. It saves
// a screenshot of each (TAILSCOPE_SCREENSHOTS=dir keeps them). At 1400×900 the same visit also
// checks what a reader and a screen reader get (checkReadable), and the estimator's visit the
// focus ring reached with the Tab key (checkFocusRing): one page visit serves both, since every
// visit costs the view's default run again. Then, on the same page, it clicks a scenario of each
// view (checkScenarios). No console errors.
func TestBrowserLayout(t *testing.T) {
	t.Parallel()
	srv, _ := testServer(t)
	tab := browsertest.New(t)
	check := consoleProblems(t, tab)
	sizes := []struct {
		w, h     int64
		phone    bool
		readable bool // check the text, export buttons, captions and focus ring too
	}{{1400, 900, false, true}, {1920, 1080, false, false}, {390, 844, true, false}}
	for _, sz := range sizes {
		for _, v := range layViews {
			t.Run(fmt.Sprintf("%dx%d/%s", sz.w, sz.h, v.name), func(t *testing.T) {
				p := layPage{t, tab, srv.URL}
				if err := chromedp.Do(tab, chromedp.EmulateViewport(sz.w, sz.h)); err != nil {
					t.Fatal(err)
				}
				loadApp(t, tab, srv.URL+"/#"+v.name)
				p.poll(v.name+"'s chart", v.ready, 30*time.Second)
				p.await(`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
				if cut := p.eval(clippedJS); cut != "" {
					t.Errorf("elements cut off sideways: %s", cut)
				}
				if sz.phone {
					if w := p.eval(`String(document.documentElement.scrollWidth)`); mustFloat(t, w) > float64(sz.w) {
						wide := p.eval(fmt.Sprintf(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > %d + 0.5)
							.slice(0, 6).map(e => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className.baseVal + e.className).join(", ")`, sz.w))
						t.Errorf("the page is %s px wide on a %d px screen; wider elements: %s", w, sz.w, wide)
					}
					// The tables fit the phone's width: none hides columns to be scrolled to.
					if wide := p.eval(`Array.from(document.querySelectorAll("table")).filter(e => e.scrollWidth > e.clientWidth + 1)
						.map(e => "#" + e.id + " " + e.scrollWidth + " px in " + e.clientWidth).join(", ")`); wide != "" {
						t.Errorf("tables wider than their box on a %d px screen: %s", sz.w, wide)
					}
					browsertest.Screenshot(t, tab, "page")
					return
				}
				p.viewportShot("screen")
				if y := p.eval(`String(window.scrollY)`); y != "0" {
					t.Fatalf("the page opened scrolled to %s", y)
				}
				within := func(what string, b box) {
					t.Helper()
					if !b.Found {
						t.Errorf("%s: not in the page", what)
						return
					}
					if b.Left < 0 || b.Top < 0 || b.Right > float64(sz.w)+0.5 || b.Bottom > float64(sz.h)+0.5 || b.Bottom-b.Top < 1 {
						t.Errorf("%s spans (%.0f, %.0f)–(%.0f, %.0f): not whole on the %d×%d screen", what, b.Left, b.Top, b.Right, b.Bottom, sz.w, sz.h)
					}
				}
				within("the main chart "+v.chart, p.box(v.chart))
				// The charts use the screen's width: the rightmost reaches past 70% of it (not
				// a column of charts on the left half).
				if right := mustFloat(t, p.eval(fmt.Sprintf(`String(Math.max(...Array.from(document.querySelectorAll("#view-%s .chart-svg svg")).map(s => s.getBoundingClientRect().right)))`, v.name))); right < 0.7*float64(sz.w) {
					t.Errorf("the charts end at %.0f px on a %d px screen: the right %.0f%% is unused", right, sz.w, 100*(1-right/float64(sz.w)))
				}
				for _, id := range v.buttons {
					within("#"+id, p.box("#"+id))
				}
				px := p.labelSizes()
				if len(px) == 0 {
					t.Fatal("no chart labels to measure")
				}
				lo, hi := px[0], px[0]
				for _, x := range px {
					lo, hi = min(lo, x), max(hi, x)
				}
				t.Logf("chart labels %.1f–%.1f px over %d charts", lo, hi, len(px))
				if lo < 12 || hi/lo > 1.45 {
					t.Errorf("chart labels span %.1f–%.1f px (%v); want one scale: ≥ 12 px and the largest ≤ 1.45× the smallest", lo, hi, px)
				}
				if !sz.readable {
					return
				}
				t.Run("readable", func(t *testing.T) { checkReadable(t, layPage{t, tab, srv.URL}, v) })
				if v.name == "estimator" {
					t.Run("focus ring", func(t *testing.T) { checkFocusRing(t, layPage{t, tab, srv.URL}) })
				}
			})
		}
	}
	t.Run("scenarios", func(t *testing.T) {
		if err := chromedp.Do(tab, chromedp.EmulateViewport(1280, 800)); err != nil { // the browser's window
			t.Fatal(err)
		}
		checkScenarios(t, tab, srv.URL)
	})
	check()
}

// qrModules reads the modules of the QR code drawn by ui/qrcode in the element sel (one
// "Mx yhNv1h-Nz" per run of dark modules) and returns them rasterised at 4 px a module, with
// the quiet zone, for the QR library's decoder.
func (p layPage) qrImage(sel string) image.Image {
	p.t.Helper()
	s := p.eval(fmt.Sprintf(`(() => { const s = document.querySelector(%q + " svg"); if (!s) return "";
		return s.viewBox.baseVal.width + "|" + s.querySelector("path").getAttribute("d") })()`, sel))
	side, d, ok := strings.Cut(s, "|")
	if !ok {
		p.t.Fatalf("no QR code in %s", sel)
	}
	n, err := strconv.Atoi(side)
	if err != nil {
		p.t.Fatalf("QR view box %q: %v", side, err)
	}
	const scale = 4
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	re := regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
	runs := re.FindAllStringSubmatch(d, -1)
	if len(runs) == 0 {
		p.t.Fatalf("QR path %.80q has no modules", d)
	}
	for _, g := range runs {
		x, _ := strconv.Atoi(g[1])
		y, _ := strconv.Atoi(g[2])
		w, _ := strconv.Atoi(g[3])
		for px := x * scale; px < (x+w)*scale; px++ {
			for py := y * scale; py < (y+1)*scale; py++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
	}
	if n < 21+2*qrcode.Quiet {
		p.t.Errorf("QR view box %d units: smaller than a version-1 code with its quiet zone", n)
	}
	return img
}

// TestBrowserLayoutPresent enters present mode with the mouse and drives the Landscape run with
// the keys (Space, →, R, ?), switches views and back (the run stays), and copies the link, whose
// QR code decodes to the link.
func TestBrowserLayoutPresent(t *testing.T) {
	t.Parallel()
	srv, _ := testServer(t)
	tab := browsertest.New(t)
	p := layPage{t, tab, srv.URL}
	check := consoleProblems(t, tab)
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1400, 900)); err != nil {
		t.Fatal(err)
	}
	loadApp(t, tab, srv.URL+"/#landscape?kind=wells&steps=20000") // a Step of 200 steps: quick on a loaded machine
	ls := lsPage{t, tab}
	ls.waitFor("the landscape run", `!!document.getElementById("ls-play") && !document.getElementById("ls-play").disabled`, 30*time.Second)

	p.click("present")
	p.poll("present mode", `document.querySelector(".app").classList.contains("present") && getComputedStyle(document.documentElement).fontSize === "22px"`, 5*time.Second)
	if got := p.eval(`getComputedStyle(document.querySelector(".blurb")).display + " " + (document.querySelector("#view-landscape .view-side") ? getComputedStyle(document.querySelector("#view-landscape .view-side")).display : "none")`); got != "none none" {
		t.Errorf("in present mode the blurb and the controls show as %q; want them collapsed (none none)", got)
	}
	if cut := p.eval(clippedJS); cut != "" {
		t.Errorf("in present mode, elements cut off sideways: %s", cut)
	}
	p.blur()

	t.Run("keys", func(t *testing.T) {
		ls := lsPage{t, tab}
		p := layPage{t, tab, srv.URL}
		p.press(" ")
		ls.waitFor("Space to play", `document.getElementById("ls-status").dataset.phase === "running" || document.getElementById("ls-status").dataset.phase === "done"`, 10*time.Second)
		p.press(" ")
		ls.waitFor("Space to pause", `document.getElementById("ls-status").dataset.phase !== "running"`, 10*time.Second)
		p.press("r")
		ls.waitFor("R to reset", `/^step 0 of/.test(document.getElementById("ls-status").textContent.trim())`, 10*time.Second)
		p.press(kb.ArrowRight)
		ls.waitFor("→ to step", `document.getElementById("ls-status").dataset.phase !== "running" && !/^step 0 of/.test(document.getElementById("ls-status").textContent.trim())`, 60*time.Second)
		if got, want := ls.step(), ls.eval(`document.getElementById("ls-step").textContent.replace(/\D/g, "")`); strconv.Itoa(got) != want {
			t.Errorf("after → the run is at step %d; want one Step button's worth, %s", got, want)
		}
		p.press("?")
		p.poll("? to list the keys", `!!document.getElementById("keys-help") && /Space/.test(document.getElementById("keys-help").textContent)`, 5*time.Second)
		// Every key the page answers is listed, the tour's ← and → included.
		if got, want := p.eval(`[...document.querySelectorAll("#keys-help kbd")].map(k => k.textContent).join(" ")`), "Space → ← R F P C ? Esc"; got != want {
			t.Errorf("the list of keys shows %q; want %q", got, want)
		}
		if got := p.eval(`document.getElementById("keys-help").textContent`); !strings.Contains(got, "in the tour, the next step") || !strings.Contains(got, "in the tour, the previous step") {
			t.Errorf("the list of keys does not say what ← and → do in the tour: %q", got)
		}
		browsertest.Screenshot(t, tab, "keys")
		p.press("?") // (Esc closes it too, but a fullscreen page's Esc goes to the browser)
		p.poll("? to close the list", `!document.getElementById("keys-help")`, 5*time.Second)
		full := `String(!!document.fullscreenElement)`
		before := p.eval(full)
		p.press("f")
		p.poll("F to turn fullscreen "+map[string]string{"true": "off", "false": "on"}[before], full+` !== "`+before+`"`, 5*time.Second)
	})

	t.Run("switch keeps the run", func(t *testing.T) {
		ls := lsPage{t, tab}
		p := layPage{t, tab, srv.URL}
		before := ls.step()
		if before == 0 {
			t.Fatal("no run to keep: the run is at step 0")
		}
		p.click("nav-network")
		p.poll("the network view", `!!document.getElementById("view-network") && !document.getElementById("view-landscape")`, 20*time.Second)
		p.click("nav-landscape")
		p.poll("the landscape view again", `!!document.getElementById("view-landscape")`, 10*time.Second)
		if after := ls.step(); after != before {
			t.Errorf("after switching to Network and back the run is at step %d; want %d, where it was", after, before)
		}
	})

	t.Run("copy link and its QR code", func(t *testing.T) {
		p := layPage{t, tab, srv.URL}
		if got := p.eval(`document.querySelector(".app").className + " / " + document.getElementById("present").textContent`); got != "app present side-hidden / Leave present mode" {
			t.Errorf("after the keys the page is %q; want it still in present mode", got)
		}
		p.click("present") // leave present mode: the link box is in the header
		p.poll("present mode to end", `!document.querySelector(".app").classList.contains("present")`, 5*time.Second)
		p.click("copy-link")
		p.poll("the link box", `!!document.getElementById("share-link") && !!document.querySelector("#share-qr svg")`, 5*time.Second)
		link := p.eval(`document.getElementById("share-link").value`)
		if want := srv.URL + "/" + p.eval(`location.hash`); link != want {
			t.Errorf("copied link %q; want the page's, %q", link, want)
		}
		if !strings.Contains(link, "#landscape?") {
			t.Errorf("copied link %q does not open the landscape view with its spec", link)
		}
		got, err := qr.Decode(p.qrImage("#share-qr"))
		if err != nil {
			t.Fatalf("decoding the QR code: %v", err)
		}
		if got != link {
			t.Errorf("the QR code reads %q; want the link %q", got, link)
		}
		p.viewportShot("link")
		p.click("share-close")
		p.poll("the link box to close", `!document.getElementById("share-box")`, 5*time.Second)
	})
	check()
}

// checkReadable checks what a reader and a screen reader get in view v, shown in p: no internal
// codes or TeX in the text, no unit said twice, export buttons that name their chart, and figure
// captions that describe the chart.
func checkReadable(t *testing.T, p layPage, v layView) {
	t.Helper()
	text := p.eval(`document.getElementById("view-` + v.name + `").innerText + " " +
		Array.from(document.querySelectorAll("#view-` + v.name + ` option")).map(o => o.textContent).join(" ")`)
	for _, bad := range []string{"sas:", "gauss:", "levy:", "^{", "^−", "‖^", "(samples)", "about a minute"} {
		if strings.Contains(text, bad) {
			i := strings.Index(text, bad)
			t.Errorf("the view's text holds %q: …%s…", bad, text[max(0, i-60):min(len(text), i+60)])
		}
	}
	// Export buttons: each accessible name is unique and names its chart.
	names := p.eval(`JSON.stringify(Array.from(document.querySelectorAll("#view-` + v.name + ` figcaption button")).map(b => b.getAttribute("aria-label") || b.textContent))`)
	var labels []string
	if err := json.Unmarshal([]byte(names), &labels); err != nil {
		t.Fatal(err)
	}
	if len(labels) == 0 {
		t.Fatal("no export buttons")
	}
	seen := map[string]bool{}
	for _, l := range labels {
		if seen[l] || !strings.HasPrefix(l, "Download ") || len(l) < 30 {
			t.Errorf("export button named %q: want a unique name that says which chart it downloads", l)
		}
		seen[l] = true
	}
	// Captions: more than the export row.
	caps := p.eval(`JSON.stringify(Array.from(document.querySelectorAll("#view-` + v.name + ` figure figcaption")).map(f => f.textContent.replace(/\s+/g, " ").trim()))`)
	var captions []string
	if err := json.Unmarshal([]byte(caps), &captions); err != nil {
		t.Fatal(err)
	}
	for _, c := range captions {
		if rest := strings.TrimSpace(strings.TrimSuffix(c, "Export SVG PNG CSV JSON")); len(rest) < 20 {
			t.Errorf("figure caption %q does not describe its chart", c)
		}
	}
}

// checkFocusRing presses Tab on the page shown in p: the element it focuses (the first
// focusable one, a navigation button) shows a focus ring of at least 3:1 against the page.
func checkFocusRing(t *testing.T, p layPage) {
	t.Helper()
	p.blur()
	p.press(kb.Tab) // the first focusable element: a navigation button
	got := p.eval(`(() => { const e = document.activeElement, s = getComputedStyle(e);
		return [e.tagName, s.outlineStyle, s.outlineWidth, s.outlineColor].join("|") })()`)
	f := strings.Split(got, "|")
	if len(f) != 4 || f[1] == "none" || f[2] == "0px" {
		t.Fatalf("after Tab, the focused element's outline is %q: no focus ring", got)
	}
	var r, g, b float64
	if _, err := fmt.Sscanf(f[3], "rgb(%g, %g, %g)", &r, &g, &b); err != nil {
		t.Fatalf("outline colour %q: %v", f[3], err)
	}
	if c := contrast(r, g, b, 255, 255, 255); c < 3 {
		t.Errorf("focus ring %s on white: contrast %.2f:1; want ≥ 3:1", f[3], c)
	} else {
		t.Logf("focus ring %s %s on %s: %.1f:1 against white", f[2], f[3], f[0], c)
	}
	p.blur()
}

// contrast is the WCAG contrast ratio of two sRGB colours (0–255 channels).
func contrast(r1, g1, b1, r2, g2, b2 float64) float64 {
	lum := func(r, g, b float64) float64 {
		lin := func(c float64) float64 {
			c /= 255
			if c <= 0.04045 {
				return c / 12.92
			}
			return math.Pow((c+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	}
	a, b := lum(r1, g1, b1)+0.05, lum(r2, g2, b2)+0.05
	return max(a, b) / min(a, b)
}

// copyLink clicks Copy link with the mouse and returns the link shown and the note under it,
// after checking that the link's QR code decodes to the link.
func (p layPage) copyLink() (link, note string) {
	p.t.Helper()
	p.click("copy-link")
	p.poll("the link box", `!!document.getElementById("share-link") && !!document.querySelector("#share-qr svg") && /Cop/.test(document.getElementById("share-note").textContent) && !/Copying/.test(document.getElementById("share-note").textContent)`, 5*time.Second)
	link = p.eval(`document.getElementById("share-link").value`)
	note = p.eval(`document.getElementById("share-note").textContent`)
	got, err := qr.Decode(p.qrImage("#share-qr"))
	if err != nil {
		p.t.Fatalf("decoding the QR code of %s: %v", link, err)
	}
	if got != link {
		p.t.Errorf("the QR code reads %q; want the link %q", got, link)
	}
	p.click("share-close")
	return link, note
}

// TestBrowserLayoutSharing copies the link in the cases where what the page shows is not all in
// its fragment: a person's file (the link says it leaves the file out), a malformed file (the page
// does not claim to show it), and a page opened from a stored share (the link is the share's).
func TestBrowserLayoutSharing(t *testing.T) {
	t.Parallel()
	srv, _ := testServer(t)
	tab := browsertest.New(t)
	p := layPage{t, tab, srv.URL}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1400, 900)); err != nil {
		t.Fatal(err)
	}
	loadApp(t, tab, srv.URL+"/#estimator?alpha=1.2")
	p.poll("the sample's results", `!!document.getElementById("est-summary")`, 30*time.Second)
	link, note := p.copyLink()
	if !strings.HasPrefix(link, srv.URL+"/#estimator?") || !strings.Contains(link, "alpha=1.2") {
		t.Errorf("sample: copied %q; want the estimator's link with alpha=1.2", link)
	}
	if strings.Contains(note, "file") {
		t.Errorf("sample: the note %q speaks of a file", note)
	}

	dir := t.TempDir()
	good := filepath.Join(dir, "mine.csv")
	os.WriteFile(good, []byte("1.5,-2.25,0.5\n3,-0.75,8\n-4,2,-1.25\n"), 0o644)
	if err := chromedp.Do(tab, chromedp.SetUploadFiles(chromedp.ID("est-file-input"), []string{good})); err != nil {
		t.Fatal(err)
	}
	p.poll("the file's summary", `!!document.getElementById("est-summary") && document.getElementById("est-summary").textContent.includes("mine.csv")`, 30*time.Second)
	p.poll("the file's note", `/^Showing your file mine.csv/.test((document.getElementById("est-file-note")||{}).textContent)`, 10*time.Second)
	link, note = p.copyLink()
	if !strings.Contains(link, "#estimator?") {
		t.Errorf("file: copied %q; want the settings' link", link)
	}
	if !strings.Contains(note, "without your file mine.csv") {
		t.Errorf("file: the note under the link is %q; want it to say the link leaves mine.csv out", note)
	}

	bad := filepath.Join(dir, "bad.npy")
	os.WriteFile(bad, append([]byte("\x93NUMPY\x01\x00\x10\x00{'descr': 'zz'}"), 0), 0o644)
	if err := chromedp.Do(tab, chromedp.SetUploadFiles(chromedp.ID("est-file-input"), []string{bad})); err != nil {
		t.Fatal(err)
	}
	p.poll("the file's error", `!!document.getElementById("est-error")`, 30*time.Second)
	if got := p.eval(`(document.getElementById("est-file-note")||{textContent: ""}).textContent`); strings.Contains(got, "Showing") || !strings.Contains(got, "bad.npy could not be analysed") {
		t.Errorf("malformed file: the note reads %q; want it to say bad.npy could not be analysed", got)
	}

	// A stored share: the copied link is the share's own.
	sp := spec.MustNew("stable", 77)
	res, err := stable.Run(context.Background(), sp, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"spec": sp, "result": res})
	resp, err := http.Post(srv.URL+"/api/shares", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || created.ID == "" {
		t.Skipf("POST /api/shares: %s: this server stores no shares", resp.Status)
	}
	loadApp(t, tab, srv.URL+"/s/"+created.ID)
	p.poll("the shared result", `!!document.getElementById("est-shared")`, 30*time.Second)
	if link, _ := p.copyLink(); link != srv.URL+"/s/"+created.ID {
		t.Errorf("share: copied %q; want the share's link %q", link, srv.URL+"/s/"+created.ID)
	}
}
