package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tailscope/tailscope/server/internal/browsertest"
	"github.com/tailscope/tailscope/sim/data"
)

// TestBrowserNetworkCIFAR: the page fetches a CIFAR-10 subset from the server (3072 inputs,
// normalised per plane) and gets ready to train; for CIFAR-100, which this server lacks, it
// says which command gets it.
func TestBrowserNetworkCIFAR(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data.SetDir(dir)
	defer data.SetDir("")
	c := data.CIFAR10
	folder := filepath.Join(data.DatasetsDir(dir), c.Folder)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, f := range append(append([]string{}, c.Train...), c.Test) {
		pixels, labels := make([]uint8, 200*data.CIFARPixels), make([]uint8, 200)
		for i := range pixels {
			pixels[i] = uint8(i*31 + k)
		}
		for i := range labels {
			labels[i] = uint8((i + k) % 10)
		}
		var b bytes.Buffer
		c.WriteRecords(&b, pixels, labels)
		if err := os.WriteFile(filepath.Join(folder, f), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := netServer(t)
	tab := browsertest.New(t)
	page := netPage{t: t, tab: tab}
	for _, tc := range []struct {
		dataset, what, want string
	}{
		{"cifar10", "the CIFAR-10 subset", netPhaseJS + `.startsWith("ready: 600 training and 200 test examples")`},
		{"cifar100", "the command that gets CIFAR-100", `(document.body.textContent||"").includes("tailscope data get cifar100")`},
	} {
		sp := netSpec(t)
		if err := sp.SetChoice("dataset", tc.dataset); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(tab, chromedp.Navigate(browsertest.IdlePage())); err != nil {
			t.Fatal(err)
		}
		loadApp(t, tab, srv.URL+"/#network?"+sp.Query().Encode())
		page.poll(tc.dataset+": "+tc.what, tc.want, 60*time.Second)
		t.Logf("%s: the page says %q", tc.dataset, page.says())
	}
}
