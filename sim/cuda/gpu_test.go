//go:build !js && !wasip1

package cuda

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

var (
	gpuOnce sync.Once
	testGPU *GPU
	gpuErr  error
)

// gpu returns the first device, prepared once, or skips the test saying why there is none.
func gpu(t testing.TB) *GPU {
	t.Helper()
	gpuOnce.Do(func() {
		rt, err := Open(DefaultLibraries())
		if err != nil {
			gpuErr = err
			return
		}
		testGPU, gpuErr = rt.Prepare(0, false)
	})
	if gpuErr != nil {
		t.Skipf("needs a CUDA GPU (run sim/cuda/devicecheck/run.sh on one): %v", gpuErr)
	}
	return testGPU
}

// bind makes the GPU current on the calling goroutine (locked to its thread) until t ends.
func bind(t testing.TB, g *GPU) {
	t.Helper()
	unbind, err := g.Bind()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unbind)
}

// TestGPUGradient compares one minibatch gradient and its loss statistics with sim/nn's, for
// both losses, a resident batch and a staged one.
func TestGPUGradient(t *testing.T) {
	g := gpu(t)
	bind(t, g)
	set, err := data.Synthetic("blobs", 400, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, loss := range []nn.Loss{nn.CrossEntropy, nn.Hinge} {
		for _, sizes := range [][]int{{set.Dim, 64, set.Classes}, {set.Dim, 300, 300, 300, set.Classes}} {
			net, err := nn.New(sizes, 11)
			if err != nil {
				t.Fatal(err)
			}
			const b = 100
			dev, err := g.NewNet(net, loss, b, set)
			if err != nil {
				t.Fatal(err)
			}
			ws := net.NewWorkspace(b)
			want := make([]float32, net.NumParams())
			got := make([]float32, net.NumParams())
			for _, staged := range []bool{false, true} {
				x, y := set.X[b*set.Dim:2*b*set.Dim], set.Y[b:2*b]
				if staged {
					x, y = append([]float32(nil), x...), append([]uint8(nil), y...)
				}
				wst, err := ws.Gradient(net, loss, x, y, want)
				if err != nil {
					t.Fatal(err)
				}
				gst, err := dev.Gradient(x, y, got)
				if err != nil {
					t.Fatal(err)
				}
				if gst.Correct != wst.Correct || math.Abs(gst.Loss-wst.Loss) > 1e-5*math.Abs(wst.Loss) {
					t.Errorf("%v %v staged=%v: GPU loss %v correct %d, CPU %v %d", loss, sizes, staged, gst.Loss, gst.Correct, wst.Loss, wst.Correct)
				}
				var scale, worst float64
				for i := range want {
					scale = max(scale, math.Abs(float64(want[i])))
					worst = max(worst, math.Abs(float64(got[i]-want[i])))
				}
				if worst > 1e-4*scale {
					t.Errorf("%v %v staged=%v: gradient differs by %g, largest entry %g", loss, sizes, staged, worst, scale)
				}
			}
			dev.Close()
		}
	}
}

// compareRuns checks the GPU run's measurements against the CPU's: α̂ within 0.005, losses
// within 1e-4 relative.
func compareRuns(t *testing.T, gpuRes, cpuRes *mlp.Result) {
	t.Helper()
	if len(gpuRes.Evaluations) != len(cpuRes.Evaluations) {
		t.Fatalf("%d measurements on the GPU, %d on the CPU", len(gpuRes.Evaluations), len(cpuRes.Evaluations))
	}
	rel := func(a, b float64) float64 { return math.Abs(a-b) / max(math.Abs(b), 1e-12) }
	for i, c := range cpuRes.Evaluations {
		g := gpuRes.Evaluations[i]
		t.Logf("iter %d: α̂ GPU %.5f CPU %.5f; train loss %.7g / %.7g; test loss %.7g / %.7g",
			c.Iter, g.Alpha, c.Alpha, g.TrainLoss, c.TrainLoss, g.TestLoss, c.TestLoss)
		if math.Abs(g.Alpha-c.Alpha) > 0.005 {
			t.Errorf("iter %d: α̂ %v on the GPU, %v on the CPU", c.Iter, g.Alpha, c.Alpha)
		}
		if rel(g.TrainLoss, c.TrainLoss) > 1e-4 || rel(g.TestLoss, c.TestLoss) > 1e-4 {
			t.Errorf("iter %d: losses %v, %v on the GPU, %v, %v on the CPU", c.Iter, g.TrainLoss, g.TestLoss, c.TrainLoss, c.TestLoss)
		}
	}
}

func gpuSpec(t testing.TB, kv map[string]string) spec.Spec {
	t.Helper()
	s := spec.MustNew("mlp", 5)
	for k, v := range kv {
		if err := s.SetText(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestGPUMatchesCPU: the same spec gives the same α̂ and losses on both backends.
func TestGPUMatchesCPU(t *testing.T) {
	g := gpu(t)
	b := Backend{CPU: run.CPU{}, GPU: g}
	for _, tc := range []struct {
		name string
		kv   map[string]string
	}{
		{"mnist ce", map[string]string{"dataset": "mnist", "n": "5000", "testN": "1000", "width": "128", "depth": "3",
			"batch": "100", "iters": "200", "evalEvery": "100", "lr": "0.1"}},
		{"mnist hinge shuffle", map[string]string{"dataset": "mnist", "n": "5000", "testN": "1000", "width": "256", "depth": "4",
			"batch": "50", "iters": "200", "evalEvery": "100", "lr": "0.05", "loss": "hinge", "order": "shuffle"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := gpuSpec(t, tc.kv)
			cpuRes, err := mlp.Run(context.Background(), s, nil)
			if errors.Is(err, data.ErrNoMNIST) {
				t.Skipf("no MNIST files (set TAILSCOPE_MNIST_DIR): %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			res, err := b.Run(context.Background(), s, nil)
			if err != nil {
				t.Fatal(err)
			}
			compareRuns(t, res.(*mlp.Result), cpuRes)
		})
	}
}

// TestGPUFreesMemory: a cancelled run, a failed run (diverged) and a finished run leave the
// device's free memory where it was.
func TestGPUFreesMemory(t *testing.T) {
	g := gpu(t)
	b := Backend{CPU: run.CPU{}, GPU: g}
	base := map[string]string{"dataset": "blobs", "n": "20000", "testN": "2000", "width": "1024", "depth": "4",
		"batch": "100", "iters": "3000", "evalEvery": "1000", "lr": "0.01"}
	free := func() uint64 {
		unbind, err := g.Bind()
		if err != nil {
			t.Fatal(err)
		}
		defer unbind()
		f, _, err := g.FreeMemory()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	// warm up: cuBLAS and the module keep memory after their first use
	if _, err := b.Run(context.Background(), gpuSpec(t, map[string]string{"dataset": "blobs", "n": "400", "testN": "100",
		"width": "16", "batch": "50", "iters": "10", "evalEvery": "5"}), nil); err != nil {
		t.Fatal(err)
	}
	before := free()
	for _, tc := range []struct {
		name   string
		set    map[string]string
		cancel bool
		fails  bool
	}{
		{"cancelled", nil, true, true},
		{"diverged", map[string]string{"n": "2000", "width": "256", "depth": "6", "lr": "10", "iters": "50", "evalEvery": "25"}, false, true},
		{"finished", map[string]string{"iters": "100", "evalEvery": "50", "n": "2000"}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kv := map[string]string{}
			for k, v := range base {
				kv[k] = v
			}
			for k, v := range tc.set {
				kv[k] = v
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var progress spec.Reporter
			if tc.cancel {
				progress = spec.Reporter(func(p spec.Progress) {
					if p.Fraction > 0.01 {
						cancel()
					}
				})
			}
			_, err := b.Run(ctx, gpuSpec(t, kv), progress)
			if tc.fails != (err != nil) {
				t.Fatalf("Run error %v, want failure %v", err, tc.fails)
			}
			if after := free(); after+1<<20 < before {
				t.Errorf("free memory %s after the run, %s before", mib(after), mib(before))
			}
		})
	}
}

// TestGPUSpecsValid checks, on any machine, that the specs the GPU tests use are valid, so
// that a device session does not find out.
func TestGPUSpecsValid(t *testing.T) {
	for _, kv := range []map[string]string{
		{"dataset": "mnist", "n": "5000", "testN": "1000", "width": "128", "depth": "3", "batch": "100", "iters": "200", "evalEvery": "100", "lr": "0.1"},
		{"dataset": "mnist", "n": "5000", "testN": "1000", "width": "256", "depth": "4", "batch": "50", "iters": "200", "evalEvery": "100", "lr": "0.05", "loss": "hinge", "order": "shuffle"},
		{"dataset": "blobs", "n": "20000", "testN": "2000", "width": "1024", "depth": "4", "batch": "100", "iters": "3000", "evalEvery": "1000", "lr": "0.01"},
		{"dataset": "blobs", "n": "2000", "testN": "2000", "width": "256", "depth": "6", "batch": "100", "iters": "50", "evalEvery": "25", "lr": "10"},
		{"dataset": "mnist", "n": "60000", "testN": "10000", "width": "1024", "depth": "10", "batch": "500", "iters": "1", "evalEvery": "1"},
	} {
		gpuSpec(t, kv)
	}
}
