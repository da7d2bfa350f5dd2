// Package mlp runs the "mlp" experiment kind: it trains a fully connected ReLU network (sim/nn)
// or, with arch "alexnet", the reference code's AlexNet variant (sim/convnet) on a dataset
// (sim/data) with plain SGD and, every evalEvery iterations, measures the tail index of its
// stochastic gradient noise (sim/noise), as in Şimşekli et al. (2019)
// (docs/science.md#protocol). AlexNet trains with dropout (masks drawn from the seed) and is
// measured and tested without, as the reference code does (net.train(), net.eval()).
//
// A Trainer trains step by step (Step, and Evaluate when EvalDue); Loop is the one loop over
// it, with callbacks: Run (the server and the CLI) and the browser's session both run it, the
// browser pausing in Wait and yielding after every slice. The same spec and seed give the same
// numbers, on every run of the same platform, however the loop is sliced.
//
// Data order: with order "fixed" (the paper's), iteration k uses the examples
// [(k mod P)·b, (k mod P + 1)·b) of the training set, P = ⌊n/b⌋, cycling through it (the last
// n mod b examples are never used; with lastBatch "keep", P = ⌈n/b⌉ and they form a short
// last batch, as in the reference code); with "shuffle", each epoch uses a new permutation drawn
// from the seed and its consecutive batches. The weights are drawn from the seed
// (PyTorch's nn.Linear default law), and so are the synthetic datasets and the subsample the
// other tail-index estimators see.
package mlp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/tailscope/tailscope/sim/convnet"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/noise"
	"github.com/tailscope/tailscope/sim/spec"
)

// Evaluation is what is recorded at one measurement.
type Evaluation struct {
	Iter      int     `json:"iter"`
	LR        float64 `json:"lr"`         // learning rate of the next step
	TrainLoss float64 `json:"train_loss"` // over the examples of the noise batches
	TrainAcc  float64 `json:"train_acc"`
	TestLoss  float64 `json:"test_loss"`
	TestAcc   float64 `json:"test_acc"`
	// Alpha, Lo and Hi copy the pooled Mohammadi estimate (zeros skipped) and its 95%
	// interval; Noise has every estimate.
	Alpha      float64            `json:"alpha"`
	Lo         float64            `json:"lo"`
	Hi         float64            `json:"hi"`
	ZeroFrac   float64            `json:"zero_frac"`
	LayerAlpha []float64          `json:"layer_alpha"`
	Noise      *noise.Measurement `json:"noise"`
	// TestAlpha, TestLo and TestHi are the same estimate of the test set's noise (the
	// gradients over its minibatches of size b), TestNoise all of it; with testNoise only.
	TestAlpha float64            `json:"test_alpha,omitempty"`
	TestLo    float64            `json:"test_lo,omitempty"`
	TestHi    float64            `json:"test_hi,omitempty"`
	TestNoise *noise.Measurement `json:"test_noise,omitempty"`
}

// MaxNorms bounds the per-batch noise norms a result keeps over all its evaluations (about
// 20 bytes each in JSON): past it, each evaluation keeps only their histogram.
const MaxNorms = 100000

// Result is a whole run.
type Result struct {
	Spec        spec.Spec    `json:"spec"`
	Sizes       []int        `json:"sizes"`         // layer widths, input first (fully connected nets)
	Net         string       `json:"net,omitempty"` // the layers of a convolutional net
	Params      int          `json:"params"`        // weights (and biases)
	Full        bool         `json:"full"`          // noise measured on all P batches (the paper's protocol)
	Evaluations []Evaluation `json:"evaluations"`
	// Stopped says why the run ended before its steps were all taken ("" if it did not):
	// "fit" when it stopped at 100 % training accuracy.
	Stopped string `json:"stopped,omitempty"`
	// Protocol lists, in words, where this run differs from the reference code's protocol
	// and which parameter offers the reference's choice (docs/science.md#protocol).
	Protocol []string `json:"protocol"`
}

