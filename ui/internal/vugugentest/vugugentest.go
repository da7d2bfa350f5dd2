//go:build !js

// Package vugugentest checks, in tests, that a package's committed Vugu code is what
// vugugen makes of its .vugu files today.
package vugugentest

import (
	"bytes"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vugu/vugu/gen"
)

// GenFile is the file vugugen -s writes.
const GenFile = "0_components_gen.go"

// Check regenerates the components of the package in the current directory (a test's working
// directory is its package's) in a scratch directory, and fails t when the committed GenFile
// differs. pkg names the package in the message, e.g. "ui/chart".
func Check(t *testing.T, pkg string) {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == GenFile || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if !strings.HasSuffix(name, ".vugu") && !strings.HasSuffix(name, ".go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := gen.ParserGoPkgOpts{SkipGoMod: true, SkipMainGo: true, MergeSingle: true}
	if err := gen.Run(dir, &opts); err != nil {
		t.Fatalf("vugugen on a copy of %s: %v", pkg, err)
	}
	want, err := os.ReadFile(filepath.Join(dir, GenFile))
	if err != nil {
		t.Fatal(err)
	}
	if want, err = format.Source(want); err != nil {
		t.Fatalf("gofmt of regenerated code: %v", err)
	}
	got, err := os.ReadFile(GenFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s/%s is stale: run `go generate ./%s` and commit the result (committed %d bytes, regenerated %d bytes)",
			pkg, GenFile, pkg, len(got), len(want))
	}
}
