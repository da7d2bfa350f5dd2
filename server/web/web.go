// Package web serves the Tailscope browser app: index.html and its assets,
// main.wasm and the wasm_exec.js of the toolchain that built it, and /healthz.
//
// main.wasm comes from one of two places. When `go generate ./...` has been
// run, it is embedded in the binary (from dist/). Otherwise New builds it at
// start-up with the Go toolchain (GOOS=js GOARCH=wasm) into a cache directory
// keyed by a hash of the sources and the toolchain version, so a restart with
// unchanged sources is fast. An embedded build older than the source tree it
// runs in is ignored in favour of a fresh one. Either way New says on its log
// (stderr by default) where main.wasm came from.
//
// Files are served from memory with ETags (revalidated on every load:
// Cache-Control: no-cache) and gzip when the client accepts it. Only the
// app's own files exist: any other path is 404.
package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/tailscope/tailscope/server/web/csp"
	"github.com/tailscope/tailscope/wasm/assets"
)

// dist is filled by `go generate ./...`: the go:generate line lives in
// wasm/assets, whose import path sorts after ui/, so the wasm is built after
// the Vugu code has been regenerated.
//
//go:embed dist
var dist embed.FS

// Options configures New. The zero value is ready to use.
type Options struct {
	// Log receives progress messages (where main.wasm came from, build
	// output). Nil means os.Stderr.
	Log io.Writer
	// SourceDir is a directory inside the Tailscope source tree, used to
	// build main.wasm. Empty means the working directory.
	SourceDir string
	// CacheDir holds built main.wasm files. Empty means
	// os.UserCacheDir()/tailscope/wasm.
	CacheDir string
	// ForceBuild ignores an embedded main.wasm and builds (or takes from
	// the cache) one from the sources.
	ForceBuild bool
}

// WasmInfo says where the served main.wasm came from and how big it is.
type WasmInfo struct {
	Origin   string // "embedded", "cache" or "built"
	Dir      string // directory it was read from (empty when embedded)
	Hash     string // source hash it was built from (see SourceHash), if known
	RawSize  int    // bytes of main.wasm
	GzipSize int    // bytes of main.wasm gzipped as served
}

// Handler serves the app. Create it with New.
type Handler struct {
	mux   *http.ServeMux
	files map[string]*file // by URL path
	wasm  WasmInfo
	csp   string // the Content-Security-Policy of every answer
}

type file struct {
	name         string
	contentType  string
	data, gz     []byte
	etag, gzETag string
	modTime      time.Time
}

// New obtains main.wasm (embedded, cached or freshly built; see the package
// comment) and returns the handler that serves the app. Building takes a few
// seconds to a minute and stops when ctx is cancelled.
func New(ctx context.Context, opts Options) (*Handler, error) {
	logw := opts.Log
	if logw == nil {
		logw = os.Stderr
	}
	wasmFS, info, err := obtainWasm(ctx, opts, logw)
	if err != nil {
		return nil, err
	}
	return newHandler(wasmFS, info)
}

// newHandler serves main.wasm and wasm_exec.js from wasmFS, and the assets.
func newHandler(wasmFS fs.FS, info WasmInfo) (*Handler, error) {
	h := &Handler{mux: http.NewServeMux(), files: make(map[string]*file)}
	now := time.Now()
	add := func(fsys fs.FS, name string) error {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("web: reading %s: %w", name, err)
		}
		f, err := newFile(name, b, now)
		if err != nil {
			return err
		}
		h.files["/"+name] = f
		return nil
	}
	for _, name := range []string{"main.wasm", "wasm_exec.js"} {
		if err := add(wasmFS, name); err != nil {
			return nil, err
		}
	}
	err := fs.WalkDir(assets.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return add(assets.FS, p)
	})
	if err != nil {
		return nil, fmt.Errorf("web: reading assets: %w", err)
	}
	if h.files["/index.html"] == nil {
		return nil, fmt.Errorf("web: assets have no index.html")
	}
	w := h.files["/main.wasm"]
	if !bytes.HasPrefix(w.data, []byte("\x00asm")) {
		return nil, fmt.Errorf("web: main.wasm (%d bytes, %s) is not a WebAssembly module", len(w.data), info.Origin)
	}
	info.RawSize, info.GzipSize = len(w.data), len(w.gz)
	h.wasm = info
	h.csp = csp.Policy(h.files["/index.html"].data)

	h.mux.HandleFunc("GET /{$}", h.ServeIndex)
	h.mux.HandleFunc("GET /s/{id}", h.ServeIndex) // share links: the app reads the id
	h.mux.HandleFunc("GET /healthz", serveHealth)
	h.mux.HandleFunc("GET /{name}", h.serveFile)
	h.mux.HandleFunc("/", http.NotFound)
	return h, nil
}

