//go:build !js && !wasip1

package cuda

import (
	"strings"
	"testing"
)

// The loading errors are tested with libraries that exist on every Linux machine but are not
// CUDA (libm: the symbols are missing) and with names that do not exist.
func TestOpenErrors(t *testing.T) {
	real := DefaultLibraries()
	tests := []struct {
		name string
		libs Libraries
		kind ErrorKind
		want string
	}{
		{"no driver", Libraries{Driver: []string{"libcuda-absent.so.1"}, CUBLAS: real.CUBLAS, NVRTC: real.NVRTC}, NoDriver, "none of libcuda-absent.so.1 opens"},
		{"no names", Libraries{}, NoDriver, "no library name given"},
		{"driver symbols missing", Libraries{Driver: []string{"libm.so.6"}, CUBLAS: real.CUBLAS, NVRTC: real.NVRTC}, NoDriver, "libm.so.6 lacks cuCtxSetCurrent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, err := Open(tt.libs)
			if err == nil {
				t.Fatalf("Open(%v) = %v, want an error", tt.libs, rt.Describe())
			}
			if !IsLoadError(err, tt.kind) {
				t.Fatalf("error %q, want kind %q", err, tt.kind)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q, want one line containing %q", err, tt.want)
			}
		})
	}
}

// TestSymbolsMissing binds a table against libm: every CUDA, cuBLAS and NVRTC symbol is named
// missing and nothing is registered (RegisterLibFunc would panic).
func TestSymbolsMissing(t *testing.T) {
	h, name, err := open([]string{"libm-absent.so", "libm.so.6"})
	if err != nil {
		t.Skipf("no libm.so.6 here: %v", err)
	}
	if name != "libm.so.6" {
		t.Fatalf("opened %q", name)
	}
	var b blasAPI
	err = symbols(h, name, b.table())
	if err == nil || !strings.Contains(err.Error(), "cublasCreate_v2, cublasDestroy_v2") {
		t.Fatalf("symbols = %v", err)
	}
	if b.cublasCreate != nil {
		t.Fatal("a function was bound although symbols are missing")
	}
	// a table whose symbols libm has binds and calls
	var m struct{ cos func(float64) float64 }
	if err := symbols(h, name, map[string]any{"cos": &m.cos}); err != nil {
		t.Fatal(err)
	}
	if got := m.cos(0); got != 1 {
		t.Fatalf("cos(0) = %v through purego", got)
	}
}
