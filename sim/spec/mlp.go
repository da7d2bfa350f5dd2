package spec

import (
	"math"
	"math/bits"
	"sync/atomic"
)

// Budgets of the "mlp" kind: what a browser tab and a server job can hold.
const (
	// MLPMaxBytes bounds the memory a run needs (data, weights, gradients, the noise
	// measurement's buffers, activations): 1 GiB, within a wasm32 tab's reach.
	MLPMaxBytes = 1 << 30
	// MLPMaxWork bounds the multiply-adds a run needs (training steps, noise measurements,
	// test evaluations): 2e13, about three hours on one core at 2 GFLOP/s.
	MLPMaxWork = 2e13
	// MLPMaxEvaluations bounds the evaluations a run records (at iteration 0, every
	// evalEvery iterations and at the end). Each is 2–4 kB of JSON (more with depth), so
	// 1500 keep a result within the server's 8 MiB; without the bound a cheap network
	// measured every step would run for hours and then have its result refused.
	MLPMaxEvaluations = 1500
)

// mlpWorkLimit holds the bound the mlp kind's check applies in this process, as float64 bits;
// 0: MLPMaxWork.
var mlpWorkLimit atomic.Uint64

// SetMLPWorkLimit sets the multiply-adds an mlp run may need in this process (0: MLPMaxWork,
// the default). A server whose operator bounds runs by their time instead raises it at start
// (the server's and workers' -max-run-work), as sim/data's SetDir sets where data is read.
func SetMLPWorkLimit(work float64) {
	if work <= 0 || math.IsNaN(work) {
		work = 0
	}
	mlpWorkLimit.Store(math.Float64bits(work))
}

// MLPWorkLimit returns the multiply-adds an mlp run may need in this process: MLPMaxWork unless
// SetMLPWorkLimit raised it.
func MLPWorkLimit() float64 {
	if w := math.Float64frombits(mlpWorkLimit.Load()); w > 0 {
		return w
	}
	return MLPMaxWork
}

// mlpByteLimit holds the memory bound the mlp kind's check applies in this process; 0:
// MLPMaxBytes.
var mlpByteLimit atomic.Int64

// SetMLPMemoryLimit sets the bytes an mlp run may need in this process (0: MLPMaxBytes, the
// default, which a wasm32 browser tab can hold). A server, whose runs are native, raises it at
// start (the server's and workers' -max-run-memory).
func SetMLPMemoryLimit(bytes int64) { mlpByteLimit.Store(max(bytes, 0)) }

// MLPMemoryLimit returns the bytes an mlp run may need in this process: MLPMaxBytes unless
// SetMLPMemoryLimit raised it.
func MLPMemoryLimit() int64 {
	if b := mlpByteLimit.Load(); b > 0 {
		return b
	}
	return MLPMaxBytes
}

