//go:build !js && !wasip1

package cuda

import (
	"context"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

func TestNeed(t *testing.T) {
	tests := []struct {
		name            string
		sizes           []int
		batch, n, testN int
		want            uint64
	}{
		// weights+gradient 2·4·1 861 632, activations and deltas of 500 examples
		// 4·500·(2842+2058), 13 bytes per example of the batch, the sets 3137 bytes per
		// example, and the 64 MiB reserve
		{"paper's 784-1024-1024-10 on MNIST", []int{784, 1024, 1024, 10}, 100, 60000, 10000, 311398420},
		// the batch (1000) is larger than the test chunk: B = 1000
		{"tiny net, big batch", []int{2, 3, 2}, 1000, 2000, 100, 2*4*12 + 4*1000*7 + 4*1000*5 + 13*1000 + 2100*9 + 64<<20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Need(tt.sizes, tt.batch, tt.n, tt.testN); got != tt.want {
				t.Fatalf("Need = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestSelectFallback: without a usable CUDA, auto runs on the CPU and says why in one line,
// cuda refuses with the reason, and the CPU backend still runs specs.
func TestSelectFallback(t *testing.T) {
	absent := Libraries{Driver: []string{"libcuda-absent.so.1"}, CUBLAS: []string{"libcublas-absent.so"}, NVRTC: []string{"libnvrtc-absent.so"}}
	foreign := Libraries{Driver: []string{"libm.so.6"}, CUBLAS: absent.CUBLAS, NVRTC: absent.NVRTC}
	cpu := run.CPU{Workers: 1}
	for _, libs := range []Libraries{absent, foreign} {
		b, line, err := Select("auto", false, cpu, libs)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := b.(run.CPU); !ok {
			t.Fatalf("auto chose %T without CUDA", b)
		}
		if !strings.HasPrefix(line, "backend: cpu: ") || !strings.Contains(line, "CUDA not used: cuda: no CUDA driver") || strings.Contains(line, "\n") {
			t.Fatalf("start line %q", line)
		}
		if _, _, err := Select("cuda", false, cpu, libs); !IsLoadError(err, NoDriver) {
			t.Fatalf("Select(cuda) error %v, want a no-driver load error", err)
		}
		s := spec.Spec{Kind: "stable", Seed: 1}
		if _, err := b.Run(context.Background(), s, nil); err != nil && strings.Contains(err.Error(), "cuda") {
			t.Fatalf("the fallback ran %v on CUDA: %v", s, err)
		}
	}
	if _, _, err := Select("gpu", false, cpu, absent); err == nil || !strings.Contains(err.Error(), "want auto, cpu or cuda") {
		t.Fatalf("Select(gpu) = %v", err)
	}
	_, line, err := Select("cpu", false, cpu, absent)
	if err != nil || !strings.HasPrefix(line, "backend: cpu: ") || !strings.HasSuffix(line, ", 1 core") {
		t.Fatalf("Select(cpu) = %q, %v", line, err)
	}
}

func TestFits(t *testing.T) {
	need := Need([]int{784, 1024, 1024, 10}, 100, 60000, 10000)
	if err := fits(need, need, "NVIDIA T4"); err != nil {
		t.Fatalf("a run needing exactly the free memory: %v", err)
	}
	err := fits(need, 200<<20, "NVIDIA T4")
	want := "cuda: the run needs 297.0 MiB of GPU memory, 200.0 MiB is free on NVIDIA T4: ask for a smaller network, batch or dataset"
	if err == nil || err.Error() != want {
		t.Fatalf("fits = %v, want %q", err, want)
	}
}
