package mlp

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/tailscope/tailscope/sim/nn"
)

// cpuDevice is a Device computing on its own copy of the weights with sim/nn, as a GPU
// backend does on its memory: a run through it must give exactly the CPU's numbers.
type cpuDevice struct {
	net       *nn.Net
	loss      nn.Loss
	ws, fw    *nn.Workspace
	grad      []float32
	gradients int
}

func newCPUDevice(t *Trainer) *cpuDevice {
	net := t.Net().Clone()
	return &cpuDevice{net: net, loss: t.Loss(), ws: net.NewWorkspace(t.Params().Batch), fw: net.NewWorkspace(TestChunk), grad: make([]float32, net.NumParams())}
}

func (d *cpuDevice) Gradient(x []float32, y []uint8, g []float32) (nn.Stats, error) {
	d.gradients++
	st, err := d.ws.Gradient(d.net, d.loss, x, y, d.grad)
	if g != nil {
		copy(g, d.grad)
	}
	return st, err
}

func (d *cpuDevice) SGD(lr float32) error { d.net.SGD(d.grad, lr); return nil }

func (d *cpuDevice) Forward(x []float32, y []uint8) (nn.Stats, error) {
	st, _, err := d.fw.Forward(d.net, d.loss, x, y)
	return st, err
}

// TestDevice: a run whose steps, noise gradients and test outputs go through a Device gives
// the same result, to the bit, as the CPU run (the protocol is the Trainer's).
func TestDevice(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  map[string]string
	}{
		{"ce fixed", nil},
		{"hinge shuffle", map[string]string{"loss": "hinge", "order": "shuffle"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := small(t, "blobs", 7, tc.set)
			want, err := Run(context.Background(), s, nil)
			if err != nil {
				t.Fatal(err)
			}
			train, test, err := LoadData(s)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := NewTrainer(s, train, test)
			if err != nil {
				t.Fatal(err)
			}
			dev := newCPUDevice(tr)
			tr.UseDevice(dev)
			got, err := RunTrainer(context.Background(), tr, nil)
			if err != nil {
				t.Fatal(err)
			}
			// 25 steps, and 4 measurements of 2 passes over the 12 batches
			if wantGrads := 25 + 4*2*12; dev.gradients != wantGrads {
				t.Errorf("the device computed %d gradients, want %d", dev.gradients, wantGrads)
			}
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(got)
			if string(a) != string(b) {
				t.Fatalf("device run differs from the CPU run:\n%s\n%s", b, a)
			}
			if len(got.Evaluations) != 4 || got.Evaluations[3].Alpha == 0 {
				t.Fatalf("evaluations %d, last α̂ %v", len(got.Evaluations), got.Evaluations[len(got.Evaluations)-1].Alpha)
			}
		})
	}
}