// The "mlp" kind: train a fully connected ReLU network without biases with SGD and measure
// the tail index of its gradient noise as Şimşekli et al. (2019) do (docs/science.md#protocol).
func init() {
	register(&Kind{
		Name:  "mlp",
		Label: "Network noise",
		Help:  "Train a small fully connected network with SGD and measure, every few iterations, the tail index α of its stochastic gradient noise.",
		Params: []Param{
			{Name: "dataset", Type: Choice, DefaultChoice: string(DatasetMNIST), Choices: choices(DatasetMNIST, DatasetBlobs, DatasetSpirals, DatasetCIFAR10, DatasetCIFAR100),
				Label: "dataset", Help: "mnist: handwritten digits (normalised with mean 0.1307, std 0.3081); blobs: three Gaussian blobs in the plane; spirals: two interleaved spirals (synthetic sets are drawn from the seed); cifar10, cifar100: 32×32 colour images in 10 or 100 classes (3072 inputs, normalised per colour as the reference code does), once the server has them (tailscope data get cifar10)."},
			{Name: "subset", Type: Choice, DefaultChoice: string(SubsetFirst), Choices: choices(SubsetFirst, SubsetBalanced),
				Label: "subset", Help: "Which n training (and test) examples: the first n, or the first n/classes of each class (MNIST, CIFAR; synthetic sets are balanced anyway)."},
			{Name: "n", Type: Int, Default: 10000, Min: 100, Max: 60000, Log: true,
				Label: "training examples", Unit: "examples", Help: "Size of the training set; MNIST has 60000, CIFAR 50000."},
			{Name: "testN", Type: Int, Default: 2000, Min: 100, Max: 10000, Log: true,
				Label: "test examples", Unit: "examples", Help: "Size of the test set; MNIST's has 10000."},
			{Name: "width", Type: Int, Default: 100, Min: 4, Max: 1024, Log: true,
				Label: "width", Unit: "units", Help: "Units in each hidden layer."},
			{Name: "depth", Type: Int, Default: 3, Min: 2, Max: 10,
				Label: "depth", Unit: "layers", Help: "Number of linear layers: 2 is one hidden layer."},
			{Name: "arch", Type: Choice, DefaultChoice: string(ArchFC), Choices: choices(ArchFC, ArchAlexNet),
				Label: "architecture", Help: "fc: fully connected ReLU network without biases (width, depth); alexnet: the reference code's AlexNet variant (five convolutions with ch channels, three max-pools, dropout and two hidden linear layers of ch·⌊1 + log₂ ch⌋ units, with biases), on MNIST or CIFAR."},
			{Name: "ch", Type: Int, Default: 64, Min: 1, Max: 256, Log: true,
				Label: "channels", Unit: "channels", Help: "AlexNet's channel scale: channels of each convolution (the reference code's --scale)."},
			{Name: "loss", Type: Choice, DefaultChoice: string(LossCE), Choices: choices(LossCE, LossHinge),
				Label: "loss", Help: "ce: cross-entropy; hinge: the paper's multi-class linear hinge loss, mean of max(0, 1 − t·out) with targets t = ±1."},
			{Name: "batch", Type: Int, Default: 100, Min: 1, Max: 5000, Log: true,
				Label: "batch size b", Unit: "examples", Help: "Minibatch size of training, and of the P = n/b batches the noise is measured on."},
			{Name: "lr", Type: Float, Default: 0.1, Min: 0, MinOpen: true, Max: 10, Log: true, Step: 0.001,
				Label: "learning rate η", Help: "Step size of plain SGD."},
			{Name: "schedule", Type: Choice, DefaultChoice: string(ScheduleConstant), Choices: choices(ScheduleConstant, ScheduleStep, ScheduleThirds),
				Label: "lr schedule", Help: "constant: η throughout; step: η multiplied by γ every stepEvery iterations; thirds: the reference code's --lr_schedule, η multiplied by γ after iters/3 and again after 2·iters/3 iterations (the reference's γ is 0.5)."},
			{Name: "stepEvery", Type: Int, Default: 1000, Min: 1, Max: 1000000, Log: true,
				Label: "step every", Unit: "iterations", Help: "Period of the step schedule."},
			{Name: "gamma", Type: Float, Default: 0.1, Min: 0, MinOpen: true, Max: 1, Step: 0.01,
				Label: "decay γ", Help: "Factor of the step schedule."},
			{Name: "order", Type: Choice, DefaultChoice: string(OrderFixed), Choices: choices(OrderFixed, OrderShuffle),
				Label: "data order", Help: "fixed: consecutive batches, cycling through the set, as the paper's code does; shuffle: a new permutation from the seed every epoch."},
			{Name: "iters", Type: Int, Default: 1000, Min: 1, Max: 1000000, Log: true,
				Label: "iterations", Unit: "steps", Help: "SGD steps to take."},
			{Name: "evalEvery", Type: Int, Default: 100, Min: 1, Max: 1000000, Log: true,
				Label: "measure every", Unit: "steps", Help: "The noise is measured at iteration 0, every evalEvery iterations and at the end."},
			{Name: "evalBatches", Type: Int, Default: 0, Min: 0, Max: 60000,
				Label: "noise batches", Unit: "batches", Help: "Minibatches the noise is measured on: 0 for all P = n/b (the paper's protocol), or fewer (at least 2) for a cheaper estimate."},
			// The reference protocol's options (docs/science.md#protocol); every default keeps
			// Tailscope's own choice, so results made before they existed are unchanged.
			{Name: "momentum", Type: Float, Default: 0, Min: 0, Max: 0.99, Step: 0.01,
				Label: "momentum", Help: "Heavy-ball momentum μ as PyTorch's SGD applies it (v ← μv + g, w ← w − ηv; the reference's --mom); 0 is plain SGD."},
			{Name: "weightDecay", Type: Float, Default: 0, Min: 0, Max: 0.1, Step: 0.0001,
				Label: "weight decay", Help: "L2 weight decay λ added to the step's gradient as PyTorch's SGD does (g + λw; the reference's --wd); the measured noise is of the loss alone, as there."},
			{Name: "lastBatch", Type: Choice, DefaultChoice: string(LastBatchDrop), Choices: choices(LastBatchDrop, LastBatchKeep),
				Label: "last batch", Help: "drop: P = ⌊n/b⌋ batches, the n mod b last examples unused; keep: the short last batch is trained on and measured, P = ⌈n/b⌉, as the reference's data loader does."},
			{Name: "stopAtFit", Type: Bool, Default: 0,
				Label: "stop at 100 %", Help: "Stop once a measurement on all batches (evalBatches 0) finds every training example classified right: one more step, then a last measurement, as the reference code does."},
			{Name: "testNoise", Type: Bool, Default: 0,
				Label: "test-set noise", Help: "Also measure the noise of the gradients over the test set's minibatches (of size b) at every measurement, as the reference code does."},
			{Name: "zeros", Type: Choice, DefaultChoice: string(ZerosSkip), Choices: choices(ZerosSkip, ZerosKeep),
				Label: "zeros in α̂", Help: "skip: the headline α̂ leaves out noise values that are exactly 0 (dead units); keep: it counts them with log(|x| + 2⁻⁵²) as the reference code does. Both values are recorded either way."},
			{Name: "count", Type: Choice, DefaultChoice: string(CountExact), Choices: choices(CountExact, CountReference),
				Label: "step count", Help: "exact: iters steps; reference: iters + 2 steps, as the reference code's loop takes (it stops after the step with index > iters)."},
			{Name: "precision", Type: Choice, DefaultChoice: string(PrecisionFloat32), Choices: choices(PrecisionFloat32, PrecisionFloat64),
				Label: "precision", Help: "float32: single precision, the fast kernels; float64: double precision, as the reference code's --double, from the seed's float32 weights widened (2× the memory, 15× the time; on the server only)."},
		},
		Presets: []Preset{
			{Name: PagePreset, Label: "Network page",
				Values: "seed=1&n=2000&testN=1000&width=64&batch=50&iters=500&evalEvery=50",
				Help:   "What a fresh Network page shows: 2000 MNIST digits, a 784-64-64-10 network, 500 steps of b = 50, the noise measured every 50 steps on all 40 batches; a few seconds in a browser (2–6 s measured in headless Chromium)."},
			{Name: "paper-mnist", Label: "the paper's MNIST setting",
				Values: "n=60000&testN=10000&width=128&iters=1000&evalEvery=100",
				Help:   "The paper's MNIST setting: all 60000 digits, a 784-128-128-10 network, b = 100, η = 0.1, 1000 steps, the noise measured every 100 steps on all 600 batches (a server run)."},
			{Name: "reference", Label: "Reference protocol",
				Values: "n=60000&testN=10000&width=100&iters=1000&evalEvery=100&lastBatch=keep&stopAtFit=1&testNoise=1&zeros=keep&count=reference&gamma=0.5",
				Help:   "Every choice of the reference code's defaults: all of MNIST, a 784-100-100-10 network, b = 100, η = 0.1 without momentum or weight decay, the short last batch kept, test-set noise measured, exact zeros counted in α̂, iters + 2 steps, a stop at 100 % training accuracy (with schedule=thirds, its --lr_schedule, γ = 0.5); float32, as its default (add precision=float64 for its --double; a server run)."},
			{Name: "alexnet", Label: "a small AlexNet",
				Values: "seed=1&arch=alexnet&ch=4&n=500&testN=200&batch=25&iters=200&evalEvery=25",
				Help:   "The reference code's AlexNet variant with 4 channels per convolution on 500 MNIST digits, 200 steps of b = 25, the noise measured every 25 steps on all 20 batches: a run of seconds in a browser (3–6 s measured in headless Chromium); the paper's AlexNet (ch 64, CIFAR-10) is a server run. At this size the net stays near chance (loss ≈ ln 10 ≈ 2.30) through these 200 steps, as it does in PyTorch with the same initialisation: the preset shows α̂ of a convolutional net's gradient noise, not a trained net (with ch = 12, b = 10, η = 0.05 and 1200 steps it learns on some seeds, seed 1 among them)."},
			{Name: "big-batch", Label: "a bigger batch is not more Gaussian",
				Values: "seed=1&n=2000&testN=1000&width=64&batch=500&iters=500&evalEvery=50",
				Help:   "The page's run with batches ten times larger (b = 500): if the noise were a sum of many small terms it would turn Gaussian (α̂ → 2); α̂ stays near 1.3."},
			{Name: "curious-jumps", Label: "curious jumps",
				Values: "seed=1&n=2000&testN=1000&width=64&depth=6&batch=50&lr=0.05&iters=600&evalEvery=25",
				Help:   "A deeper network (six layers) with a smaller step: training sits on a plateau at chance level while α̂ falls from about 1.33 to 1.21, then the accuracy jumps (iteration 250 with seed 1)."},
		},
		Check: checkMLP,
	}, MLPParams{})
}

