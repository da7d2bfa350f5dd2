package mlp

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/convnet"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/noise"
)

// TestAlexNetMNIST trains a small AlexNet (ch 12) on MNIST digits: the training loss falls,
// the test accuracy rises above chance, and α̂ is measured per layer (5 convolutions and 3
// linear layers). With PyTorch's default initialisation the loss sits at ln 10 for several
// hundred steps before it falls (PyTorch does the same on this net and data), hence 1200
// (seeds 1 and 2 end at 0.67 and 0.86 of the initial loss).
func TestAlexNetMNIST(t *testing.T) {
	if runtime.GOOS == "js" {
		// Under node these 1200 steps take 40 s, and the wasm kernels' rounding gives another
		// trajectory than the one the thresholds were set on (test accuracy 0.19 against 0.2
		// there); the page's small AlexNet is checked in Chromium (TestBrowserNetworkAlexNet).
		t.Skip("AlexNet training is checked natively and in the browser test of the Network view")
	}
	s := small(t, "mnist", 1, map[string]string{"arch": "alexnet", "ch": "12", "n": "500", "testN": "200",
		"batch": "10", "iters": "1200", "evalEvery": "1200", "evalBatches": "5", "lr": "0.05"})
	train, test, err := LoadData(s)
	if errors.Is(err, data.ErrNoMNIST) {
		t.Skipf("MNIST not reachable here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	res, err := RunOn(context.Background(), s, train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, last := res.Evaluations[0], res.Evaluations[len(res.Evaluations)-1]
	t.Logf("%s: %d parameters; train loss %.3f → %.3f, test accuracy %.2f → %.2f, α̂ %.3f → %.3f, layers %.2f",
		res.Net, res.Params, first.TrainLoss, last.TrainLoss, first.TestAcc, last.TestAcc, first.Alpha, last.Alpha, last.LayerAlpha)
	if !strings.HasPrefix(res.Net, "input 1×28×28, conv 12 4×4/2 pad 2") || res.Sizes != nil {
		t.Errorf("result describes the net as %q, sizes %v", res.Net, res.Sizes)
	}
	if last.TrainLoss > 0.92*first.TrainLoss || last.TestAcc < 0.2 {
		t.Errorf("after 1200 steps: train loss %.3f (at start %.3f), test accuracy %.2f (want ≥ 0.2)", last.TrainLoss, first.TrainLoss, last.TestAcc)
	}
	for _, ev := range []Evaluation{first, last} {
		if len(ev.LayerAlpha) != 8 || !(ev.Alpha > 0 && ev.Alpha <= 2) || ev.Lo > ev.Alpha || ev.Hi < ev.Alpha {
			t.Errorf("iteration %d: α̂ %v [%v, %v], layers %v", ev.Iter, ev.Alpha, ev.Lo, ev.Hi, ev.LayerAlpha)
		}
	}
}

// TestAlexNetDeterministic: the same spec and seed give the same steps (dropout masks
// included), another seed other ones.
func TestAlexNetDeterministic(t *testing.T) {
	steps := func(seed uint64) []float64 {
		s := small(t, "cifar10", seed, map[string]string{"arch": "alexnet", "ch": "2", "n": "100", "testN": "100", "batch": "10"})
		train, err := data.Synthetic("blobs", 100, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		// CIFAR-shaped inputs made from the seed: 3072 values per example, 10 classes.
		img := &data.Set{Name: "cifar10", Dim: 3072, Classes: 10, X: make([]float32, 100*3072), Y: make([]uint8, 100)}
		for i := range img.X {
			img.X[i] = train.X[i%len(train.X)] * float32(1+i%7)
		}
		for i := range img.Y {
			img.Y[i] = uint8(i % 10)
		}
		tr, err := NewTrainer(s, img, img)
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		for range 4 {
			st, err := tr.Step()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, st.Loss)
		}
		return out
	}
	a, b, c := steps(3), steps(3), steps(4)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed: losses %v and %v", a, b)
		}
	}
	if a[1] == c[1] {
		t.Errorf("other seed, same losses %v", a)
	}
}

// TestAlexNetNoiseWorkers: the noise of a convolutional net, like that of a fully connected
// one, does not depend on how many goroutines compute its gradients, and it has one α̂ per
// layer with parameters.
func TestAlexNetNoiseWorkers(t *testing.T) {
	net, err := convnet.AlexNet(convnet.CIFARShape, 2, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	set := &data.Set{Name: "images", Dim: 3072, Classes: 10, X: make([]float32, 60*3072), Y: make([]uint8, 60)}
	r := rand.New(rand.NewPCG(5, 6))
	for i := range set.X {
		set.X[i] = float32(r.NormFloat64())
	}
	for i := range set.Y {
		set.Y[i] = uint8(r.IntN(10))
	}
	var alphas []float64
	for _, workers := range []int{1, 3} {
		m, err := noise.MeasureModel(context.Background(), convModel(net, nn.CrossEntropy), set,
			noise.Config{Batch: 10, Subsample: -1, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if m.P != 6 || m.Params != net.NumParams() || len(m.Layers) != 8 || !(m.Alpha.Alpha > 0) || !(m.GradNorm > 0) {
			t.Fatalf("%d workers: P %d, %d parameters (net %d), %d layers, α̂ %v, ‖ḡ‖ %v",
				workers, m.P, m.Params, net.NumParams(), len(m.Layers), m.Alpha.Alpha, m.GradNorm)
		}
		alphas = append(alphas, m.Alpha.Alpha)
	}
	if alphas[0] != alphas[1] {
		t.Errorf("α̂ with 1 and 3 workers: %v", alphas)
	}
}
