//go:build !js

package convnet

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/tailscope/tailscope/sim/nn"
)

// TestGradientFiniteDifferences64 checks the float64 backward pass of every layer type
// (dropout in training mode included) against central differences (h = 1e-5) of the float64
// reference forward64: |Δ| ≤ 1e-8 + 1e-6·|fd|, about a thousand times tighter than the
// float32 test's bound.
func TestGradientFiniteDifferences64(t *testing.T) {
	cases := []struct {
		name   string
		in     Shape
		layers []Layer
		train  bool
		loss   nn.Loss
	}{
		{"conv-stride-pad", Shape{2, 6, 7}, []Layer{{Op: Conv, Out: 3, K: 4, Stride: 2, Pad: 2}, {Op: Conv, Out: 2, K: 3, Stride: 1, Pad: 1}, {Op: Linear, Out: 3}}, false, nn.CrossEntropy},
		{"maxpool-relu", Shape{2, 7, 7}, []Layer{{Op: Conv, Out: 2, K: 2, Stride: 1, Pad: 0}, {Op: ReLU}, {Op: MaxPool, K: 3, Stride: 2}, {Op: Linear, Out: 3}}, false, nn.Hinge},
		{"dropout", Shape{3, 2, 2}, []Layer{{Op: Linear, Out: 8}, {Op: ReLU}, {Op: Dropout, P: 0.5}, {Op: Linear, Out: 3}}, true, nn.CrossEntropy},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n32, err := New(c.in, c.layers, 3)
			if err != nil {
				t.Fatal(err)
			}
			checkGradient64(t, n32, c.loss, c.train, 3)
		})
	}
	t.Run("alexnet-mnist", func(t *testing.T) {
		n32, err := AlexNet(MNISTShape, 2, 10, 5)
		if err != nil {
			t.Fatal(err)
		}
		checkGradient64(t, n32, nn.CrossEntropy, true, 2)
	})
}

func checkGradient64(t *testing.T, n32 *Net, loss nn.Loss, train bool, b int) {
	t.Helper()
	net, err := Widen(n32)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	x, y := randInput(r, b, net.Input, net.Classes())
	ws := net.NewWorkspace(b + 1)
	if train {
		ws.SetDropout(rand.NewPCG(7, 8))
	}
	grad := make([]float64, net.NumParams())
	st, err := ws.Gradient(net, loss, x, y, grad)
	if err != nil {
		t.Fatal(err)
	}
	var masks [][]float32
	if train {
		for _, m := range ws.mask {
			m32 := make([]float32, len(m))
			for i, v := range m {
				m32[i] = float32(v) // 0 or 2: exact
			}
			masks = append(masks, m32)
		}
	}
	p := append([]float64(nil), net.Params...)
	if l64 := forward64(n32, p, loss, x, y, masks); math.Abs(l64-st.Loss) > 1e-13*max(1, math.Abs(l64)) {
		t.Fatalf("loss %v, float64 reference %v", st.Loss, l64)
	}
	const h = 1e-5
	worst := 0.0
	for i := range p {
		save := p[i]
		p[i] = save + h
		up := forward64(n32, p, loss, x, y, masks)
		p[i] = save - h
		down := forward64(n32, p, loss, x, y, masks)
		p[i] = save
		fd := (up - down) / (2 * h)
		d := math.Abs(grad[i] - fd)
		worst = max(worst, d)
		if d > 1e-8+1e-6*math.Abs(fd) {
			t.Fatalf("parameter %d: gradient %.12g, finite difference %.12g", i, grad[i], fd)
		}
	}
	t.Logf("%d parameters, worst |g − fd| %.2g", len(p), worst)
}

