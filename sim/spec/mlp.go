package spec

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

// The "mlp" kind: train a fully connected ReLU network without biases with SGD and measure
// the tail index of its gradient noise as Şimşekli et al. (2019) do (docs/science.md#protocol).
func init() {
	register(&Kind{
		Name:  "mlp",
		Label: "Network noise",
		Help:  "Train a small fully connected network with SGD and measure, every few iterations, the tail index α of its stochastic gradient noise.",
		Params: []Param{
			{Name: "dataset", Type: Choice, DefaultChoice: "mnist", Choices: []string{"mnist", "blobs", "spirals"},
				Label: "dataset", Help: "mnist: handwritten digits (normalised with mean 0.1307, std 0.3081); blobs: three Gaussian blobs in the plane; spirals: two interleaved spirals (synthetic sets are drawn from the seed)."},
			{Name: "subset", Type: Choice, DefaultChoice: "first", Choices: []string{"first", "balanced"},
				Label: "subset", Help: "Which n training (and test) examples: the first n, or the first n/10 of each class (MNIST; synthetic sets are balanced anyway)."},
			{Name: "n", Type: Int, Default: 10000, Min: 100, Max: 60000, Log: true,
				Label: "training examples", Unit: "examples", Help: "Size of the training set; MNIST has 60000."},
			{Name: "testN", Type: Int, Default: 2000, Min: 100, Max: 10000, Log: true,
				Label: "test examples", Unit: "examples", Help: "Size of the test set; MNIST's has 10000."},
			{Name: "width", Type: Int, Default: 100, Min: 4, Max: 1024, Log: true,
				Label: "width", Unit: "units", Help: "Units in each hidden layer."},
			{Name: "depth", Type: Int, Default: 3, Min: 2, Max: 10,
				Label: "depth", Unit: "layers", Help: "Number of linear layers: 2 is one hidden layer."},
			{Name: "loss", Type: Choice, DefaultChoice: "ce", Choices: []string{"ce", "hinge"},
				Label: "loss", Help: "ce: cross-entropy; hinge: the paper's multi-class linear hinge loss, mean of max(0, 1 − t·out) with targets t = ±1."},
			{Name: "batch", Type: Int, Default: 100, Min: 1, Max: 5000, Log: true,
				Label: "batch size b", Unit: "examples", Help: "Minibatch size of training, and of the P = n/b batches the noise is measured on."},
			{Name: "lr", Type: Float, Default: 0.1, Min: 0, MinOpen: true, Max: 10, Log: true, Step: 0.001,
				Label: "learning rate η", Help: "Step size of plain SGD."},
			{Name: "schedule", Type: Choice, DefaultChoice: "constant", Choices: []string{"constant", "step"},
				Label: "lr schedule", Help: "constant: η throughout; step: η multiplied by γ every stepEvery iterations."},
			{Name: "stepEvery", Type: Int, Default: 1000, Min: 1, Max: 1000000, Log: true,
				Label: "step every", Unit: "iterations", Help: "Period of the step schedule."},
			{Name: "gamma", Type: Float, Default: 0.1, Min: 0, MinOpen: true, Max: 1, Step: 0.01,
				Label: "decay γ", Help: "Factor of the step schedule."},
			{Name: "order", Type: Choice, DefaultChoice: "fixed", Choices: []string{"fixed", "shuffle"},
				Label: "data order", Help: "fixed: consecutive batches, cycling through the set, as the paper's code does; shuffle: a new permutation from the seed every epoch."},
			{Name: "iters", Type: Int, Default: 1000, Min: 1, Max: 1000000, Log: true,
				Label: "iterations", Unit: "steps", Help: "SGD steps to take."},
			{Name: "evalEvery", Type: Int, Default: 100, Min: 1, Max: 1000000, Log: true,
				Label: "measure every", Unit: "steps", Help: "The noise is measured at iteration 0, every evalEvery iterations and at the end."},
			{Name: "evalBatches", Type: Int, Default: 0, Min: 0, Max: 60000,
				Label: "noise batches", Unit: "batches", Help: "Minibatches the noise is measured on: 0 for all P = n/b (the paper's protocol), or fewer (at least 2) for a cheaper estimate."},
		},
		Check: checkMLP,
	})
}

// MLPShape returns the input dimension and the number of classes of the dataset.
func MLPShape(dataset string) (dim, classes int) {
	switch dataset {
	case "mnist":
		return 784, 10
	case "blobs":
		return 2, 3
	}
	return 2, 2
}

// MLPCost returns the memory (bytes) and work (multiply-adds) a valid mlp spec needs,
// as checkMLP estimates them.
func MLPCost(s Spec) (bytes, work float64) {
	dim, classes := MLPShape(s.Choice("dataset"))
	w, depth := float64(s.Int("width")), float64(s.Int("depth"))
	M := float64(dim)*w + (depth-2)*w*w + w*float64(classes)
	n, testN, b := float64(s.Int("n")), float64(s.Int("testN")), float64(s.Int("batch"))
	used := float64(s.Int("evalBatches"))
	if used == 0 {
		used = float64(s.Int("n") / s.Int("batch"))
	}
	iters := float64(s.Int("iters"))
	evals := float64(s.Int("iters")/s.Int("evalEvery")) + 2
	// Weights and gradient (float32), the mean gradient and a noise vector (float64), the
	// data (float32 features, plus the uint8 pixels of MNIST), two sets of activations.
	bytes = 28*M + 5*(n+testN)*float64(dim) + 2*4*b*(float64(dim)+w*(depth-1)+float64(classes))
	// A gradient costs three products of b·M multiply-adds; a forward pass one.
	train := 3 * b * M * iters
	eval := evals * (2*used*3*b*M + testN*M)
	return bytes, train + eval
}

func checkMLP(s Spec) error {
	n, b := s.Int("n"), s.Int("batch")
	if b*2 > n {
		return fieldErrorf("batch", "must leave at least 2 batches to measure noise on: at most n/2 = %d, got %d", n/2, b)
	}
	if eb := s.Int("evalBatches"); eb == 1 || eb > n/b {
		return fieldErrorf("evalBatches", "must be 0 (all) or 2 … n/b = %d, got %d", n/b, eb)
	}
	if evals := s.Int("iters")/s.Int("evalEvery") + 2; evals > MLPMaxEvaluations {
		return fieldErrorf("evalEvery", "the run would record %d evaluations, more than the %d a result may hold; take evalEvery ≥ %d",
			evals, MLPMaxEvaluations, s.Int("iters")/(MLPMaxEvaluations-1)+1)
	}
	bytes, work := MLPCost(s)
	if bytes > MLPMaxBytes {
		field := "width"
		dim, _ := MLPShape(s.Choice("dataset"))
		if 5*float64(s.Int("n")+s.Int("testN"))*float64(dim) > bytes/2 {
			field = "n"
		}
		return fieldErrorf(field, "the run would need about %.0f MiB, more than the %d MiB a run may use", bytes/(1<<20), MLPMaxBytes>>20)
	}
	if work > MLPMaxWork {
		_, base := MLPCost(withInt(s, "evalEvery", s.Int("iters")+1))
		field := "iters"
		if work-base > base {
			field = "evalEvery"
		}
		return fieldErrorf(field, "the run would need about %.2g multiply-adds, more than the %.0g a run may use (fewer iterations, a larger evalEvery, fewer evalBatches or a narrower network)", work, MLPMaxWork)
	}
	return nil
}

func withInt(s Spec, name string, v int) Spec {
	c := s.Clone()
	c.ensureParams()
	c.Params[name] = Value{Num: float64(v)}
	return c
}
