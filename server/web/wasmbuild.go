package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ModulePath is the module whose source tree holds the app.
const ModulePath = "github.com/tailscope/tailscope"

// WasmPackage is the browser entry point, relative to the module root.
const WasmPackage = "./wasm"

// FindSourceRoot walks up from dir to the root of the Tailscope module (the
// directory whose go.mod declares ModulePath).
func FindSourceRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("finding source root: %w", err)
	}
	for d := dir; ; {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && modulePath(b) == ModulePath {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod for module %s in %s or above", ModulePath, dir)
		}
		d = parent
	}
}

func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// Toolchain describes the Go toolchain that builds the wasm.
type Toolchain struct {
	GoCmd   string // path of the go command
	GOROOT  string
	Version string // e.g. "go1.26.8"
}

// FindToolchain locates the go command (on PATH, else in GOROOT/bin of the
// running binary's toolchain) and asks it for GOROOT and its version.
func FindToolchain(ctx context.Context) (Toolchain, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return Toolchain{}, fmt.Errorf("the go command is needed to build main.wasm: %w", err)
	}
	out, err := exec.CommandContext(ctx, goCmd, "env", "GOROOT", "GOVERSION").Output()
	if err != nil {
		return Toolchain{}, fmt.Errorf("go env GOROOT GOVERSION: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return Toolchain{}, fmt.Errorf("go env GOROOT GOVERSION: unexpected output %q", out)
	}
	return Toolchain{GoCmd: goCmd, GOROOT: strings.TrimSpace(lines[0]), Version: strings.TrimSpace(lines[1])}, nil
}

// WasmExecPath is the toolchain's wasm_exec.js (lib/wasm since Go 1.24,
// misc/wasm before).
func (tc Toolchain) WasmExecPath() (string, error) {
	for _, p := range []string{
		filepath.Join(tc.GOROOT, "lib", "wasm", "wasm_exec.js"),
		filepath.Join(tc.GOROOT, "misc", "wasm", "wasm_exec.js"),
	} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("wasm_exec.js not found under %s/lib/wasm or %s/misc/wasm", tc.GOROOT, tc.GOROOT)
}

// SourceHash returns a hex digest of everything that goes into main.wasm:
// the toolchain version, go.mod, go.sum, and every non-test .go and .vugu
// file of the module outside server/, testdata and hidden directories.
func SourceHash(root string, tc Toolchain) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "toolchain %s\n", tc.Version)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		name := d.Name()
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
				name == "testdata" || name == "node_modules" || rel == "server") {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case rel == "go.mod", rel == "go.sum":
		case strings.HasSuffix(name, "_test.go"):
			return nil
		case strings.HasSuffix(name, ".go"), strings.HasSuffix(name, ".vugu"):
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", rel, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hashing sources under %s: %w", root, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// WasmSizeFlags keep main.wasm within its download budget: the compiler does not inline
// in the view and Vugu packages, whose code drives the DOM and is nowhere near a hot loop
// (about 0.1 MB less gzipped, 5 %), while the estimators, the samplers and the networks
// keep their inlining.
var WasmSizeFlags = []string{
	"-gcflags=github.com/vugu/...=-l",
	"-gcflags=github.com/tailscope/tailscope/ui/...=-l",
}

// BuildWasm builds the browser entry point of the module at root with
// GOOS=js GOARCH=wasm into dir/main.wasm and copies the toolchain's
// wasm_exec.js to dir/wasm_exec.js. It writes to temporary files first, so a
// concurrent reader never sees a partial file. The compiler's output goes to log.
func BuildWasm(ctx context.Context, tc Toolchain, root, dir string, log io.Writer) error {
	dir, err := filepath.Abs(dir) // go build runs in root
	if err != nil {
		return fmt.Errorf("building main.wasm: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("building main.wasm: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "main.wasm.tmp*")
	if err != nil {
		return fmt.Errorf("building main.wasm: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	cmd := exec.CommandContext(ctx, tc.GoCmd, append(append([]string{"build", "-trimpath", "-ldflags=-s -w"},
		WasmSizeFlags...), "-o", tmp.Name(), WasmPackage)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	cmd.Stdout = log
	cmd.Stderr = log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("GOOS=js GOARCH=wasm go build %s in %s: %w", WasmPackage, root, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, "main.wasm")); err != nil {
		return fmt.Errorf("building main.wasm: %w", err)
	}
	src, err := tc.WasmExecPath()
	if err != nil {
		return err
	}
	return copyFileAtomic(src, filepath.Join(dir, "wasm_exec.js"))
}

func copyFileAtomic(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".tmp*")
	if err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("copying %s: %w", src, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("copying %s: %w", src, err)
	}
	return nil
}