// Dataset is the data an "mlp" run trains on.
type Dataset string

const (
	DatasetMNIST   Dataset = "mnist"   // handwritten digits, 784 pixels, 10 classes
	DatasetBlobs   Dataset = "blobs"   // three Gaussian blobs in the plane
	DatasetSpirals Dataset = "spirals" // two interleaved spirals in the plane
	// The CIFAR sets, 3×32×32 colour images, are downloaded into the server's data
	// directory first (sim/data/download); the spec is valid without them, the run fails
	// with the command to get them.
	DatasetCIFAR10  Dataset = "cifar10"  // 10 classes
	DatasetCIFAR100 Dataset = "cifar100" // 100 fine classes
)

// Examples returns the sizes of the dataset's full training and test sets; 0 for the
// synthetic sets, which are drawn at any size.
func (d Dataset) Examples() (train, test int) {
	switch d {
	case DatasetMNIST:
		return 60000, 10000
	case DatasetCIFAR10, DatasetCIFAR100:
		return 50000, 10000
	}
	return 0, 0
}

// Subset is which n examples an "mlp" run takes.
type Subset string

const (
	SubsetFirst    Subset = "first"    // the first n
	SubsetBalanced Subset = "balanced" // the first n/10 of each class
)

// Loss is the training loss of an "mlp" run.
type Loss string