// Differences lists where a run of p differs from the reference code's protocol, each with
// the parameter that offers the reference's choice.
func Differences(p spec.MLPParams) []string {
	var out []string
	if p.Zeros != spec.ZerosKeep {
		out = append(out, "headline α̂ skips noise values that are exactly 0; the reference counts them with log(|x| + 2⁻⁵²) (recorded as alpha_ref; zeros=keep)")
	}
	if p.Count != spec.CountReference {
		out = append(out, "takes iters steps; the reference takes iters + 2 (count=reference)")
	}
	if p.LastBatch != spec.LastBatchKeep && p.N%p.Batch != 0 {
		out = append(out, "leaves out the n mod b last examples; the reference keeps a short last batch (lastBatch=keep)")
	}
	if !p.StopAtFit {
		out = append(out, "does not stop at 100 % training accuracy; the reference does (stopAtFit=1)")
	}
	if !p.TestNoise {
		out = append(out, "does not measure the test set's noise; the reference does (testNoise=1)")
	}
	if p.EvalBatches != 0 && p.EvalBatches != p.Batches(p.N) {
		out = append(out, "measures the noise on fewer batches than all P (evalBatches=0)")
	}
	if p.Order != spec.OrderFixed {
		out = append(out, "shuffles the training data; the reference does not (order=fixed)")
	}
	return out
}

// Trainer trains one network step by step.
type Trainer struct {
	spec        spec.Spec
	p           spec.MLPParams
	train, test *data.Set
	net         *nn.Net // fully connected (arch fc), or nil
	loss        nn.Loss
	ws, testWS  *nn.Workspace
	conv        *convnet.Net // convolutional (arch alexnet), or nil
	convWS      *convnet.Workspace
	convTestWS  *convnet.Workspace
	model       noise.Model
	grad        []float32
	batch, P    int
	velocity    []float32 // momentum buffer (nil until the first step with momentum)
	stopAt      int       // step after which to stop at 100 % training accuracy; -1 none
	iter        int
	lastEval    int
	evals       int // measurements made
	shuffle     *rand.Rand
	perm        []int
	bx          []float32
	by          []uint8
	dev         Device // nil: the CPU computes
	measurer    Measurer
	threads     int // SetThreads: goroutines a measurement uses (0: 1)
	// f64 trains a float64 copy of the network (precision float64): then net and conv keep
	// the initial float32 weights, for the shape and the description only.
	f64 double
}

// Measurer measures the gradient noise of the trainer's network (model, at the parameters
// weights) on set, the test set when test, in place of noise.MeasureModel: the browser spreads
// the batches over Web Workers (noise.MeasureSplit), each with a trainer of the same spec and
// data whose weights it sets (SetWeights).
type Measurer func(ctx context.Context, model noise.Model, set *data.Set, test bool, weights []float32, cfg noise.Config) (*noise.Measurement, error)

// SetThreads lets the trainer's noise measurement cut its batches into n ranges, each on a
// goroutine of its own (noise.Config.Workers; n ≤ 1: one, the default). Its numbers then
// equal the one-goroutine numbers to float rounding (about 1e-13 relative in the sums), and
// are the same on every run with the same n. Steps are not affected: to use more cores, a
// step splits each of its matrix products and updates (kernel.SetThreads), bit for bit.
func (t *Trainer) SetThreads(n int) {
	t.threads = max(n, 1)
}

// UseMeasurer makes m measure the noise from now on (not with a device attached).
func (t *Trainer) UseMeasurer(m Measurer) { t.measurer = m }

// NoiseModel returns the network whose noise the trainer measures.
func (t *Trainer) NoiseModel() noise.Model { return t.model }

// SetWeights sets the network's parameters to w (what a Measurer is given): a Web Worker's
// trainer of the same spec and data measures the page's network with them.
func (t *Trainer) SetWeights(w []float32) error {
	if len(w) != t.model.Params {
		return fmt.Errorf("mlp: %d weights for a network of %d parameters", len(w), t.model.Params)
	}
	copy(t.weights(), w)
	return nil
}

