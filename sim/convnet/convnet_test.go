package convnet

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tailscope/tailscope/sim/nn"
)

// forward64 is a plain float64 reference of the network: direct convolution, pooling,
// dropout with the given masks (nil: identity), linear layers; it returns the loss.
func forward64(n *Net, p []float64, loss nn.Loss, x []float32, y []uint8, masks [][]float32) float64 {
	b := len(y)
	in := make([]float64, len(x))
	for i, v := range x {
		in[i] = float64(v)
	}
	for i, l := range n.Layers {
		os, is := l.OutShape.Size(), l.In.Size()
		out := make([]float64, b*os)
		switch l.Op {
		case Conv:
			w, bias := p[l.off:l.bias], p[l.bias:l.bias+l.Out]
			C, H, W := l.In.C, l.In.H, l.In.W
			OH, OW := l.OutShape.H, l.OutShape.W
			for e := 0; e < b; e++ {
				for o := 0; o < l.Out; o++ {
					for oh := 0; oh < OH; oh++ {
						for ow := 0; ow < OW; ow++ {
							s := bias[o]
							for c := 0; c < C; c++ {
								for ki := 0; ki < l.K; ki++ {
									for kj := 0; kj < l.K; kj++ {
										yy, xx := oh*l.Stride-l.Pad+ki, ow*l.Stride-l.Pad+kj
										if yy >= 0 && yy < H && xx >= 0 && xx < W {
											s += w[((o*C+c)*l.K+ki)*l.K+kj] * in[e*is+(c*H+yy)*W+xx]
										}
									}
								}
							}
							out[e*os+(o*OH+oh)*OW+ow] = s
						}
					}
				}
			}
		case MaxPool:
			C, H, W := l.In.C, l.In.H, l.In.W
			OH, OW := l.OutShape.H, l.OutShape.W
			for e := 0; e < b; e++ {
				for c := 0; c < C; c++ {
					for oh := 0; oh < OH; oh++ {
						for ow := 0; ow < OW; ow++ {
							m := math.Inf(-1)
							for ki := 0; ki < l.K; ki++ {
								for kj := 0; kj < l.K; kj++ {
									m = max(m, in[e*is+(c*H+oh*l.Stride+ki)*W+ow*l.Stride+kj])
								}
							}
							out[e*os+(c*OH+oh)*OW+ow] = m
						}
					}
				}
			}
		case ReLU:
			for j, v := range in {
				out[j] = max(v, 0)
			}
		case Dropout:
			for j, v := range in {
				out[j] = v
				if masks != nil && masks[i] != nil {
					out[j] = v * float64(masks[i][j])
				}
			}
		case Linear:
			w, bias := p[l.off:l.bias], p[l.bias:l.bias+l.Out]
			for e := 0; e < b; e++ {
				for o := 0; o < l.Out; o++ {
					s := bias[o]
					for k := 0; k < is; k++ {
						s += w[o*is+k] * in[e*is+k]
					}
					out[e*os+o] = s
				}
			}
		}
		in = out
	}
	C := n.Classes()
	var total float64
	for e := 0; e < b; e++ {
		o := in[e*C : (e+1)*C]
		switch loss {
		case nn.CrossEntropy:
			m := math.Inf(-1)
			for _, v := range o {
				m = max(m, v)
			}
			var s float64
			for _, v := range o {
				s += math.Exp(v - m)
			}
			total += m + math.Log(s) - o[y[e]]
		case nn.Hinge:
			for j, v := range o {
				t := -1.0
				if j == int(y[e]) {
					t = 1
				}
				total += max(0, 1-t*v) / float64(C)
			}
		}
	}
	return total / float64(b)
}

func randInput(r *rand.Rand, b int, s Shape, classes int) ([]float32, []uint8) {
	x := make([]float32, b*s.Size())
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	y := make([]uint8, b)
	for i := range y {
		y[i] = uint8(r.IntN(classes))
	}
	return x, y
}

