package browsertest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestTakeTurn: parallel tests that take the browser's turn never hold it at once, a test's
// subtests share its turn (a second takeTurn in them must not wait for the first), and each
// turn ends with its test.
func TestTakeTurn(t *testing.T) {
	if shared.turn != nil {
		t.Fatal("the turn is already in use in this binary")
	}
	shared.turn = make(chan struct{}, 1)
	t.Cleanup(func() { shared.turn = nil })

	var mu sync.Mutex
	inside, most := 0, 0
	t.Run("group", func(t *testing.T) {
		for i := range 4 {
			t.Run(strconv.Itoa(i), func(t *testing.T) {
				t.Parallel()
				takeTurn(t)
				mu.Lock()
				inside++
				most = max(most, inside)
				mu.Unlock()
				t.Run("sub", func(t *testing.T) { takeTurn(t) }) // deadlocks if a subtest waits for its parent's turn
				time.Sleep(20 * time.Millisecond)
				mu.Lock()
				inside--
				mu.Unlock()
			})
		}
	})
	if most != 1 {
		t.Errorf("%d tests held the turn at once; want 1", most)
	}
	if len(shared.turn) != 0 || shared.turnHolder != "" {
		t.Errorf("after the tests: %d tokens held, holder %q; want none", len(shared.turn), shared.turnHolder)
	}
}

// TestStartFailureIsKept: when the shared browser does not start, the next test that needs it
// gets the same error at once instead of starting (and waiting for) the browser again.
func TestStartFailureIsKept(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "starts")
	fake := filepath.Join(dir, "chromium")
	// A browser that exits at once without a DevTools address, counting its starts.
	script := "#!/bin/sh\necho start >> " + log + "\nexit 1\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	shared.mu.Lock()
	if shared.browser != nil || shared.startErr != nil {
		shared.mu.Unlock()
		t.Fatal("the shared browser is already in use in this binary")
	}
	shared.mu.Unlock()
	t.Cleanup(func() {
		shared.mu.Lock()
		shared.startErr = nil
		shared.mu.Unlock()
	})

	_, err1 := startShared(fake)
	_, err2 := startShared(fake)
	if err1 == nil || err2 == nil {
		t.Fatalf("starting a browser that exits: errors %v and %v; want two", err1, err2)
	}
	if !strings.Contains(err2.Error(), "earlier test") || !strings.Contains(err2.Error(), err1.Error()) {
		t.Errorf("second error %q; want it to name the first, %q", err2, err1)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "start"); n != 1 {
		t.Errorf("the browser was started %d times; want 1", n)
	}
}
