//go:build !js

package landscapeview

import (
	"bytes"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vugu/vugu/gen"
)

// TestGeneratedUpToDate regenerates the components from the .vugu files in a
// scratch directory and fails when the committed 0_components_gen.go differs.
func TestGeneratedUpToDate(t *testing.T) {
	const genFile = "0_components_gen.go"
	dir := t.TempDir()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == genFile || strings.HasSuffix(name, "_test.go") {
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
		t.Fatalf("vugugen on a copy of ui/landscapeview: %v", err)
	}
	want, err := os.ReadFile(filepath.Join(dir, genFile))
	if err != nil {
		t.Fatal(err)
	}
	if want, err = format.Source(want); err != nil {
		t.Fatalf("gofmt of regenerated code: %v", err)
	}
	got, err := os.ReadFile(genFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("ui/landscapeview/%s is stale: run `go generate ./ui/landscapeview` and commit the result (committed %d bytes, regenerated %d bytes)",
			genFile, len(got), len(want))
	}
}
