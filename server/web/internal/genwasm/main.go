// Command genwasm builds main.wasm for embedding: it is run by
// `go generate ./...` (from wasm/assets) and writes main.wasm, wasm_exec.js and
// source.sha256 (the source hash the build came from) into the -o directory.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/tailscope/tailscope/server/web"
)

func main() {
	out := flag.String("o", "dist", "output directory")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *out); err != nil {
		fmt.Fprintf(os.Stderr, "genwasm: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string) error {
	root, err := web.FindSourceRoot(".")
	if err != nil {
		return err
	}
	tc, err := web.FindToolchain(ctx)
	if err != nil {
		return err
	}
	hash, err := web.SourceHash(root, tc)
	if err != nil {
		return err
	}
	if err := web.BuildWasm(ctx, tc, root, out, os.Stderr); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "source.sha256"), []byte(hash+"\n"), 0o644); err != nil {
		return fmt.Errorf("writing source hash: %w", err)
	}
	fi, err := os.Stat(filepath.Join(out, "main.wasm"))
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "genwasm: wrote %s/main.wasm (%d bytes) for sources %.12s\n", out, fi.Size(), hash)
	return nil
}