const (
	LossCE    Loss = "ce"    // cross-entropy
	LossHinge Loss = "hinge" // the paper's multi-class linear hinge loss
)

// Schedule is the learning-rate schedule of an "mlp" run.
type Schedule string

const (
	ScheduleConstant Schedule = "constant" // η throughout
	ScheduleStep     Schedule = "step"     // η·γ every StepEvery iterations
	// η·γ after Iters/3 and again after 2·Iters/3 iterations: the reference code's
	// MultiStepLR stepped with the iteration index after each step (see ThirdsLR).
	ScheduleThirds Schedule = "thirds"
)

// LastBatch is what an "mlp" run does with the n mod b examples past the last full batch.
type LastBatch string

const (
	LastBatchDrop LastBatch = "drop" // P = ⌊n/b⌋ full batches; the rest is unused
	LastBatchKeep LastBatch = "keep" // P = ⌈n/b⌉, the last one short, as PyTorch's DataLoader
)

// Zeros is whether the headline α̂ of an "mlp" run counts noise values that are exactly 0.
type Zeros string

const (
	ZerosSkip Zeros = "skip" // Tailscope's choice: exact zeros left out
	ZerosKeep Zeros = "keep" // the reference's: log(|x| + 2⁻⁵²) of every value
)

// Count is how many steps an "mlp" run takes for its iters.
type Count string

const (
	CountExact     Count = "exact"     // iters steps
	CountReference Count = "reference" // iters + 2 steps, as the reference code's loop
)

// Order is the order in which an "mlp" run visits its training data.
type Order string

const (
	OrderFixed   Order = "fixed"   // consecutive batches, cycling, as the paper's code does
	OrderShuffle Order = "shuffle" // a new permutation from the seed every epoch
)

// Arch is the network architecture of an "mlp" run.
type Arch string

const (
	ArchFC      Arch = "fc"      // fully connected ReLU network without biases
	ArchAlexNet Arch = "alexnet" // the reference code's AlexNet variant, on image datasets
)

