package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tailscope/tailscope/wasm/assets"
)

// fakeWasm is compressible, as real wasm is.
var fakeWasm = bytes.Repeat([]byte("\x00asm\x01\x00\x00\x00 tailscope "), 4096)

func testHandler(t *testing.T) *Handler {
	t.Helper()
	fsys := fstest.MapFS{
		"main.wasm":    {Data: fakeWasm},
		"wasm_exec.js": {Data: []byte("// wasm_exec.js of the toolchain\n" + strings.Repeat("var go = 1;\n", 100))},
	}
	h, err := newHandler(fsys, WasmInfo{Origin: "test"})
	if err != nil {
		t.Fatalf("newHandler: %v", err)
	}
	return h
}

func get(h http.Handler, method, path string, hdr map[string]string) *http.Response {
	r := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func TestRoutes(t *testing.T) {
	h := testHandler(t)
	index, err := assets.FS.ReadFile("index.html")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		wantStatus   int
		wantType     string
		wantBody     []byte // nil: not checked
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", index},
		{"GET", "/s/abc123", 200, "text/html; charset=utf-8", index},
		{"GET", "/index.html", 200, "text/html; charset=utf-8", index},
		{"GET", "/main.wasm", 200, "application/wasm", fakeWasm},
		{"GET", "/wasm_exec.js", 200, "text/javascript; charset=utf-8", nil},
		{"GET", "/style.css", 200, "text/css; charset=utf-8", nil},
		{"GET", "/healthz", 200, "text/plain; charset=utf-8", []byte("ok\n")},
		{"HEAD", "/main.wasm", 200, "application/wasm", []byte{}},
		{"GET", "/nope.js", 404, "", nil},
		{"GET", "/s/", 404, "", nil},
		{"GET", "/s/a/b", 404, "", nil},
		{"GET", "/assets.go", 404, "", nil},
		{"GET", "/dist/", 404, "", nil},
		{"GET", "/dist/README.md", 404, "", nil},
		{"GET", "/go.mod", 404, "", nil},
		{"GET", "/../go.mod", 307, "", nil}, // ServeMux redirects to the clean path, /go.mod: 404
		{"GET", "/%2e%2e/go.mod", 404, "", nil},
		{"GET", "/api/runs", 404, "", nil},
		{"POST", "/main.wasm", 404, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp := get(h, tt.method, tt.path, nil)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("%s %s: status %d; want %d (body %.80q)", tt.method, tt.path, resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantType != "" {
				if got := resp.Header.Get("Content-Type"); got != tt.wantType {
					t.Errorf("%s %s: Content-Type %q; want %q", tt.method, tt.path, got, tt.wantType)
				}
			}
			if tt.wantBody != nil && !bytes.Equal(body, tt.wantBody) {
				t.Errorf("%s %s: body %d bytes %.40q; want %d bytes %.40q", tt.method, tt.path, len(body), body, len(tt.wantBody), tt.wantBody)
			}
		})
	}
}

// TestSecurityHeaders checks the headers of the app's answers: a policy that allows this
// origin, index.html's inline script (by its hash) and WebAssembly, and no framing.
func TestSecurityHeaders(t *testing.T) {
	h := testHandler(t)
	index, _ := assets.FS.ReadFile("index.html")
	m := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindSubmatch(index)
	if m == nil {
		t.Fatal("index.html has no inline script; the policy's hash list is then empty, update this test")
	}
	sum := sha256.Sum256(m[1])
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	for _, path := range []string{"/", "/s/abc123", "/main.wasm", "/worker.js", "/style.css", "/nope"} {
		t.Run(path, func(t *testing.T) {
			resp := get(h, "GET", path, nil)
			csp := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "'wasm-unsafe-eval'", hash, "worker-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			for k, want := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin", "X-Content-Type-Options": "nosniff"} {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if strings.Contains(csp, "'unsafe-inline'") && !strings.Contains(csp, "style-src 'self' 'unsafe-inline'") || strings.Count(csp, "'unsafe-inline'") > 1 {
				t.Errorf("the policy allows inline scripts: %q", csp)
			}
		})
	}
}

