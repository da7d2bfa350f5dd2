package kernel

import (
	"bytes"
	"encoding/base64"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
)

var update = flag.Bool("update", false, "rewrite wasm/kernels.wasm from kernels.wat (needs wat2wasm) and the copy embedded in wasm/kernels.js")

var embeddedRE = regexp.MustCompile(`const wasmBase64 = "([A-Za-z0-9+/=]*)";`)

// wat2wasm finds wabt's assembler: on PATH, or in the npm cache that sim/cmd/peerbench fills.
func wat2wasm() string {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		return "" // no subprocesses there
	}
	if p, err := exec.LookPath("wat2wasm"); err == nil {
		return p
	}
	for _, dir := range []string{os.Getenv("TAILSCOPE_NPM"), filepath.Join(os.Getenv("HOME"), ".cache", "tailscope", "npm")} {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, "node_modules", ".bin", "wat2wasm")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// kernelsDir is where kernels.wat/.wasm/.js live: wasm/, or wasm/assets/ if the app's static
// files take them in.
func kernelsDir(t *testing.T) string {
	for _, d := range []string{filepath.Join("..", "..", "wasm"), filepath.Join("..", "..", "wasm", "assets")} {
		if _, err := os.Stat(filepath.Join(d, "kernels.wat")); err == nil {
			return d
		}
	}
	t.Fatal("kernels.wat is in neither wasm/ nor wasm/assets/")
	return ""
}

// TestWasmModuleUpToDate checks that wasm/kernels.wasm is what wat2wasm makes of
// wasm/kernels.wat (when wabt is installed), and that kernels.js embeds exactly kernels.wasm.
func TestWasmModuleUpToDate(t *testing.T) {
	dir := kernelsDir(t)
	wasmPath := filepath.Join(dir, "kernels.wasm")
	jsPath := filepath.Join(dir, "kernels.js")
	if tool := wat2wasm(); tool != "" {
		out := filepath.Join(t.TempDir(), "kernels.wasm")
		if msg, err := exec.Command(tool, filepath.Join(dir, "kernels.wat"), "-o", out).CombinedOutput(); err != nil {
			t.Fatalf("%s kernels.wat: %v\n%s", tool, err, msg)
		}
		fresh, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			if err := os.WriteFile(wasmPath, fresh, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		committed, err := os.ReadFile(wasmPath)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fresh, committed) {
			t.Errorf("%s (%d bytes) differs from wat2wasm kernels.wat (%d bytes): run go test ./sim/kernel -run WasmModule -update",
				wasmPath, len(committed), len(fresh))
		}
	} else {
		t.Logf("wat2wasm not found (npm install wabt, or run go run ./sim/cmd/peerbench once): only the embedded copy is checked")
	}
	mod, err := os.ReadFile(wasmPath)
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(jsPath)
	if err != nil {
		t.Fatal(err)
	}
	want := base64.StdEncoding.EncodeToString(mod)
	if *update {
		js = embeddedRE.ReplaceAll(js, []byte(`const wasmBase64 = "`+want+`";`))
		if err := os.WriteFile(jsPath, js, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m := embeddedRE.FindSubmatch(js)
	if m == nil {
		t.Fatalf("%s: no line `const wasmBase64 = \"...\";`", jsPath)
	}
	if got := string(m[1]); got != want {
		t.Errorf("%s embeds %d base64 characters that differ from %s (%d): run go test ./sim/kernel -run WasmModule -update",
			jsPath, len(got), wasmPath, len(want))
	}
}