// Float64WorkFactor is what a float64 multiply-add counts for in an mlp run's work, in float32
// ones: a step of the 784-128-128-10 network at b = 100 takes about 15 times the CPU time in
// float64 (gonum's Dgemm) as in float32 (sim/kernel's SIMD kernels); sim/README.md.
const Float64WorkFactor = 16

// Precision is the floating-point type an "mlp" run trains in.
type Precision string

const (
	PrecisionFloat32 Precision = "float32" // Tailscope's and the reference's default
	PrecisionFloat64 Precision = "float64" // the reference's --double; native builds only
)

// MLPParams are the parameters of the "mlp" kind.
type MLPParams struct {
	Dataset     Dataset  `spec:"dataset"`
	Subset      Subset   `spec:"subset"`
	N           int      `spec:"n"`     // training examples
	TestN       int      `spec:"testN"` // test examples
	Width       int      `spec:"width"` // units per hidden layer
	Depth       int      `spec:"depth"` // linear layers (2: one hidden layer)
	Arch        Arch     `spec:"arch"`  // fc (Width, Depth) or alexnet (Ch)
	Ch          int      `spec:"ch"`    // AlexNet's channel scale
	Loss        Loss     `spec:"loss"`
	Batch       int      `spec:"batch"` // minibatch size b
	LR          float64  `spec:"lr"`    // learning rate η
	Schedule    Schedule `spec:"schedule"`
	StepEvery   int      `spec:"stepEvery"`   // period of the step schedule
	Gamma       float64  `spec:"gamma"`       // factor of the step schedule
	Order       Order    `spec:"order"`       // data order
	Iters       int      `spec:"iters"`       // SGD steps
	EvalEvery   int      `spec:"evalEvery"`   // iterations between noise measurements
	EvalBatches int      `spec:"evalBatches"` // minibatches the noise is measured on; 0: all (use NoiseBatches)
	// The reference protocol's options; their defaults are Tailscope's own choices.
	Momentum    float64   `spec:"momentum"`    // heavy-ball momentum, PyTorch's form
	WeightDecay float64   `spec:"weightDecay"` // L2 weight decay added to the step's gradient
	LastBatch   LastBatch `spec:"lastBatch"`   // drop or keep the short last batch
	StopAtFit   bool      `spec:"stopAtFit"`   // stop at 100 % training accuracy
	TestNoise   bool      `spec:"testNoise"`   // also measure the test set's noise
	Zeros       Zeros     `spec:"zeros"`       // what the headline α̂ does with exact zeros
	Count       Count     `spec:"count"`       // iters or iters + 2 steps
	Precision   Precision `spec:"precision"`   // float32 or float64 training
}

// Batches returns the number of minibatches of size b in m examples: ⌊m/b⌋, or ⌈m/b⌉ when
// the short last batch is kept.
func (p MLPParams) Batches(m int) int {
	if p.LastBatch == LastBatchKeep {
		return (m + p.Batch - 1) / p.Batch
	}
	return m / p.Batch
}

// Steps returns the SGD steps a run takes at most: Iters, or Iters + 2 with count
// "reference".
func (p MLPParams) Steps() int {
	if p.Count == CountReference {
		return p.Iters + 2
	}
	return p.Iters
}

// LRAt returns the learning rate of step k (0-based) under the spec's schedule.
func (p MLPParams) LRAt(k int) float64 {
	switch p.Schedule {
	case ScheduleStep:
		return p.LR * math.Pow(p.Gamma, float64(k/p.StepEvery))
	case ScheduleThirds:
		return p.ThirdsLR(k)
	}
	return p.LR
}

// ThirdsLR returns the learning rate of step k (0-based) of the "thirds" schedule, as the
// reference code's MultiStepLR(milestones = [T, 2T], T = ⌊iters/3⌋) gives it when stepped
// with scheduler.step(i) after step i: lr·γ^c with c the milestones ≤ max(k − 1, 0).
func (p MLPParams) ThirdsLR(k int) float64 {
	t := p.Iters / 3
	last := max(k-1, 0)
	lr := p.LR
	for _, m := range []int{t, 2 * t} {
		if m <= last {
			lr *= p.Gamma
		}
	}
	return lr
}

// TestBatches returns the minibatches the test set's noise is measured on (all of them).
func (p MLPParams) TestBatches() int { return p.Batches(p.TestN) }