// ErrNoFloat64 is NewTrainer's error for precision float64 in a build without float64
// training (the browser's): such runs go to the server.
var ErrNoFloat64 = errors.New("precision float64 trains on the server only: use “Run bigger on the server”")

// newDouble makes a Trainer's float64 copy of its network (float64.go); nil where float64 is
// not built (js/wasm: float64Built is false).
var newDouble func(t *Trainer) (double, error)

// Float64Built reports whether this build can train in float64 (native builds; the browser's
// cannot, and refuses precision=float64 with ErrNoFloat64).
func Float64Built() bool { return float64Built }

// Device computes a Trainer's gradients, steps and outputs elsewhere (a GPU), holding its own
// copy of the weights, made from Net() when it is attached. The Trainer keeps the protocol:
// the batches, the learning rates, the divergence checks and the noise measurement's sums
// and estimators are the same as on the CPU.
type Device interface {
	// Gradient computes the gradient of the mean loss over the examples x with labels y at
	// the device's weights, and returns the loss statistics; it downloads the gradient into
	// g when g is not nil (Net.Params' layout), and otherwise keeps it for SGD.
	Gradient(x []float32, y []uint8, g []float32) (nn.Stats, error)
	// SGD takes the step weights −= lr·gradient with the last gradient computed.
	SGD(lr float32) error
	// Forward returns the loss statistics of the examples x (at most the Forward batch the
	// device was made for) with labels y.
	Forward(x []float32, y []uint8) (nn.Stats, error)
}

// TestChunk is the number of test examples whose outputs are computed at once.
const TestChunk = 500

// UseDevice makes d compute the trainer's gradients, steps and outputs from now on; d holds
// the weights (Net's are no longer updated). Call it before the first step.
// A float64 trainer ignores it: the devices compute in float32.
func (t *Trainer) UseDevice(d Device) {
	if !t.inFloat64() {
		t.dev = d
	}
}

// inFloat64 reports whether t trains a float64 copy of its network (precision float64).
// float64Built is a constant, so in the browser's build, where it is false, the float64
// branches behind this small (inlined) test compile away.
func (t *Trainer) inFloat64() bool { return float64Built && t.f64 != nil }

// Loss returns the training loss.
func (t *Trainer) Loss() nn.Loss { return t.loss }

// LoadData returns the training and test sets a spec asks for (see Subsets); for MNIST and
// CIFAR (read from sim/data's data directory) it normalises and holds only the examples used.
func LoadData(s spec.Spec) (train, test *data.Set, err error) {
	if err := s.Validate(); err != nil {
		return nil, nil, err
	}
	p, err := params(s)
	if err != nil {
		return nil, nil, err
	}
	switch p.Dataset {
	case spec.DatasetMNIST:
		balanced := p.Subset == spec.SubsetBalanced
		if train, err = data.MNISTSubset(true, p.N, balanced); err != nil {
			return nil, nil, err
		}
		if test, err = data.MNISTSubset(false, p.TestN, balanced); err != nil {
			return nil, nil, err
		}
		return train, test, nil
	case spec.DatasetCIFAR10, spec.DatasetCIFAR100:
		// From the data directory; a missing set fails with the command to get it.
		c, _ := data.CIFARByName(string(p.Dataset))
		balanced := p.Subset == spec.SubsetBalanced
		if train, err = data.CIFARSubset(c, true, p.N, balanced); err != nil {
			return nil, nil, err
		}
		if test, err = data.CIFARSubset(c, false, p.TestN, balanced); err != nil {
			return nil, nil, err
		}
		return train, test, nil
	default:
		if train, err = data.Synthetic(string(p.Dataset), p.N, s.Seed, 0); err != nil {
			return nil, nil, err
		}
		if test, err = data.Synthetic(string(p.Dataset), p.TestN, s.Seed, 1); err != nil {
			return nil, nil, err
		}
	}
	return Subsets(s, train, test)
}

