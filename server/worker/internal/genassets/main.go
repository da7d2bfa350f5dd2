// Command genassets writes what the Worker build needs besides its own code:
//
//   - -public DIR: the browser app as static files for Workers static assets: every file of
//     wasm/assets (index.html, CSS, …), main.wasm built from ./wasm and the toolchain's
//     wasm_exec.js, exactly as the native server serves them (server/web does the build),
//     and a _headers file that gives every one of them the native server's security
//     headers (server/web/csp);
//   - -data DIR: the MNIST subsets the Worker embeds, in sim/data's compact binary form
//     (the first -train examples of the training set, the first -test of the test set).
//
// server/worker/build.sh runs it; it must run inside the module's source tree.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tailscope/tailscope/server/web"
	"github.com/tailscope/tailscope/server/web/csp"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/wasm/assets"
)

func main() {
	public := flag.String("public", "", "directory to write the app's static files to (skipped when empty)")
	dataDir := flag.String("data", "", "directory to write the embedded datasets to (skipped when empty)")
	nTrain := flag.Int("train", 2000, "examples of mnist-train to embed")
	nTest := flag.Int("test", 1000, "examples of mnist-test to embed")
	flag.Parse()
	ctx := context.Background()
	if *public != "" {
		if err := writePublic(ctx, *public); err != nil {
			fmt.Fprintln(os.Stderr, "genassets:", err)
			os.Exit(1)
		}
	}
	if *dataDir != "" {
		if err := writeData(*dataDir, map[string]int{"mnist-train": *nTrain, "mnist-test": *nTest}); err != nil {
			fmt.Fprintln(os.Stderr, "genassets:", err)
			os.Exit(1)
		}
	}
}

func writePublic(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	err := fs.WalkDir(assets.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.FS.ReadFile(path)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return fmt.Errorf("copying the app's assets: %w", err)
	}
	if err := writeHeaders(dir); err != nil {
		return err
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := web.FindSourceRoot(wd)
	if err != nil {
		return err
	}
	tc, err := web.FindToolchain(ctx)
	if err != nil {
		return err
	}
	return web.BuildWasm(ctx, tc, root, dir, os.Stderr)
}

// writeHeaders writes the _headers file of Workers static assets: the security headers
// of server/web/csp on every path.
func writeHeaders(dir string) error {
	index, err := assets.FS.ReadFile("index.html")
	if err != nil {
		return err
	}
	h := http.Header{}
	csp.SetHeaders(h, csp.Policy(index))
	var b strings.Builder
	b.WriteString("/*\n")
	for _, k := range slices.Sorted(maps.Keys(h)) {
		fmt.Fprintf(&b, "  %s: %s\n", k, h.Get(k))
	}
	return os.WriteFile(filepath.Join(dir, "_headers"), []byte(b.String()), 0o644)
}

func writeData(dir string, sizes map[string]int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, n := range sizes {
		full, err := data.Load(name)
		if err != nil {
			return err
		}
		sub, err := full.Slice(0, n)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		path := filepath.Join(dir, name+".bin")
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		w := bufio.NewWriter(f)
		err = sub.WriteBinary(w)
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		fmt.Printf("%s: %d examples\n", path, sub.Len())
	}
	return nil
}