func TestGzipAndETag(t *testing.T) {
	h := testHandler(t)
	plain := get(h, "GET", "/main.wasm", nil)
	zipped := get(h, "GET", "/main.wasm", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if got := plain.Header.Get("Content-Encoding"); got != "" {
		t.Errorf("no Accept-Encoding: Content-Encoding %q; want none", got)
	}
	if got := zipped.Header.Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("Accept-Encoding gzip: Content-Encoding %q; want gzip", got)
	}
	if got := zipped.Header.Get("Vary"); got != "Accept-Encoding" {
		t.Errorf("Vary = %q; want Accept-Encoding", got)
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, fakeWasm) {
		t.Errorf("gunzipped body: %d bytes; want the %d bytes of main.wasm", len(unzipped), len(fakeWasm))
	}
	if info := h.Wasm(); info.RawSize != len(fakeWasm) || info.GzipSize <= 0 || info.GzipSize >= info.RawSize {
		t.Errorf("Wasm() sizes raw=%d gzip=%d; want raw=%d and 0 < gzip < raw", info.RawSize, info.GzipSize, len(fakeWasm))
	}

	etPlain, etZip := plain.Header.Get("ETag"), zipped.Header.Get("ETag")
	if etPlain == "" || etZip == "" || etPlain == etZip {
		t.Fatalf("ETags plain %q gzip %q; want two different non-empty tags", etPlain, etZip)
	}
	if got := plain.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control %q; want no-cache", got)
	}
	for _, tc := range []struct {
		hdr  map[string]string
		want int
	}{
		{map[string]string{"If-None-Match": etPlain}, 304},
		{map[string]string{"If-None-Match": etZip, "Accept-Encoding": "gzip"}, 304},
		{map[string]string{"If-None-Match": etZip}, 200}, // identity asked, gzip tag held
		{map[string]string{"If-None-Match": `"stale"`}, 200},
	} {
		if got := get(h, "GET", "/main.wasm", tc.hdr).StatusCode; got != tc.want {
			t.Errorf("GET /main.wasm with %v: status %d; want %d", tc.hdr, got, tc.want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8, *;q=0.1", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"gzip;q=0.001", true},
		{"deflate", false},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"x-gzip", true},
		{"gzip;q=2", false}, // malformed quality: treated as 0
		{"gzip;q=abc", false},
		{"identity", false},
	}
	for _, tt := range tests {
		if got := AcceptsGzip(tt.in); got != tt.want {
			t.Errorf("AcceptsGzip(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzAcceptsGzip(f *testing.F) {
	for _, s := range []string{"", "gzip", "gzip;q=0", "br, gzip;q=0.5", "*;q=0.1", ";;q=", ",,,", "gzip;q=1.0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := AcceptsGzip(s)
		// An explicit refusal at the end always wins over what came before.
		if AcceptsGzip(s + ", gzip;q=0") {
			t.Errorf("AcceptsGzip(%q + \", gzip;q=0\") = true; want false", s)
		}
		// A header that never mentions gzip or * cannot accept it.
		if got && !strings.Contains(strings.ToLower(s), "gzip") && !strings.Contains(s, "*") {
			t.Errorf("AcceptsGzip(%q) = true without gzip or *", s)
		}
	})
}

func TestParseQ(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"1", 1}, {"0", 0}, {"0.5", 0.5}, {"0.25", 0.25}, {"1.000", 1}, {"1.5", 1},
		{"", 0}, {"2", 0}, {".5", 0}, {"0.1234", 0}, {"0,5", 0},
	}
	for _, tt := range tests {
		// Sums of decimal digits: exact to well within 1e-12.
		if got := parseQ(tt.in); got < tt.want-1e-12 || got > tt.want+1e-12 {
			t.Errorf("parseQ(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}