// Subsets cuts the spec's n training and testN test examples out of full sets: the first
// ones, or with subset "balanced" the first n/classes of each class (Set.Balanced). A
// browser that received the full sets in the compact binary form calls it directly.
func Subsets(s spec.Spec, train, test *data.Set) (*data.Set, *data.Set, error) {
	p, err := params(s)
	if err != nil {
		return nil, nil, err
	}
	cut := func(set *data.Set, n int) (*data.Set, error) {
		if n > set.Len() {
			return nil, fmt.Errorf("mlp: the spec asks for %d examples of %s, which has %d", n, set.Name, set.Len())
		}
		if p.Subset == spec.SubsetBalanced {
			return set.Balanced(n)
		}
		return set.Slice(0, n)
	}
	tr, err := cut(train, p.N)
	if err != nil {
		return nil, nil, err
	}
	te, err := cut(test, p.TestN)
	if err != nil {
		return nil, nil, err
	}
	return tr, te, nil
}

// NewTrainer returns a trainer for spec s (kind "mlp") on the given sets, which must have
// the spec's sizes n and testN (LoadData and Subsets make them).
func NewTrainer(s spec.Spec, train, test *data.Set) (*Trainer, error) {
	p, err := params(s)
	if err != nil {
		return nil, err
	}
	if train == nil || test == nil {
		return nil, fmt.Errorf("mlp: missing training or test set")
	}
	if train.Len() != p.N || test.Len() != p.TestN {
		return nil, fmt.Errorf("mlp: sets of %d and %d examples for a spec with n = %d, testN = %d (use LoadData or Subsets)",
			train.Len(), test.Len(), p.N, p.TestN)
	}
	if err := train.Check(); err != nil {
		return nil, err
	}
	if err := test.Check(); err != nil {
		return nil, err
	}
	if test.Dim != train.Dim || test.Classes != train.Classes {
		return nil, fmt.Errorf("mlp: test set %d×%d classes, training set %d×%d", test.Dim, test.Classes, train.Dim, train.Classes)
	}
	loss, err := nn.ParseLoss(string(p.Loss))
	if err != nil {
		return nil, err
	}
	if p.Precision == spec.PrecisionFloat64 && !float64Built {
		return nil, ErrNoFloat64
	}
	// float64Built is a constant: the browser's build compiles the float64 branches away.
	double := float64Built && p.Precision == spec.PrecisionFloat64
	b := p.Batch
	t := &Trainer{spec: s.Clone(), p: p, train: train, test: test, loss: loss, batch: b, P: p.Batches(train.Len()), lastEval: -1, stopAt: -1}
	switch p.Arch {
	case spec.ArchAlexNet:
		shape, err := convnet.ShapeOf(train.Dim)
		if err != nil {
			return nil, err
		}
		if t.conv, err = convnet.AlexNet(shape, p.Ch, train.Classes, s.Seed); err != nil {
			return nil, err
		}
		if !double {
			t.convWS = t.conv.NewWorkspace(b)
			t.convWS.SetDropout(rand.NewPCG(s.Seed, dropoutStream))
			t.model = convModel(t.conv, loss)
			t.grad = make([]float32, t.conv.NumParams())
		}
	default:
		if t.net, err = nn.New(nn.Shape(train.Dim, p.Width, p.Depth, train.Classes), s.Seed); err != nil {
			return nil, err
		}
		if !double {
			t.ws = t.net.NewWorkspace(b)
			t.model = noise.FC(t.net, loss)
			t.grad = make([]float32, t.net.NumParams())
		}
	}
	if double {
		if t.f64, err = newDouble(t); err != nil {
			return nil, err
		}
		t.model = t.f64.noiseModel()
	}
	if p.Order == spec.OrderShuffle {
		t.shuffle = rand.New(rand.NewPCG(s.Seed, 0x5_4ff1e))
		t.bx = make([]float32, b*train.Dim)
		t.by = make([]uint8, b)
	}
	return t, nil
}

// dropoutStream is the PCG stream of AlexNet's dropout masks (the same in both precisions).
const dropoutStream = 0xd_0f0a7

