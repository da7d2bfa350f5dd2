package web

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFindSourceRoot(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"go.mod":          "module " + ModulePath + "\n\ngo 1.26\n",
		"ui/root.go":      "package ui\n",
		"other/go.mod":    "module example.com/other\n",
		"other/x/file.go": "package x\n",
	})
	for _, tc := range []struct{ from, want string }{
		{root, root},
		{filepath.Join(root, "ui"), root},
		{filepath.Join(root, "other", "x"), root}, // a nested foreign module is skipped
	} {
		got, err := FindSourceRoot(tc.from)
		if err != nil || got != tc.want {
			t.Errorf("FindSourceRoot(%s) = %q, %v; want %q", tc.from, got, err, tc.want)
		}
	}
	if got, err := FindSourceRoot(t.TempDir()); err == nil {
		t.Errorf("FindSourceRoot(empty dir) = %q; want an error", got)
	}
}

func TestSourceHash(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"go.mod":             "module " + ModulePath + "\n",
		"ui/root.vugu":       "<div></div>",
		"ui/root.go":         "package ui\n",
		"ui/root_test.go":    "package ui\n",
		"server/web/web.go":  "package web\n",
		"wasm/main.go":       "package main\n",
		"ui/testdata/x.go":   "package x\n",
		".git/HEAD":          "ref: x\n",
		"README.md":          "readme\n",
		"wasm/assets/a.html": "<p>",
	})
	tc := Toolchain{Version: "go1.26.8"}
	base, err := SourceHash(root, tc)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file, body string
		changes    bool
	}{
		{"ui/root.vugu", "<div>x</div>", true},
		{"ui/root.go", "package ui // x\n", true},
		{"wasm/main.go", "package main // x\n", true},
		{"go.mod", "module " + ModulePath + "\n\ngo 1.26\n", true},
		{"sim/new.go", "package sim\n", true},
		{"ui/root_test.go", "package ui // x\n", false},
		{"server/web/web.go", "package web // x\n", false},
		{"ui/testdata/x.go", "package x // x\n", false},
		{".git/HEAD", "ref: y\n", false},
		{"README.md", "changed\n", false},
	} {
		t.Run(c.file, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(root)); err != nil {
				t.Fatal(err)
			}
			writeTree(t, dir, map[string]string{c.file: c.body})
			h, err := SourceHash(dir, tc)
			if err != nil {
				t.Fatal(err)
			}
			if (h != base) != c.changes {
				t.Errorf("after changing %s: hash changed = %v; want %v", c.file, h != base, c.changes)
			}
		})
	}
	other, err := SourceHash(root, Toolchain{Version: "go1.27"})
	if err != nil || other == base {
		t.Errorf("hash with another toolchain version = %q, %v; want a different hash from %q", other, err, base)
	}
}

func TestNewHandlerRejectsNonWasm(t *testing.T) {
	fsys := fstest.MapFS{
		"main.wasm":    {Data: []byte{}},
		"wasm_exec.js": {Data: []byte("//")},
	}
	if _, err := newHandler(fsys, WasmInfo{Origin: "test"}); err == nil {
		t.Errorf("newHandler with an empty main.wasm: no error; want one")
	}
	if _, err := newHandler(fstest.MapFS{"main.wasm": {Data: fakeWasm}}, WasmInfo{}); err == nil {
		t.Errorf("newHandler without wasm_exec.js: no error; want one")
	}
}

// TestBuildWasm builds the real app into a directory given relative to the
// working directory (go build itself runs in the source root).
func TestBuildWasm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds main.wasm (seconds with a warm Go build cache)")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	tc, err := FindToolchain(ctx)
	if err != nil {
		t.Skipf("no Go toolchain: %v", err)
	}
	root, err := FindSourceRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	var log bytes.Buffer
	if err := BuildWasm(ctx, tc, root, "out", &log); err != nil {
		t.Fatalf("BuildWasm: %v\n%s", err, log.Bytes())
	}
	wasm, err := os.ReadFile(filepath.Join("out", "main.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) || len(wasm) < 1<<20 {
		t.Errorf("out/main.wasm: %d bytes starting % x; want a WebAssembly module of over 1 MiB", len(wasm), wasm[:min(len(wasm), 4)])
	}
	js, err := os.ReadFile(filepath.Join("out", "wasm_exec.js"))
	if err != nil || !bytes.Contains(js, []byte("class Go")) && !bytes.Contains(js, []byte("global.Go")) && !bytes.Contains(js, []byte("globalThis.Go")) {
		t.Errorf("out/wasm_exec.js: %d bytes, %v; want the toolchain's wasm_exec.js", len(js), err)
	}
	entries, _ := os.ReadDir("out")
	if len(entries) != 2 {
		t.Errorf("out/ holds %d entries; want main.wasm and wasm_exec.js only (no temporary files left)", len(entries))
	}
	if matches, _ := filepath.Glob(filepath.Join(root, "out", "*")); len(matches) > 0 {
		t.Errorf("BuildWasm wrote into the source tree: %v", matches)
	}
}

func TestPruneCache(t *testing.T) {
	cache := t.TempDir()
	old := time.Now().Add(-30 * 24 * time.Hour)
	for _, d := range []string{"keep", "recent", "stale", "recent2"} {
		if err := os.Mkdir(filepath.Join(cache, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"stale", "keep"} {
		if err := os.Chtimes(filepath.Join(cache, d), old, old); err != nil {
			t.Fatal(err)
		}
	}
	pruneCache(cache, filepath.Join(cache, "keep"), 7*24*time.Hour)
	for d, want := range map[string]bool{"keep": true, "recent": true, "stale": false, "recent2": true} {
		_, err := os.Stat(filepath.Join(cache, d))
		if got := err == nil; got != want {
			t.Errorf("after pruneCache: %s exists = %v; want %v", d, got, want)
		}
	}
}