// doubleFixture is one case of testdata/alexnet_double.json (gen_double_fixtures.py,
// PyTorch 1.13 in double precision).
type doubleFixture struct {
	Name      string  `json:"name"`
	Shape     []int   `json:"shape"`
	Ch        int     `json:"ch"`
	Classes   int     `json:"classes"`
	Loss      string  `json:"loss"`
	LR        float64 `json:"lr"`
	Steps     int     `json:"steps"`
	Labels    []uint8 `json:"labels"`
	LossValue float64 `json:"loss_value"`
	Weights   string  `json:"weights"`
	Input     string  `json:"input"`
	Logits    string  `json:"logits"`
	Grad      string  `json:"grad"`
	After     string  `json:"after"`
}

func decodeF64(t *testing.T, s string) []float64 {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b)%8 != 0 {
		t.Fatalf("fixture array: %v (%d bytes)", err, len(b))
	}
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}

// closeTo64 fails unless got and want agree within tol·(1 + |want|) everywhere.
func closeTo64(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, PyTorch %d", what, len(got), len(want))
	}
	worst := 0.0
	for i := range got {
		d := math.Abs(got[i] - want[i])
		worst = max(worst, d)
		if d > tol*(1+math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %.17g, PyTorch %.17g", what, i, got[i], want[i])
		}
	}
	t.Logf("%s: %d values, worst difference %.2g", what, len(got), worst)
}

// TestMatchesPyTorchDouble loads PyTorch's float32-drawn weights (converted with .double())
// into the float64 AlexNet and compares, in double precision and evaluation mode, the logits,
// the loss, the gradient and the weights after three plain SGD steps: all agree to 1e-12
// relative (1e-12·(1 + |value|)), where float32 agrees to 1e-6 at best.
func TestMatchesPyTorchDouble(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "alexnet_double.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fixtures []doubleFixture
	if err := json.Unmarshal(raw, &fixtures); err != nil {
		t.Fatal(err)
	}
	if len(fixtures) != 2 {
		t.Fatalf("%d fixtures, want 2", len(fixtures))
	}
	const tol = 1e-12
	for _, f := range fixtures {
		t.Run(f.Name, func(t *testing.T) {
			loss, err := nn.ParseLoss(f.Loss)
			if err != nil {
				t.Fatal(err)
			}
			n32, err := AlexNet(Shape{f.Shape[0], f.Shape[1], f.Shape[2]}, f.Ch, f.Classes, 0)
			if err != nil {
				t.Fatal(err)
			}
			net, err := Widen(n32)
			if err != nil {
				t.Fatal(err)
			}
			w := decodeF64(t, f.Weights)
			if len(w) != net.NumParams() {
				t.Fatalf("PyTorch's net has %d parameters, ours %d", len(w), net.NumParams())
			}
			copy(net.Params, w)
			x64 := decodeF64(t, f.Input)
			x := make([]float32, len(x64))
			for i, v := range x64 {
				x[i] = float32(v)
				if float64(x[i]) != v {
					t.Fatalf("input %d = %v is not a float32", i, v)
				}
			}
			ws := net.NewWorkspace(len(f.Labels))
			st, out, err := ws.Forward(net, loss, x, f.Labels)
			if err != nil {
				t.Fatal(err)
			}
			closeTo64(t, "logits", out, decodeF64(t, f.Logits), tol)
			if math.Abs(st.Loss-f.LossValue) > tol*(1+math.Abs(f.LossValue)) {
				t.Fatalf("loss %.17g, PyTorch %.17g", st.Loss, f.LossValue)
			}
			grad := make([]float64, net.NumParams())
			for s := 0; s < f.Steps; s++ {
				if _, err := ws.Gradient(net, loss, x, f.Labels, grad); err != nil {
					t.Fatal(err)
				}
				if s == 0 {
					closeTo64(t, "gradient", grad, decodeF64(t, f.Grad), tol)
					nonzero := 0
					for _, g := range grad {
						if g != 0 {
							nonzero++
						}
					}
					if nonzero < len(grad)/2 {
						t.Fatalf("only %d of %d gradient values are not zero", nonzero, len(grad))
					}
				}
				net.SGD(grad, f.LR)
			}
			closeTo64(t, "weights after the steps", net.Params, decodeF64(t, f.After), tol)
		})
	}
}