// convModel returns the noise.Model of a convolutional net: its gradients in evaluation
// mode (no dropout), as the reference code measures them.
func convModel(net *convnet.Net, loss nn.Loss) noise.Model {
	offs := make([]int, net.NumLayers()+1)
	for l := range offs {
		offs[l] = net.Offset(l)
	}
	return noise.Model{Params: net.NumParams(), Dim: net.InputDim(), Offsets: offs,
		NewGradient: func(batch int) func([]float32, []uint8, []float32) (nn.Stats, error) {
			ws := net.NewWorkspace(batch)
			return func(x []float32, y []uint8, grad []float32) (nn.Stats, error) {
				return ws.Gradient(net, loss, x, y, grad)
			}
		}}
}

// Net returns the fully connected network being trained (shared, not a copy); nil when
// the architecture is convolutional (see ConvNet). In float64 it is the float32 network the
// run started from (Net64 trains).
func (t *Trainer) Net() *nn.Net { return t.net }

// ConvNet returns the convolutional network being trained (shared); nil for arch fc. In
// float64 it is the float32 network the run started from.
func (t *Trainer) ConvNet() *convnet.Net { return t.conv }

// NumParams returns the number of parameters of the network being trained.
func (t *Trainer) NumParams() int { return t.model.Params }

// Spec returns the trainer's spec.
func (t *Trainer) Spec() spec.Spec { return t.spec.Clone() }

// Params returns the spec's parameters.
func (t *Trainer) Params() spec.MLPParams { return t.p }

// Iter returns the number of steps taken.
func (t *Trainer) Iter() int { return t.iter }

// Done reports whether the spec's steps are all taken (Iters, or Iters + 2 with count
// "reference"), or the run stops at 100 % training accuracy.
func (t *Trainer) Done() bool { return t.iter >= t.p.Steps() || (t.stopAt >= 0 && t.iter >= t.stopAt) }

// Stopped reports whether the run stopped at 100 % training accuracy before its last step.
func (t *Trainer) Stopped() bool { return t.stopAt >= 0 && t.iter >= t.stopAt && t.iter < t.p.Steps() }

// EvalDue reports whether the noise should be measured now: at iteration 0, every
// evalEvery iterations and at the last, once each.
func (t *Trainer) EvalDue() bool {
	return t.lastEval != t.iter && (t.iter%t.p.EvalEvery == 0 || t.Done())
}

// EvalBatches returns how many minibatches a measurement uses: the spec's evalBatches, or
// all P = ⌊n/b⌋ of them (the paper's protocol) when it is 0.
func (t *Trainer) EvalBatches() int { return t.p.NoiseBatches() }

// params checks that s is a valid "mlp" spec and returns its parameters.
func params(s spec.Spec) (spec.MLPParams, error) {
	if s.Kind != "mlp" {
		return spec.MLPParams{}, fmt.Errorf("mlp: spec of kind %q", s.Kind)
	}
	if err := s.Validate(); err != nil {
		return spec.MLPParams{}, err
	}
	return s.MLP()
}

// Fraction returns the fraction of the whole run done, with the measurement in progress
// (if any) done to measuring. The work is counted in minibatch gradients: a step is one, a
// measurement 2·EvalBatches (its two passes), made at 0, every evalEvery and at the end.
func (t *Trainer) Fraction(measuring float64) float64 {
	evalWork := float64(2 * t.p.NoiseBatches())
	if t.p.TestNoise {
		evalWork += float64(2 * t.p.TestBatches())
	}
	steps := t.p.Steps()
	measurements := steps/t.p.EvalEvery + 1
	if steps%t.p.EvalEvery != 0 {
		measurements++
	}
	total := float64(steps) + evalWork*float64(measurements)
	return min(1, (float64(t.iter)+evalWork*(float64(t.evals)+measuring))/total)
}

// LR returns the learning rate of the next step.
func (t *Trainer) LR() float64 { return t.p.LRAt(t.iter) }

