package convnet

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/tailscope/tailscope/sim/nn"
)

// torchFixture is one file written by testdata/gen_fixtures.py with PyTorch 1.13.
type torchFixture struct {
	Name      string  `json:"name"`
	Shape     []int   `json:"shape"`
	Ch        int     `json:"ch"`
	Classes   int     `json:"classes"`
	Loss      string  `json:"loss"`
	LR        float64 `json:"lr"`
	Labels    []uint8 `json:"labels"`
	LossValue float64 `json:"loss_value"`
	Weights   string  `json:"weights"`
	Input     string  `json:"input"`
	Logits    string  `json:"logits"`
	Grad      string  `json:"grad"`
	Stepped   string  `json:"stepped"`
}

func decodeF32(t *testing.T, s string) []float32 {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b)%4 != 0 {
		t.Fatalf("fixture array: %v (%d bytes)", err, len(b))
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// closeTo fails unless got and want agree within atol + rtol·|want| everywhere.
func closeTo(t *testing.T, what string, got, want []float32, atol, rtol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, PyTorch %d", what, len(got), len(want))
	}
	worst := 0.0
	for i := range got {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		worst = max(worst, d)
		if d > atol+rtol*math.Abs(float64(want[i])) {
			t.Fatalf("%s[%d] = %v, PyTorch %v", what, i, got[i], want[i])
		}
	}
	t.Logf("%s: %d values, worst difference %.2g", what, len(got), worst)
}

// TestMatchesPyTorch loads PyTorch's weights into the same AlexNet and compares the logits,
// the loss, the gradient and the weights after one SGD step (dropout off, as in net.eval()).
func TestMatchesPyTorch(t *testing.T) {
	for _, name := range []string{"alexnet_cifar_ce", "alexnet_mnist_hinge"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var f torchFixture
			if err := json.Unmarshal(raw, &f); err != nil {
				t.Fatal(err)
			}
			loss, err := nn.ParseLoss(f.Loss)
			if err != nil {
				t.Fatal(err)
			}
			net, err := AlexNet(Shape{f.Shape[0], f.Shape[1], f.Shape[2]}, f.Ch, f.Classes, 0)
			if err != nil {
				t.Fatal(err)
			}
			w := decodeF32(t, f.Weights)
			if len(w) != net.NumParams() {
				t.Fatalf("PyTorch's net has %d parameters, ours %d", len(w), net.NumParams())
			}
			copy(net.Params, w)
			x := decodeF32(t, f.Input)
			ws := net.NewWorkspace(len(f.Labels))
			st, out, err := ws.Forward(net, loss, x, f.Labels)
			if err != nil {
				t.Fatal(err)
			}
			closeTo(t, "logits", out, decodeF32(t, f.Logits), 1e-6, 1e-4)
			if math.Abs(st.Loss-f.LossValue) > 1e-6+1e-5*math.Abs(f.LossValue) {
				t.Fatalf("loss %v, PyTorch %v", st.Loss, f.LossValue)
			}
			grad := make([]float32, net.NumParams())
			if _, err := ws.Gradient(net, loss, x, f.Labels, grad); err != nil {
				t.Fatal(err)
			}
			closeTo(t, "gradient", grad, decodeF32(t, f.Grad), 1e-6, 1e-3)
			nonzero := 0
			for _, g := range grad {
				if g != 0 {
					nonzero++
				}
			}
			if nonzero < len(grad)/2 { // a dead network would compare equal trivially
				t.Fatalf("only %d of %d gradient values are not zero", nonzero, len(grad))
			}
			net.SGD(grad, float32(f.LR))
			closeTo(t, "weights after a step", net.Params, decodeF32(t, f.Stepped), 1e-6, 1e-5)
		})
	}
}