func TestGradientFiniteDifferences(t *testing.T) {
	cases := []struct {
		name   string
		in     Shape
		layers []Layer
		train  bool
		loss   nn.Loss
	}{
		{"conv", Shape{2, 5, 5}, []Layer{{Op: Conv, Out: 3, K: 3, Stride: 1, Pad: 0}, {Op: Linear, Out: 4}}, false, nn.CrossEntropy},
		{"conv-stride-pad", Shape{2, 6, 7}, []Layer{{Op: Conv, Out: 3, K: 4, Stride: 2, Pad: 2}, {Op: Conv, Out: 2, K: 3, Stride: 1, Pad: 1}, {Op: Linear, Out: 3}}, false, nn.CrossEntropy},
		{"maxpool", Shape{2, 7, 7}, []Layer{{Op: Conv, Out: 2, K: 2, Stride: 1, Pad: 0}, {Op: MaxPool, K: 3, Stride: 2}, {Op: Linear, Out: 3}}, false, nn.CrossEntropy},
		{"relu", Shape{1, 6, 6}, []Layer{{Op: Conv, Out: 3, K: 3, Stride: 1, Pad: 1}, {Op: ReLU}, {Op: Linear, Out: 3}}, false, nn.Hinge},
		{"dropout", Shape{3, 2, 2}, []Layer{{Op: Linear, Out: 8}, {Op: ReLU}, {Op: Dropout, P: 0.5}, {Op: Linear, Out: 3}}, true, nn.CrossEntropy},
		{"linear-bias", Shape{5, 1, 1}, []Layer{{Op: Linear, Out: 6}, {Op: Linear, Out: 4}}, false, nn.Hinge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			net, err := New(c.in, c.layers, 3)
			if err != nil {
				t.Fatal(err)
			}
			checkGradient(t, net, c.loss, c.train, 3)
		})
	}
	t.Run("alexnet-mnist", func(t *testing.T) {
		net, err := AlexNet(MNISTShape, 2, 10, 5)
		if err != nil {
			t.Fatal(err)
		}
		checkGradient(t, net, nn.CrossEntropy, true, 2)
	})
}

// checkGradient compares Workspace.Gradient with central differences of forward64.
func checkGradient(t *testing.T, net *Net, loss nn.Loss, train bool, b int) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	x, y := randInput(r, b, net.Input, net.Classes())
	ws := net.NewWorkspace(b + 1)
	if train {
		ws.SetDropout(rand.NewPCG(7, 8))
	}
	grad := make([]float32, net.NumParams())
	st, err := ws.Gradient(net, loss, x, y, grad)
	if err != nil {
		t.Fatal(err)
	}
	var masks [][]float32
	dropped := 0
	if train {
		masks = ws.mask
		for _, m := range masks {
			for _, v := range m[:min(len(m), b*len(m)/(b+1))] {
				if v == 0 {
					dropped++
				}
			}
		}
	}
	p := make([]float64, net.NumParams())
	for i, v := range net.Params {
		p[i] = float64(v)
	}
	if l64 := forward64(net, p, loss, x, y, masks); math.Abs(l64-st.Loss) > 1e-5*max(1, math.Abs(l64)) {
		t.Fatalf("loss %v, float64 reference %v", st.Loss, l64)
	}
	const h = 1e-6
	worst := 0.0
	for i := range p {
		save := p[i]
		p[i] = save + h
		up := forward64(net, p, loss, x, y, masks)
		p[i] = save - h
		down := forward64(net, p, loss, x, y, masks)
		p[i] = save
		fd := (up - down) / (2 * h)
		diff := math.Abs(float64(grad[i]) - fd)
		worst = max(worst, diff)
		if diff > 2e-5+2e-3*math.Abs(fd) {
			t.Fatalf("parameter %d: gradient %v, finite difference %v", i, grad[i], fd)
		}
	}
	if train && dropped == 0 {
		t.Fatalf("training mode dropped nothing")
	}
	t.Logf("%d parameters, worst |g − fd| %.2g, dropped %d", len(p), worst, dropped)
}

func TestAlexNetShapes(t *testing.T) {
	cases := []struct {
		name            string
		in              Shape
		ch, classes     int
		size, width, np int
	}{
		// size = ch·1·1 for both inputs; width = size·⌊1 + log₂ size⌋ (64 → 448)
		{"cifar-ch64", CIFARShape, 64, 10, 64, 448,
			(3*16*64 + 64) + (64*64*25 + 64) + 3*(64*64*9+64) + (64*448 + 448) + (448*448 + 448) + (448*10 + 10)},
		{"mnist-ch8", MNISTShape, 8, 10, 8, 32,
			(1*16*8 + 8) + (8*8*25 + 8) + 3*(8*8*9+8) + (8*32 + 32) + (32*32 + 32) + (32*10 + 10)},
		{"cifar100-ch1", CIFARShape, 1, 100, 1, 1,
			(3*16 + 1) + (25 + 1) + 3*(9+1) + 2 + 2 + (100 + 100)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			net, err := AlexNet(c.in, c.ch, c.classes, 1)
			if err != nil {
				t.Fatal(err)
			}
			feat := net.Layers[len(Features(c.ch))]
			if feat.In.Size() != c.size {
				t.Errorf("features %v, want %d", feat.In, c.size)
			}
			if w := net.Layers[len(net.Layers)-3].Out; w != c.width {
				t.Errorf("hidden width %d, want %d", w, c.width)
			}
			if net.NumParams() != c.np {
				t.Errorf("%d parameters, want %d", net.NumParams(), c.np)
			}
			if net.NumLayers() != 8 || net.Offset(8) != net.NumParams() {
				t.Errorf("%d layers with parameters, want 8", net.NumLayers())
			}
		})
	}
}

