package browsertest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"TestApp/slider", "TestApp_slider"},
		{"a b:c", "a_b_c"},
		{"ok-1_2.x", "ok-1_2.x"},
		{"α", "_"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := FileName(tt.in); got != tt.want {
				t.Errorf("FileName(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExecPathMissing(t *testing.T) {
	t.Setenv("TAILSCOPE_CHROMIUM", filepath.Join(t.TempDir(), "no-such-browser"))
	if _, err := ExecPath(); err == nil {
		t.Errorf("ExecPath() with a missing browser: got nil error; want one")
	}
}

// TestBrowser loads a page and reads the DOM back: the helper itself works.
func TestBrowser(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<!doctype html><title>t</title><p id="x">hello</p><script>document.getElementById("x").textContent += " world"</script>`))
	}))
	defer srv.Close()
	tab := New(t)
	if err := chromedp.Do(tab, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(tab, chromedp.TextContent(chromedp.ID("x")))
	if err != nil {
		t.Fatal(err)
	}
	if got != "hello world" {
		t.Errorf("text of #x = %q; want %q", got, "hello world")
	}
	t.Setenv("TAILSCOPE_SCREENSHOTS", t.TempDir())
	p := Screenshot(t, tab, "hello")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 8 || string(b[1:4]) != "PNG" {
		t.Errorf("screenshot %s does not start with the PNG signature: % x", p, b[:min(len(b), 8)])
	}
}