// batchData returns the examples of iteration t.iter.
func (t *Trainer) batchData() ([]float32, []uint8) {
	k, b, dim := t.iter%t.P, t.batch, t.train.Dim
	hi := min((k+1)*b, t.train.Len()) // short only for the kept last batch
	if t.shuffle == nil {
		return t.train.X[k*b*dim : hi*dim], t.train.Y[k*b : hi]
	}
	if k == 0 {
		t.perm = t.shuffle.Perm(t.train.Len())
	}
	for i, e := range t.perm[k*b : hi] {
		copy(t.bx[i*dim:(i+1)*dim], t.train.X[e*dim:(e+1)*dim])
		t.by[i] = t.train.Y[e]
	}
	return t.bx[:(hi-k*b)*dim], t.by[:hi-k*b]
}

// Step takes one SGD step and returns the loss statistics of its minibatch (before the step).
// It fails, leaving the weights as they were, if the loss is not finite: training diverged.
func (t *Trainer) Step() (nn.Stats, error) {
	x, y := t.batchData()
	var st nn.Stats
	var err error
	stepped := false
	if t.inFloat64() {
		st, err = t.f64.gradient(x, y)
	} else if t.dev != nil {
		st, err = t.dev.Gradient(x, y, nil)
	} else if t.conv != nil {
		st, err = t.convWS.Gradient(t.conv, t.loss, x, y, t.grad)
	} else if t.p.Momentum == 0 && t.p.WeightDecay == 0 {
		// plain SGD: the workspace takes the step with the gradient, and leaves the weights if
		// the loss is not finite
		st, err = t.ws.Step(t.net, t.loss, x, y, t.grad, float32(t.LR()))
		stepped = true
	} else {
		st, err = t.ws.Gradient(t.net, t.loss, x, y, t.grad)
	}
	if err != nil {
		return st, err
	}
	if math.IsNaN(st.Loss) || math.IsInf(st.Loss, 0) {
		return st, fmt.Errorf("mlp: training diverged at iteration %d (minibatch loss %v): lower lr", t.iter, st.Loss)
	}
	if t.inFloat64() {
		t.f64.step(t.LR(), t.p.Momentum, t.p.WeightDecay)
	} else if t.dev != nil {
		if t.p.Momentum != 0 || t.p.WeightDecay != 0 {
			return st, fmt.Errorf("mlp: momentum and weight decay run on the CPU only (the device steps plain SGD)")
		}
		if err := t.dev.SGD(float32(t.LR())); err != nil {
			return st, err
		}
	} else if t.conv != nil {
		t.conv.SGD(t.direction(), float32(t.LR()))
	} else if !stepped {
		t.net.SGD(t.direction(), float32(t.LR()))
	}
	t.iter++
	return st, nil
}

// weights returns the network's parameters, in the order of its gradient.
func (t *Trainer) weights() []float32 {
	if t.conv != nil {
		return t.conv.Params
	}
	return t.net.Params
}

// direction returns what the step subtracts times η: the gradient, as it is for plain SGD,
// or PyTorch's SGD direction with weight decay λ and momentum μ, in float32 as there:
// d = g + λw; v = d at the first step, then v ← μv + d; the step is along v.
func (t *Trainer) direction() []float32 {
	mu, wd := float32(t.p.Momentum), float32(t.p.WeightDecay)
	d := t.grad
	if wd != 0 {
		for i, w := range t.weights()[:len(d)] {
			d[i] += wd * w
		}
	}
	if mu == 0 {
		return d
	}
	if t.velocity == nil {
		t.velocity = append([]float32(nil), d...)
		return t.velocity
	}
	for i, v := range t.velocity {
		t.velocity[i] = mu*v + d[i]
	}
	return t.velocity
}