// MLP returns the parameters of an "mlp" spec; it fails if s is of another kind.
func (s Spec) MLP() (MLPParams, error) {
	var p MLPParams
	return p, decodeTyped(s, "mlp", &p)
}

// Spec returns the "mlp" spec of p and seed, validated.
func (p MLPParams) Spec(seed uint64) (Spec, error) { return encodeTyped("mlp", seed, p) }

// NoiseBatches returns how many minibatches the noise is measured on: EvalBatches, or all
// P = n/b of them when it is 0 (the paper's protocol).
func (p MLPParams) NoiseBatches() int {
	if p.EvalBatches == 0 {
		return p.Batches(p.N)
	}
	return p.EvalBatches
}

// Evaluations returns how many evaluations a run records at most: at iteration 0, every
// EvalEvery iterations and at the end.
func (p MLPParams) Evaluations() int { return p.Steps()/p.EvalEvery + 2 }

// Shape returns the input dimension and the number of classes of the dataset.
func (d Dataset) Shape() (dim, classes int) {
	switch d {
	case DatasetMNIST:
		return 784, 10
	case DatasetCIFAR10:
		return 3072, 10
	case DatasetCIFAR100:
		return 3072, 100
	case DatasetBlobs:
		return 2, 3
	}
	return 2, 2
}

// MLPShape returns the input dimension and the number of classes of the dataset.
func MLPShape(dataset string) (dim, classes int) { return Dataset(dataset).Shape() }

// MLPCost returns the memory (bytes) and work (multiply-adds) a valid mlp spec needs,
// as checkMLP estimates them; it is (0, 0) for a spec of another kind.
func MLPCost(s Spec) (bytes, work float64) {
	p, err := s.MLP()
	if err != nil {
		return 0, 0
	}
	return p.Cost()
}

// ImageShape returns the image shape (channels, height, width) of the dataset's inputs;
// ok is false for the synthetic sets, which are points in the plane.
func (d Dataset) ImageShape() (c, h, w int, ok bool) {
	switch d {
	case DatasetMNIST:
		return 1, 28, 28, true
	case DatasetCIFAR10, DatasetCIFAR100:
		return 3, 32, 32, true
	}
	return 0, 0, 0, false
}

// alexNetSize returns the parameters, the multiply-adds of one example's forward pass and
// the values held per example (activations, their gradients and the im2col matrices) of
// the AlexNet variant (sim/convnet.AlexNet) with channel scale ch on c×h×w inputs.
func alexNetSize(c, h, w, ch, classes int) (params, macs, held float64) {
	conv := func(out, k, stride, pad int) {
		oh, ow := (h+2*pad-k)/stride+1, (w+2*pad-k)/stride+1
		ckk := float64(c * k * k)
		params += float64(out)*ckk + float64(out)
		macs += float64(out) * ckk * float64(oh*ow)
		held += ckk*float64(oh*ow) + 4*float64(out*oh*ow) // im2col, conv and ReLU outputs and gradients
		c, h, w = out, oh, ow
	}
	pool := func() {
		h, w = (h-3)/2+1, (w-3)/2+1
		held += 2 * float64(c*h*w)
	}
	conv(ch, 4, 2, 2)
	pool()
	conv(ch, 5, 1, 2)
	pool()
	conv(ch, 3, 1, 1)
	conv(ch, 3, 1, 1)
	conv(ch, 3, 1, 1)
	pool()
	size := c * h * w
	width := size * bits.Len(uint(size))
	for _, io := range [][2]int{{size, width}, {width, width}, {width, classes}} {
		params += float64(io[0]*io[1] + io[1])
		macs += float64(io[0] * io[1])
		held += 6 * float64(io[1])
	}
	return params, macs, held
}