func TestHiddenWidth(t *testing.T) {
	for _, c := range []struct{ size, want int }{{1, 1}, {2, 4}, {3, 6}, {4, 12}, {63, 378}, {64, 448}, {100, 700}, {128, 1024}} {
		if got := HiddenWidth(c.size); got != c.want {
			t.Errorf("HiddenWidth(%d) = %d, want %d", c.size, got, c.want)
		}
	}
}

func TestInit(t *testing.T) {
	net, err := AlexNet(CIFARShape, 16, 10, 9)
	if err != nil {
		t.Fatal(err)
	}
	// Every layer's weights and biases lie within ±1/√fan_in and fill it (uniform law).
	for i, l := range net.Layers {
		if !l.HasParams() {
			continue
		}
		bound := 1 / math.Sqrt(float64(l.weights/l.Out))
		for _, part := range [][]float32{net.Weights(i), net.Bias(i)} {
			var lo, hi float64
			for _, v := range part {
				lo, hi = min(lo, float64(v)), max(hi, float64(v))
			}
			if lo < -bound || hi > bound {
				t.Errorf("layer %d: values in [%v, %v], bound %v", i, lo, hi, bound)
			}
			if len(part) >= 64 && (hi < 0.8*bound || lo > -0.8*bound) {
				t.Errorf("layer %d: %d values in [%v, %v], do not fill ±%v", i, len(part), lo, hi, bound)
			}
		}
	}
	again, _ := AlexNet(CIFARShape, 16, 10, 9)
	other, _ := AlexNet(CIFARShape, 16, 10, 10)
	same, diff := true, false
	for i := range net.Params {
		same = same && net.Params[i] == again.Params[i]
		diff = diff || net.Params[i] != other.Params[i]
	}
	if !same || !diff {
		t.Errorf("same seed same weights: %v; other seed other weights: %v", same, diff)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name   string
		in     Shape
		layers []Layer
	}{
		{"no-layers", CIFARShape, nil},
		{"kernel-too-big", Shape{1, 3, 3}, []Layer{{Op: Conv, Out: 1, K: 5, Stride: 1}, {Op: Linear, Out: 2}}},
		{"pool-too-big", Shape{1, 2, 2}, []Layer{{Op: MaxPool, K: 3, Stride: 2}, {Op: Linear, Out: 2}}},
		{"dropout-1", Shape{1, 2, 2}, []Layer{{Op: Dropout, P: 1}, {Op: Linear, Out: 2}}},
		{"last-not-linear", Shape{1, 2, 2}, []Layer{{Op: Linear, Out: 2}, {Op: ReLU}}},
		{"zero-stride", Shape{1, 4, 4}, []Layer{{Op: Conv, Out: 1, K: 2}, {Op: Linear, Out: 2}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := New(c.in, c.layers, 1); err == nil {
				t.Fatal("no error")
			}
		})
	}
	if _, err := AlexNet(Shape{3, 8, 8}, 4, 10, 1); err == nil {
		t.Error("AlexNet on 8×8 inputs: no error")
	}
	if _, err := ShapeOf(2); err == nil {
		t.Error("ShapeOf(2): no error")
	}
	net, _ := AlexNet(MNISTShape, 2, 10, 1)
	ws := net.NewWorkspace(2)
	x, _ := randInput(rand.New(rand.NewPCG(1, 1)), 2, MNISTShape, 10)
	if _, err := ws.Gradient(net, nn.CrossEntropy, x, []uint8{1, 10}, make([]float32, net.NumParams())); err == nil {
		t.Error("label 10 of 10 classes: no error")
	}
	if _, _, err := ws.Forward(net, nn.CrossEntropy, x[:10], []uint8{1, 2}); err == nil {
		t.Error("short input: no error")
	}
}