// Evaluate measures the gradient noise and the train and test loss and accuracy at the
// current weights. progress, if not nil, gets the fraction of the measurement done after
// each minibatch gradient: in a browser, whose one thread runs every goroutine, it is the
// place to yield (for example time.Sleep(0) every ~10 ms), since a full measurement takes
// seconds to minutes. Gradients are computed on the trainer's goroutines (SetThreads; one by
// default, and always one in wasm), each over a range of the batches, and progress is then
// reported as the ranges advance together.
func (t *Trainer) Evaluate(ctx context.Context, progress func(fraction float64)) (Evaluation, error) {
	cfg := noise.Config{Batch: t.batch, Batches: t.p.NoiseBatches(), KeepLast: t.p.LastBatch == spec.LastBatchKeep,
		Seed: t.spec.Seed ^ uint64(t.iter)*0x9e3779b97f4a7c15, Workers: max(t.threads, 1)}
	// The fraction counts minibatch gradients: 2 per training batch used, and 2 per test
	// batch with testNoise (whose measurement reports on the same scale, so that the
	// browser keeps yielding through it).
	work, testWork := 2*t.p.NoiseBatches(), 0
	if t.p.TestNoise {
		testWork = 2 * t.p.TestBatches()
	}
	all := float64(work + testWork)
	if progress != nil {
		cfg.Progress = func(done, _ int) { progress(float64(done) / all) }
	}
	m, err := t.measure(ctx, t.train, cfg)
	if err != nil {
		return Evaluation{}, err
	}
	ev := Evaluation{Iter: t.iter, LR: t.LR(), TrainLoss: m.TrainLoss, TrainAcc: m.TrainAcc, ZeroFrac: m.ZeroFrac, Noise: m}
	if t.p.Evaluations()*(t.p.NoiseBatches()+t.p.TestBatches()) > MaxNorms {
		m.Norms = nil // the histogram stays
	}
	ev.Alpha, ev.Lo, ev.Hi = t.headline(m)
	for _, e := range m.Layers {
		ev.LayerAlpha = append(ev.LayerAlpha, e.Alpha)
	}
	if t.p.TestNoise {
		// The same pipeline on the test set's batches, without the other estimators.
		tc := cfg
		tc.Batches, tc.Subsample = 0, -1
		if progress != nil {
			tc.Progress = func(done, _ int) { progress(float64(work+done) / all) }
		}
		tm, err := t.measure(ctx, t.test, tc)
		if err != nil {
			return Evaluation{}, fmt.Errorf("mlp: the test set's noise: %w", err)
		}
		if m.Norms == nil {
			tm.Norms = nil
		}
		ev.TestNoise = tm
		ev.TestAlpha, ev.TestLo, ev.TestHi = t.headline(tm)
	}
	ev.TestLoss, ev.TestAcc, err = t.testStats()
	if err != nil {
		return Evaluation{}, err
	}
	for _, v := range []float64{ev.TrainLoss, ev.TestLoss, m.GradNorm} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Evaluation{}, fmt.Errorf("mlp: training diverged by iteration %d (train loss %v, test loss %v, ‖ḡ‖ %v): lower lr",
				t.iter, ev.TrainLoss, ev.TestLoss, m.GradNorm)
		}
	}
	t.lastEval = t.iter
	t.evals++
	if t.p.StopAtFit && t.stopAt < 0 && m.Full && ev.TrainAcc == 1 {
		// As the reference: the step of this iteration is still taken, then the last
		// measurement.
		t.stopAt = t.iter + 1
	}
	return ev, nil
}

// measure measures the gradient noise on set, on the device when one is attached.
func (t *Trainer) measure(ctx context.Context, set *data.Set, cfg noise.Config) (*noise.Measurement, error) {
	if t.dev != nil {
		return noise.MeasureWith(ctx, t.net, set, cfg, t.dev.Gradient)
	}
	if t.measurer != nil {
		return t.measurer(ctx, t.model, set, set == t.test, t.weights()[:t.model.Params], cfg)
	}
	return noise.MeasureModel(ctx, t.model, set, cfg)
}

// headline returns the α̂ and 95% interval an evaluation reports for m: exact zeros
// skipped, or counted as the reference code does with zeros "keep".
func (t *Trainer) headline(m *noise.Measurement) (alpha, lo, hi float64) {
	e := m.Alpha
	if t.p.Zeros == spec.ZerosKeep {
		e = m.AlphaRef
	}
	return e.Alpha, e.Lo, e.Hi
}