// Cost returns the memory (bytes) and work (multiply-adds) a run of p needs, as the kind's
// check estimates them.
func (p MLPParams) Cost() (bytes, work float64) {
	dim, classes := p.Dataset.Shape()
	n, testN, b := float64(p.N), float64(p.TestN), float64(p.Batch)
	var M, fwd, held float64 // parameters, multiply-adds of one example's forward pass, values held per example
	if c, h, w, ok := p.Dataset.ImageShape(); ok && p.Arch == ArchAlexNet {
		M, fwd, held = alexNetSize(c, h, w, p.Ch, classes)
	} else {
		w, depth := float64(p.Width), float64(p.Depth)
		M = float64(dim)*w + (depth-2)*w*w + w*float64(classes)
		fwd, held = M, 2*(float64(dim)+w*(depth-1)+float64(classes))
	}
	used := float64(p.NoiseBatches())
	iters := float64(p.Steps())
	evals := float64(p.Evaluations())
	// Weights and gradient (float32), the mean gradient and a noise vector (float64), the
	// data (float32 features, plus the uint8 pixels of MNIST), the activations of a batch.
	// In float64 the trainer keeps a float64 copy of the network beside the float32 one it
	// was widened from: its parameter vectors at 8 bytes each, and float64 activations.
	bytes = 28*M + 5*(n+testN)*float64(dim) + 4*b*held
	if p.Precision == PrecisionFloat64 {
		bytes += 20*M + 4*b*held
	}
	// A gradient costs three times a forward pass.
	train := 3 * b * fwd * iters
	eval := evals * (2*used*3*b*fwd + testN*fwd)
	if p.TestNoise {
		eval += evals * 2 * float64(p.TestBatches()) * 3 * b * fwd
	}
	if p.Precision == PrecisionFloat64 {
		return bytes, Float64WorkFactor * (train + eval)
	}
	return bytes, train + eval
}

func checkMLP(s Spec) error {
	p, err := s.MLP()
	if err != nil {
		return err
	}
	n, b := p.N, p.Batch
	if _, _, _, ok := p.Dataset.ImageShape(); p.Arch == ArchAlexNet && !ok {
		return fieldErrorf("arch", "alexnet needs images (mnist, cifar10, cifar100), not %s", p.Dataset)
	}
	if trainN, testN := p.Dataset.Examples(); trainN > 0 && n > trainN {
		return fieldErrorf("n", "%s has %d training examples, got %d", p.Dataset, trainN, n)
	} else if testN > 0 && p.TestN > testN {
		return fieldErrorf("testN", "%s has %d test examples, got %d", p.Dataset, testN, p.TestN)
	}
	if b*2 > n {
		return fieldErrorf("batch", "must leave at least 2 batches to measure noise on: at most n/2 = %d, got %d", n/2, b)
	}
	if eb, all := p.EvalBatches, p.Batches(n); eb == 1 || eb > all {
		return fieldErrorf("evalBatches", "must be 0 (all) or 2 … n/b = %d, got %d", all, eb)
	}
	if evals := p.Evaluations(); p.TestNoise && 2*evals > MLPMaxEvaluations {
		// A test-set measurement doubles an evaluation's size.
		return fieldErrorf("evalEvery", "with testNoise the run would record %d evaluations, more than the %d a result may hold; take evalEvery ≥ %d",
			evals, MLPMaxEvaluations/2, p.Steps()/(MLPMaxEvaluations/2-1)+1)
	}
	if p.TestNoise && p.TestBatches() < 2 {
		return fieldErrorf("testNoise", "the test set's noise needs at least 2 batches: testN ≥ 2b = %d, got %d", 2*b, p.TestN)
	}
	if evals := p.Evaluations(); evals > MLPMaxEvaluations {
		return fieldErrorf("evalEvery", "the run would record %d evaluations, more than the %d a result may hold; take evalEvery ≥ %d",
			evals, MLPMaxEvaluations, p.Iters/(MLPMaxEvaluations-1)+1)
	}
	bytes, work := p.Cost()
	if limit := MLPMemoryLimit(); bytes > float64(limit) {
		field := "width"
		dim, _ := p.Dataset.Shape()
		if 5*float64(p.N+p.TestN)*float64(dim) > bytes/2 {
			field = "n"
		}
		return fieldErrorf(field, "the run would need about %.0f MiB, more than the %d MiB a run may use", bytes/(1<<20), limit>>20)
	}
	if limit := MLPWorkLimit(); work > limit {
		once := p
		once.EvalEvery = p.Iters + 1
		_, base := once.Cost()
		field := "iters"
		if work-base > base {
			field = "evalEvery"
		}
		return fieldErrorf(field, "the run would need about %.2g multiply-adds, more than the %.2g a run may use (fewer iterations, a larger evalEvery, fewer evalBatches or a narrower network)", work, limit)
	}
	return nil
}
