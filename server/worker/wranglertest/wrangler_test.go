package wranglertest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tailscope/tailscope/server/internal/browsertest"
)

// workerDir is server/worker, relative to this package.
const workerDir = ".."

// need skips the test when a tool is missing, or fails it under CI=true.
func need(t *testing.T, tool, hint string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if browsertest.InCI() {
			t.Fatalf("%s is missing (%s); CI=true requires it", tool, hint)
		}
		t.Skipf("%s is missing (%s)", tool, hint)
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func command(ctx context.Context, t *testing.T, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"WRANGLER_SEND_METRICS=false", "WRANGLER_SEND_ERROR_REPORTS=false", "WRANGLER_HIDE_BANNER=true",
		"CLOUDFLARE_CF_FETCH_ENABLED=false", "CI=1", "NO_UPDATE_NOTIFIER=1", "npm_config_fund=false", "npm_config_audit=false")
	return cmd
}

func runLogged(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
}

// TestWranglerDev builds the Worker, starts `wrangler dev` offline, creates a share,
// reads it back, checks the API's errors, opens the app in Chromium, and stops wrangler.
func TestWranglerDev(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Worker and starts wrangler (about a minute); skipped with -short")
	}
	need(t, "npm", "apt-get install -y nodejs npm")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir, err := filepath.Abs(workerDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".bin", "wrangler")); err != nil {
		runLogged(t, command(ctx, t, dir, "npm", "ci", "--no-audit", "--no-fund"))
	}
	runLogged(t, command(ctx, t, dir, "./build.sh"))

	port, inspector := freePort(t), freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	wr := command(ctx, t, dir, filepath.Join(dir, "node_modules", ".bin", "wrangler"), "dev",
		"--ip", "127.0.0.1", "--port", fmt.Sprint(port), "--inspector-port", fmt.Sprint(inspector),
		"--persist-to", t.TempDir(), "--show-interactive-dev-session=false")
	wr.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logPath := filepath.Join(t.TempDir(), "wrangler.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	wr.Stdout, wr.Stderr = logf, logf
	if err := wr.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		syscall.Kill(-wr.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { wr.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-wr.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	defer stop()
	defer func() {
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("wrangler's log:\n%s", b)
		}
	}()

	start := time.Now()
	for {
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > 90*time.Second {
			t.Fatalf("wrangler dev did not answer /healthz within 90 s (last error: %v)", err)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("wrangler dev answered after %.1f s", time.Since(start).Seconds())

	// A share round trip through Workers KV.
	resp, err := client.Post(base+"/api/shares", "application/json",
		strings.NewReader(`{"spec":{"kind":"stable","seed":11,"params":{"alpha":0.9}},"result":{"alpha":0.91}}`))
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID, URL string }
	err = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusCreated || created.ID == "" {
		t.Fatalf("POST /api/shares: %d %+v %v", resp.StatusCode, created, err)
	}
	body := get(t, base+"/api/shares/"+created.ID, http.StatusOK)
	if !strings.Contains(body, `"alpha":0.9`) || !strings.Contains(body, `"seed":11`) || !strings.Contains(body, `"result":{"alpha":0.91}`) {
		t.Errorf("GET /api/shares/%s = %s; want the spec and result stored", created.ID, body)
	}

	// The same error shapes and guards as the native server.
	for _, tt := range []struct {
		method, path, body string
		status             int
		want               string
		hdr                []string
	}{
		{"POST", "/api/shares", `{"spec":{"kind":"stable"}}`, http.StatusForbidden, "cross-origin", []string{"Origin", "https://evil.example"}},
		{"POST", "/api/shares", `{"spec":{"kind":"stable"}}`, http.StatusUnsupportedMediaType, "application/json", []string{"Content-Type", "text/plain"}},
		{"POST", "/api/shares", "{\"spec\":{\"kind\":\"stable\"},\"result\":\"\xff\"}", http.StatusBadRequest, "UTF-8", nil},
		{"GET", "/api/shares/AAAAAAAAAAAAAAAA", "", http.StatusNotFound, `"error"`, []string{"If-None-Match", `"AAAAAAAAAAAAAAAA"`}},
		{"POST", "/api/runs", `{"kind":"stable"}`, http.StatusNotImplemented, "native server", nil},
		{"POST", "/api/shares", `{"spec":{"kind":"stable","params":{"alpha":9}}}`, http.StatusBadRequest, `"field":"alpha"`, nil},
		{"POST", "/api/shares", `{"spec":` + strings.Repeat(" ", 3<<20) + `{}}`, http.StatusRequestEntityTooLarge, "bytes", nil},
		{"GET", "/api/shares/AAAAAAAAAAAAAAAA", "", http.StatusNotFound, `"error"`, nil},
		{"GET", "/s/AAAAAAAAAAAAAAAA", "", http.StatusNotFound, "", nil},
		{"GET", "/no/such/file", "", http.StatusNotFound, "", nil},
	} {
		req, _ := http.NewRequest(tt.method, base+tt.path, strings.NewReader(tt.body))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(tt.hdr); i += 2 {
			req.Header.Set(tt.hdr[i], tt.hdr[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.method, tt.path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(b), tt.want) {
			t.Errorf("%s %s: %d %.200s; want %d containing %q", tt.method, tt.path, resp.StatusCode, b, tt.status, tt.want)
		}
	}
	if body := get(t, base+"/api/datasets", http.StatusOK); !strings.Contains(body, `"mnist-train"`) || !strings.Contains(body, `"spirals"`) {
		t.Errorf("GET /api/datasets = %s; want mnist-train and spirals", body)
	}
	get(t, base+"/api/datasets/spirals?n=10", http.StatusOK)
	if ct := head(t, base+"/main.wasm"); ct != "application/wasm" {
		t.Errorf("main.wasm served as %q, want application/wasm", ct)
	}
	// The native server's security headers, on the static assets (_headers) and on share pages.
	for _, path := range []string{"/", "/main.wasm", "/s/" + created.ID} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "'wasm-unsafe-eval'") || resp.Header.Get("Referrer-Policy") == "" {
			t.Errorf("GET %s: Content-Security-Policy %q, Referrer-Policy %q; want the app's policy", path, csp, resp.Header.Get("Referrer-Policy"))
		}
	}

	// The app, opened from the share link, in headless Chromium.
	tab := browsertest.New(t)
	if err := chromedp.Do(tab, chromedp.Navigate(base+"/s/"+created.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`!!document.querySelector("h1") && document.querySelector("h1").textContent.includes("Tailscope") && !!document.getElementById("nav-estimator")`,
		chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		text, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("the app did not render from the Worker: %v; page text: %.300s", err, text)
	}
	browsertest.Screenshot(t, tab, "worker-share")
	stop()
}

// client bounds every request, so that a hang fails the test instead of stalling it.
var client = &http.Client{Timeout: 60 * time.Second}

func get(t *testing.T, url string, status int) string {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(bufio.NewReader(resp.Body))
	if resp.StatusCode != status {
		t.Errorf("GET %s: %d %.200s, want %d", url, resp.StatusCode, b, status)
	}
	return string(b)
}

func head(t *testing.T, url string) string {
	t.Helper()
	resp, err := client.Head(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header.Get("Content-Type")
}
