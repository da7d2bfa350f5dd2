// Package mlpstep is the Go side of peerbench's training-step benchmark: a fully connected ReLU
// network without biases, float32, softmax cross-entropy, plain SGD, whose every dense product
// goes through sim/kernel. It stands in for sim/nn (issue #5) until that lands, and is kept
// to the same conventions: weights stored in×out, forward x·W, backward dW = xᵀ·dy
// (MatMulTransA) and dx = dy·Wᵀ (MatMulTransB).
package mlpstep

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tailscope/tailscope/sim/kernel"
)

// Net is an MLP with layer sizes Sizes (input first, classes last) and batch size Batch.
type Net struct {
	Sizes []int
	Batch int
	W     [][]float32 // W[l] is Sizes[l]×Sizes[l+1], row-major
	G     [][]float32 // gradient of the mean loss for W[l], filled by Grad

	// Ref selects sim/kernel's reference loops instead of the fast kernels.
	Ref bool

	act   [][]float32 // act[0] is the input (the caller's slice); act[l] = relu(act[l-1]·W[l-1]), logits last
	delta [][]float32 // gradient of the loss for act[l]
}

// New makes a network with He-normal weights drawn from seed.
func New(sizes []int, batch int, seed uint64) (*Net, error) {
	if len(sizes) < 2 {
		return nil, fmt.Errorf("mlpstep: need at least 2 layer sizes, got %v", sizes)
	}
	for _, s := range sizes {
		if s < 1 {
			return nil, fmt.Errorf("mlpstep: layer size %d in %v is not positive", s, sizes)
		}
	}
	if batch < 1 {
		return nil, fmt.Errorf("mlpstep: batch %d is not positive", batch)
	}
	r := rand.New(rand.NewPCG(seed, 0x6d6c70))
	n := &Net{Sizes: append([]int(nil), sizes...), Batch: batch}
	for l := 0; l+1 < len(sizes); l++ {
		w := make([]float32, sizes[l]*sizes[l+1])
		sd := math.Sqrt(2 / float64(sizes[l]))
		for i := range w {
			w[i] = float32(r.NormFloat64() * sd)
		}
		n.W = append(n.W, w)
		n.G = append(n.G, make([]float32, len(w)))
	}
	for l, s := range sizes {
		if l == 0 {
			n.act = append(n.act, nil)
		} else {
			n.act = append(n.act, make([]float32, batch*s))
		}
		n.delta = append(n.delta, make([]float32, batch*s))
	}
	return n, nil
}

func (n *Net) matMul(c, a, b []float32, m, k, p int) {
	if n.Ref {
		kernel.MatMulRef(c, a, b, m, k, p)
	} else {
		kernel.MatMul(c, a, b, m, k, p)
	}
}

func (n *Net) matMulTransA(c, a, b []float32, m, k, p int) {
	if n.Ref {
		kernel.MatMulTransARef(c, a, b, m, k, p)
	} else {
		kernel.MatMulTransA(c, a, b, m, k, p)
	}
}

func (n *Net) matMulTransB(c, a, b []float32, m, k, p int) {
	if n.Ref {
		kernel.MatMulTransBRef(c, a, b, m, k, p)
	} else {
		kernel.MatMulTransB(c, a, b, m, k, p)
	}
}

// Grad computes the mean softmax cross-entropy loss of the batch x (Batch×Sizes[0]) with
// labels y, and its gradient for every weight matrix into G.
func (n *Net) Grad(x []float32, y []int) (float64, error) {
	b, L := n.Batch, len(n.W)
	if len(x) != b*n.Sizes[0] || len(y) != b {
		return 0, fmt.Errorf("mlpstep: batch of %d inputs and %d labels, want %d×%d and %d", len(x), len(y), b, n.Sizes[0], b)
	}
	n.act[0] = x // read only: no copy
	for l := 0; l < L; l++ {
		in, out := n.Sizes[l], n.Sizes[l+1]
		n.matMul(n.act[l+1], n.act[l], n.W[l], b, in, out)
		if l+1 < L {
			act := n.act[l+1]
			for i, v := range act {
				if v < 0 {
					act[i] = 0
				}
			}
		}
	}
	// Softmax cross-entropy: loss = mean(logsumexp(z) − z_y); dz = (softmax(z) − onehot(y))/b.
	classes := n.Sizes[L]
	logits, dz := n.act[L], n.delta[L]
	var loss float64
	for i := 0; i < b; i++ {
		if y[i] < 0 || y[i] >= classes {
			return 0, fmt.Errorf("mlpstep: label %d of example %d is not in [0, %d)", y[i], i, classes)
		}
		z := logits[i*classes : i*classes+classes]
		d := dz[i*classes : i*classes+classes]
		zmax := z[0]
		for _, v := range z {
			zmax = max(zmax, v)
		}
		var sum float64
		for j, v := range z {
			e := math.Exp(float64(v - zmax))
			d[j] = float32(e)
			sum += e
		}
		loss += math.Log(sum) + float64(zmax-z[y[i]])
		for j := range d {
			d[j] = float32(float64(d[j]) / sum / float64(b))
		}
		d[y[i]] -= float32(1 / float64(b))
	}
	for l := L - 1; l >= 0; l-- {
		in, out := n.Sizes[l], n.Sizes[l+1]
		n.matMulTransA(n.G[l], n.act[l], n.delta[l+1], in, b, out)
		if l > 0 {
			n.matMulTransB(n.delta[l], n.delta[l+1], n.W[l], b, out, in)
			for i, a := range n.act[l] {
				if a <= 0 {
					n.delta[l][i] = 0
				}
			}
		}
	}
	return loss / float64(b), nil
}

// Step does one SGD step with learning rate lr and returns the loss before it.
func (n *Net) Step(x []float32, y []int, lr float32) (float64, error) {
	loss, err := n.Grad(x, y)
	if err != nil {
		return 0, err
	}
	for l, w := range n.W {
		kernel.Axpy(w, n.G[l], -lr)
	}
	return loss, nil
}

// RandomBatch makes a batch of inputs uniform in [0, 1) (like scaled pixels) and labels
// uniform over the classes, from seed.
func RandomBatch(batch, inputs, classes int, seed uint64) ([]float32, []int) {
	r := rand.New(rand.NewPCG(seed, 0x626174))
	x := make([]float32, batch*inputs)
	for i := range x {
		x[i] = r.Float32()
	}
	y := make([]int, batch)
	for i := range y {
		y[i] = r.IntN(classes)
	}
	return x, y
}