// Wasm says where the served main.wasm came from and its sizes.
func (h *Handler) Wasm() WasmInfo { return h.wasm }

// ServeHTTP serves /, /s/{id}, /healthz and the app's files; anything else is 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	csp.SetHeaders(w.Header(), h.csp)
	h.mux.ServeHTTP(w, r)
}

// ServeIndex serves index.html whatever the path: use it for app routes
// such as share links.
func (h *Handler) ServeIndex(w http.ResponseWriter, r *http.Request) {
	csp.SetHeaders(w.Header(), h.csp)
	h.files["/index.html"].serve(w, r)
}

func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request) {
	f := h.files["/"+r.PathValue("name")]
	if f == nil {
		http.NotFound(w, r)
		return
	}
	f.serve(w, r)
}

func serveHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, "ok\n")
}

func newFile(name string, data []byte, modTime time.Time) (*file, error) {
	ct := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) { // not every system's mime table knows these
	case ".wasm":
		ct = "application/wasm"
	case ".js":
		ct = "text/javascript; charset=utf-8"
	}
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	sum := sha256.Sum256(data)
	tag := hex.EncodeToString(sum[:12])
	f := &file{name: name, contentType: ct, data: data, etag: `"` + tag + `"`, modTime: modTime}
	if compressible(ct) {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return nil, fmt.Errorf("web: gzip %s: %w", name, err)
		}
		if _, err := zw.Write(data); err != nil {
			return nil, fmt.Errorf("web: gzip %s: %w", name, err)
		}
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("web: gzip %s: %w", name, err)
		}
		if buf.Len() < len(data) {
			f.gz = buf.Bytes()
			f.gzETag = `"` + tag + `-gz"`
		}
	}
	return f, nil
}

func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || strings.HasPrefix(contentType, "application/wasm") ||
		strings.HasPrefix(contentType, "application/javascript") || strings.HasPrefix(contentType, "image/svg")
}

func (f *file) serve(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Type", f.contentType)
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	data, etag := f.data, f.etag
	if f.gz != nil {
		hdr.Add("Vary", "Accept-Encoding")
		if AcceptsGzip(r.Header.Get("Accept-Encoding")) {
			data, etag = f.gz, f.gzETag
			hdr.Set("Content-Encoding", "gzip")
		}
	}
	hdr.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304, and HEAD and Range requests.
	http.ServeContent(w, r, f.name, f.modTime, bytes.NewReader(data))
}

// AcceptsGzip reports whether an Accept-Encoding header value allows gzip:
// it lists "gzip" (or "*") with a quality above zero, case-insensitively,
// and does not refuse it with q=0.
func AcceptsGzip(acceptEncoding string) bool {
	gz, star := -1.0, -1.0
	for _, part := range strings.Split(acceptEncoding, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				q = parseQ(strings.TrimSpace(v))
			}
		}
		switch coding {
		case "gzip", "x-gzip":
			gz = q
		case "*":
			star = q
		}
	}
	if gz >= 0 {
		return gz > 0
	}
	return star > 0
}

// parseQ parses a quality value ("0", "0.5", "1.000"); anything malformed is 0.
func parseQ(s string) float64 {
	if s == "" || len(s) > 5 || (s[0] != '0' && s[0] != '1') {
		return 0
	}
	q := float64(s[0] - '0')
	if len(s) == 1 {
		return q
	}
	if s[1] != '.' {
		return 0
	}
	scale := 0.1
	for _, c := range s[2:] {
		if c < '0' || c > '9' {
			return 0
		}
		q += float64(c-'0') * scale
		scale /= 10
	}
	return min(q, 1)
}

