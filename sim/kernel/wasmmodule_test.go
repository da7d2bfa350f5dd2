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

// wasmModules are the WebAssembly modules that kernels.js embeds: each .wat source, the
// assembled .wasm committed beside it, the JavaScript constant holding its base64, and wat2wasm's
// flags for it.
var wasmModules = []struct {
	wat, wasm, constant string
	flags               []string
}{
	{"kernels.wat", "kernels.wasm", "wasmBase64", nil},
	{"kernels_relaxed.wat", "kernels_relaxed.wasm", "relaxedBase64", []string{"--enable-relaxed-simd"}},
}

func embeddedRE(constant string) *regexp.Regexp {
	return regexp.MustCompile(`const ` + constant + ` = "([A-Za-z0-9+/=]*)";`)
}

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

// TestWasmModuleUpToDate checks, for each module kernels.js embeds (plain SIMD and relaxed
// SIMD), that the committed .wasm is what wat2wasm makes of its .wat (when wabt is installed),
// and that kernels.js embeds exactly that .wasm.
func TestWasmModuleUpToDate(t *testing.T) {
	dir := kernelsDir(t)
	jsPath := filepath.Join(dir, "kernels.js")
	tool := wat2wasm()
	if tool == "" {
		t.Logf("wat2wasm not found (npm install wabt, or run go run ./sim/cmd/peerbench once): only the embedded copies are checked")
	}
	for _, mod := range wasmModules {
		t.Run(mod.wat, func(t *testing.T) {
			wasmPath := filepath.Join(dir, mod.wasm)
			if tool != "" {
				out := filepath.Join(t.TempDir(), mod.wasm)
				args := append(append([]string{}, mod.flags...), filepath.Join(dir, mod.wat), "-o", out)
				if msg, err := exec.Command(tool, args...).CombinedOutput(); err != nil {
					t.Fatalf("%s %s: %v\n%s", tool, mod.wat, err, msg)
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
					t.Errorf("%s (%d bytes) differs from wat2wasm %s (%d bytes): run go test ./sim/kernel -run WasmModule -update",
						wasmPath, len(committed), mod.wat, len(fresh))
				}
			}
			bin, err := os.ReadFile(wasmPath)
			if err != nil {
				t.Fatal(err)
			}
			js, err := os.ReadFile(jsPath)
			if err != nil {
				t.Fatal(err)
			}
			want := base64.StdEncoding.EncodeToString(bin)
			re := embeddedRE(mod.constant)
			if *update {
				js = re.ReplaceAll(js, []byte(`const `+mod.constant+` = "`+want+`";`))
				if err := os.WriteFile(jsPath, js, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			m := re.FindSubmatch(js)
			if m == nil {
				t.Fatalf("%s: no line `const %s = \"...\";`", jsPath, mod.constant)
			}
			if got := string(m[1]); got != want {
				t.Errorf("%s embeds %d base64 characters in %s that differ from %s (%d): run go test ./sim/kernel -run WasmModule -update",
					jsPath, len(got), mod.constant, wasmPath, len(want))
			}
		})
	}
}
