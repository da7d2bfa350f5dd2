//go:build !js && !wasip1

package cuda

import (
	"context"
	"fmt"

	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

// Backend runs kind mlp on a GPU and every other kind on its CPU backend.
type Backend struct {
	CPU run.CPU
	GPU *GPU
}

// Name says which backend and device runs s, e.g. "cuda: NVIDIA H100 80GB HBM3".
func (b Backend) Name(s spec.Spec) string {
	if p, err := s.MLP(); err == nil && p.Precision != spec.PrecisionFloat64 {
		return "cuda: " + b.GPU.String()
	}
	return b.CPU.Name(s) // float64 runs on the CPU
}

// Run runs s: kind mlp with a fully connected network on the GPU, following sim/mlp's protocol with the gradients, steps
// and outputs computed there; other kinds, and convolutional networks (no GPU kernels yet), on
// the CPU, as are float64 runs (the GPU path is float32). A run that does not fit in the GPU's
// free memory fails at once with the memory it needs; the GPU memory of a run is freed
// however it ends.
func (b Backend) Run(ctx context.Context, s spec.Spec, progress spec.Reporter) (any, error) {
	if p, err := s.MLP(); err != nil || p.Arch != spec.ArchFC || p.Precision == spec.PrecisionFloat64 {
		return b.CPU.Run(ctx, s, progress) // the GPU path is float32
	}
	train, test, err := mlp.LoadData(s)
	if err != nil {
		return nil, err
	}
	t, err := mlp.NewTrainer(s, train, test)
	if err != nil {
		return nil, err
	}
	unbind, err := b.GPU.Bind()
	if err != nil {
		return nil, err
	}
	defer unbind()
	need := Need(t.Net().Sizes, t.Params().Batch, train.Len(), test.Len())
	free, _, err := b.GPU.FreeMemory()
	if err != nil {
		return nil, err
	}
	if err := fits(need, free, b.GPU.Device.Name); err != nil {
		return nil, err
	}
	net, err := b.GPU.NewNet(t.Net(), t.Loss(), t.Params().Batch, train, test)
	if err != nil {
		return nil, fmt.Errorf("%w (the run needs about %s)", err, mib(need))
	}
	defer net.Close()
	t.UseDevice(net)
	return mlp.RunTrainer(ctx, t, progress)
}

// Select returns the backend for mode "auto", "cpu" or "cuda" and one line saying what it
// is: auto uses CUDA when it loads and has a device, and otherwise the CPU, saying why;
// cuda fails with the reason CUDA cannot be used.
func Select(mode string, tf32 bool, cpu run.CPU, libs Libraries) (run.Backend, string, error) {
	switch mode {
	case "cpu":
		return cpu, "backend: " + cpu.Name(spec.Spec{}), nil
	case "auto", "cuda":
	default:
		return nil, "", fmt.Errorf("backend %q: want auto, cpu or cuda", mode)
	}
	g, err := open1(libs, tf32)
	if err != nil {
		if mode == "cuda" {
			return nil, "", err
		}
		return cpu, fmt.Sprintf("backend: %s (CUDA not used: %v)", cpu.Name(spec.Spec{}), err), nil
	}
	tf := "fp32"
	if tf32 {
		tf = "TF32 allowed"
	}
	return Backend{CPU: cpu, GPU: g}, fmt.Sprintf("backend: cuda on %s, %s; kinds other than mlp on %s (%s)",
		g.Device, tf, cpu.Name(spec.Spec{}), g.rt.Describe()), nil
}

func open1(libs Libraries, tf32 bool) (*GPU, error) {
	rt, err := Open(libs)
	if err != nil {
		return nil, err
	}
	return rt.Prepare(0, tf32)
}

// fits says why a run needing need bytes does not fit in the free bytes of device, or nil.
func fits(need, free uint64, device string) error {
	if need > free {
		return fmt.Errorf("cuda: the run needs %s of GPU memory, %s is free on %s: ask for a smaller network, batch or dataset", mib(need), mib(free), device)
	}
	return nil
}