// obtainWasm returns a file system holding main.wasm and wasm_exec.js.
func obtainWasm(ctx context.Context, opts Options, logw io.Writer) (fs.FS, WasmInfo, error) {
	embedded := hasFiles(dist, "dist/main.wasm", "dist/wasm_exec.js")
	srcDir := opts.SourceDir
	if srcDir == "" {
		srcDir = "."
	}
	root, rootErr := FindSourceRoot(srcDir)

	if embedded && !opts.ForceBuild {
		sub, err := fs.Sub(dist, "dist")
		if err != nil {
			return nil, WasmInfo{}, fmt.Errorf("web: embedded dist: %w", err)
		}
		embHash, _ := fs.ReadFile(dist, "dist/source.sha256")
		info := WasmInfo{Origin: "embedded", Hash: strings.TrimSpace(string(embHash))}
		if rootErr != nil {
			fmt.Fprintf(logw, "tailscope: serving the main.wasm embedded by go generate\n")
			return sub, info, nil
		}
		// Running inside a source tree: make sure the embedded build is current.
		tc, err := FindToolchain(ctx)
		if err != nil {
			fmt.Fprintf(logw, "tailscope: serving the embedded main.wasm (cannot check it against the sources: %v)\n", err)
			return sub, info, nil
		}
		hash, err := SourceHash(root, tc)
		if err != nil {
			return nil, WasmInfo{}, fmt.Errorf("web: %w", err)
		}
		if hash == info.Hash {
			fmt.Fprintf(logw, "tailscope: serving the main.wasm embedded by go generate (up to date with %s)\n", root)
			return sub, info, nil
		}
		fmt.Fprintf(logw, "tailscope: the embedded main.wasm is older than the sources in %s; building a fresh one\n", root)
		return buildOrCache(ctx, opts, logw, root, tc, hash)
	}
	if rootErr != nil {
		return nil, WasmInfo{}, fmt.Errorf("web: this binary has no embedded main.wasm (build it after `go generate ./...`) and cannot build one: %w", rootErr)
	}
	tc, err := FindToolchain(ctx)
	if err != nil {
		return nil, WasmInfo{}, fmt.Errorf("web: no embedded main.wasm and %w", err)
	}
	hash, err := SourceHash(root, tc)
	if err != nil {
		return nil, WasmInfo{}, fmt.Errorf("web: %w", err)
	}
	return buildOrCache(ctx, opts, logw, root, tc, hash)
}

func buildOrCache(ctx context.Context, opts Options, logw io.Writer, root string, tc Toolchain, hash string) (fs.FS, WasmInfo, error) {
	cache := opts.CacheDir
	if cache == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, WasmInfo{}, fmt.Errorf("web: no cache directory for main.wasm (set Options.CacheDir): %w", err)
		}
		cache = filepath.Join(base, "tailscope", "wasm")
	}
	dir := filepath.Join(cache, hash[:24])
	info := WasmInfo{Origin: "cache", Dir: dir, Hash: hash}
	fsys := os.DirFS(dir)
	if hasFiles(fsys, "main.wasm", "wasm_exec.js") {
		fmt.Fprintf(logw, "tailscope: serving main.wasm built earlier from these sources (%s)\n", dir)
		return fsys, info, nil
	}
	fmt.Fprintf(logw, "tailscope: building main.wasm with %s (GOOS=js GOARCH=wasm go build %s) into %s ...\n",
		tc.Version, WasmPackage, dir)
	start := time.Now()
	if err := BuildWasm(ctx, tc, root, dir, logw); err != nil {
		return nil, WasmInfo{}, fmt.Errorf("web: %w", err)
	}
	fmt.Fprintf(logw, "tailscope: built main.wasm in %.1f s\n", time.Since(start).Seconds())
	pruneCache(cache, dir, 7*24*time.Hour)
	info.Origin = "built"
	return fsys, info, nil
}

// pruneCache removes the builds in cache other than keep that were last
// written more than maxAge ago (sources long since changed). Errors are
// ignored: the cache is only an optimisation.
func pruneCache(cache, keep string, maxAge time.Duration) {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(cache, e.Name())
		if !e.IsDir() || p == keep {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > maxAge {
			os.RemoveAll(p)
		}
	}
}

func hasFiles(fsys fs.FS, names ...string) bool {
	for _, n := range names {
		if fi, err := fs.Stat(fsys, n); err != nil || !fi.Mode().IsRegular() {
			return false
		}
	}
	return true
}