func (t *Trainer) testStats() (loss, acc float64, err error) {
	const chunk = TestChunk
	forward := func(x []float32, y []uint8) (nn.Stats, error) {
		if t.inFloat64() {
			return t.f64.forward(x, y)
		}
		if t.dev != nil {
			return t.dev.Forward(x, y)
		}
		if t.conv != nil {
			if t.convTestWS == nil {
				t.convTestWS = t.conv.NewWorkspace(min(chunk, t.test.Len()))
			}
			st, _, err := t.convTestWS.Forward(t.conv, t.loss, x, y)
			return st, err
		}
		if t.testWS == nil {
			t.testWS = t.net.NewWorkspace(min(chunk, t.test.Len()))
		}
		st, _, err := t.testWS.Forward(t.net, t.loss, x, y)
		return st, err
	}
	n, dim := t.test.Len(), t.test.Dim
	var sum float64
	correct := 0
	for i := 0; i < n; i += chunk {
		j := min(i+chunk, n)
		st, err := forward(t.test.X[i*dim:j*dim], t.test.Y[i:j])
		if err != nil {
			return 0, 0, err
		}
		sum += st.Loss * float64(j-i)
		correct += st.Correct
	}
	return sum / float64(n), float64(correct) / float64(n), nil
}

// Run loads the spec's data, trains and measures. It reports progress (with the evaluations
// so far as Partial, a []Evaluation) at most every 200 ms, returns ctx.Err() soon after ctx
// is done, and on failure returns the evaluations made so far with the error.
func Run(ctx context.Context, s spec.Spec, r spec.Reporter) (*Result, error) {
	train, test, err := LoadData(s)
	if err != nil {
		return nil, err
	}
	return RunOn(ctx, s, train, test, r)
}

// RunOn is Run on given sets (see NewTrainer).
func RunOn(ctx context.Context, s spec.Spec, train, test *data.Set, r spec.Reporter) (*Result, error) {
	return RunThreads(ctx, s, train, test, r, 1)
}

// RunThreads is RunOn with a trainer of threads goroutines (Trainer.SetThreads): what the CPU
// backend runs for a user (sim/run).
func RunThreads(ctx context.Context, s spec.Spec, train, test *data.Set, r spec.Reporter, threads int) (*Result, error) {
	t, err := NewTrainer(s, train, test)
	if err != nil {
		return nil, err
	}
	t.SetThreads(threads)
	return RunTrainer(ctx, t, r)
}

// RunTrainer runs t (new, maybe with a device attached) to its end as Run does.
func RunTrainer(ctx context.Context, t *Trainer, r spec.Reporter) (*Result, error) {
	res := &Result{Spec: t.Spec(), Params: t.NumParams(), Full: t.EvalBatches() == t.P, Protocol: Differences(t.p)}
	if t.conv != nil {
		res.Net = t.conv.Describe()
	} else {
		res.Sizes = t.net.Sizes
	}
	iters := t.p.Iters
	last := time.Now()
	report := func(frac float64, msg string, force bool) {
		if r == nil || (!force && time.Since(last) < 200*time.Millisecond) {
			return
		}
		last = time.Now()
		r.Report(spec.Progress{Fraction: frac, Message: msg, Partial: append([]Evaluation(nil), res.Evaluations...)})
	}
	err := Loop{
		Stepped: func([]float32) error {
			report(t.Fraction(0), fmt.Sprintf("iteration %d of %d", t.iter, iters), false)
			return nil
		},
		Measuring: func(f float64) {
			report(t.Fraction(f), fmt.Sprintf("measuring the noise at iteration %d of %d", t.iter, iters), false)
		},
		Measured: func(ev Evaluation) error {
			res.Evaluations = append(res.Evaluations, ev)
			report(t.Fraction(0), fmt.Sprintf("iteration %d of %d: α̂ = %.3f", t.iter, iters, ev.Alpha), true)
			return nil
		},
	}.Run(ctx, t)
	if err == nil && t.Stopped() {
		res.Stopped = "fit"
	}
	return res, err
}
