package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tailscope/tailscope/server/internal/browsertest"
)

// TestBrowserNetworkFloat64: a link with precision=float64 is not trained in the page (its
// program is built in float32 only): the page says in one line that the run goes to the
// server, keeps the server button and the precision in its link.
func TestBrowserNetworkFloat64(t *testing.T) {
	t.Parallel()
	srv := netServer(t)
	tab := browsertest.New(t)
	sp := netSpec(t)
	if err := sp.SetChoice("precision", "float64"); err != nil {
		t.Fatal(err)
	}
	loadApp(t, tab, srv.URL+"/#network?"+sp.Query().Encode())
	page := netPage{t: t, tab: tab}
	page.poll("the line that float64 trains on the server only", netPhaseJS+`.includes("precision float64 trains on the server only")`, 60*time.Second)
	said := page.eval(netPhaseJS)
	if strings.Contains(said, "\n") || !strings.HasPrefix(said, "stopped: precision float64") || !strings.Contains(said, "Run bigger on the server") {
		t.Errorf("the page says %q; want one line naming the server button", said)
	}
	for what, js := range map[string]string{
		"the server button":        `!!document.getElementById("net-server")`,
		"the play button disabled": `document.getElementById("net-play").disabled`,
		"precision in the link":    `location.hash.includes("precision=float64")`,
	} {
		ok, err := chromedp.Run(tab, chromedp.Evaluate[bool](js))
		if err != nil || !ok {
			t.Errorf("%s: %v, %v", what, ok, err)
		}
	}
	for _, sz := range []struct {
		name string
		w, h int64
	}{{"1400", 1400, 900}, {"1920", 1920, 1080}, {"390", 390, 844}} {
		if err := chromedp.Do(tab, chromedp.EmulateViewport(sz.w, sz.h)); err != nil {
			t.Fatal(err)
		}
		browsertest.Screenshot(t, tab, "float64-"+sz.name)
	}
}
