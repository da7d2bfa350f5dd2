package noise

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
)

// TestKeepLastMaterialised follows the reference code's eval step by step on n = 109, b = 8:
// 14 batches, the last of 5 examples with the gradient of its own mean loss, ḡ their sum
// over 14, the P×M noise matrix pooled, each row's norm, and the loss weighted by examples.
func TestKeepLastMaterialised(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const dim, classes, b, n = 12, 3, 8, 8*13 + 5
	set := &data.Set{Name: "rand", Dim: dim, Classes: classes, X: make([]float32, n*dim), Y: make([]uint8, n)}
	for i := range set.X {
		set.X[i] = float32(r.NormFloat64())
	}
	for i := range set.Y {
		set.Y[i] = uint8(r.IntN(classes))
	}
	net, _ := nn.New([]int{dim, 9, 7, classes}, 5)
	m, err := Measure(context.Background(), net, nn.CrossEntropy, set, Config{Batch: b, KeepLast: true, Subsample: -1})
	if err != nil {
		t.Fatal(err)
	}
	const P = 14
	M := net.NumParams()
	gs := make([][]float32, P)
	mean := make([]float64, M)
	ws := net.NewWorkspace(b)
	var lossSum float64
	correct := 0
	for j := range P {
		hi := min((j+1)*b, n)
		gs[j] = make([]float32, M)
		st, err := ws.Gradient(net, nn.CrossEntropy, set.X[j*b*dim:hi*dim], set.Y[j*b:hi], gs[j])
		if err != nil {
			t.Fatal(err)
		}
		lossSum += st.Loss * float64(hi-j*b)
		correct += st.Correct
		for i, v := range gs[j] {
			mean[i] += float64(v)
		}
	}
	var all []float64
	norms := make([]float64, P)
	for j := range P {
		for i, v := range gs[j] {
			d := float64(v) - mean[i]/P
			all = append(all, d)
			norms[j] += d * d
		}
		norms[j] = math.Sqrt(norms[j])
	}
	wantRef, _ := estimator.Mohammadi{K1: estimator.PaperK1(len(all)), KeepZeros: true}.Estimate(all)
	const tol = 1e-9
	if m.P != P || m.Used != P || !m.Full || m.N != P*M || m.TrainExamples != n {
		t.Fatalf("P=%d used=%d full=%v N=%d examples=%d; want 14, 14, true, %d, %d", m.P, m.Used, m.Full, m.N, m.TrainExamples, P*M, n)
	}
	if math.Abs(m.AlphaRef.Alpha-wantRef.Alpha) > tol {
		t.Errorf("α̂ ref %v, materialised %v", m.AlphaRef.Alpha, wantRef.Alpha)
	}
	if math.Abs(m.TrainLoss-lossSum/n) > 1e-12 || m.TrainAcc != float64(correct)/n {
		t.Errorf("loss %v acc %v; want %v, %v", m.TrainLoss, m.TrainAcc, lossSum/n, float64(correct)/n)
	}
	for j := range norms {
		if math.Abs(m.Norms[j]-norms[j]) > 1e-9*norms[j] {
			t.Errorf("norm %d: %v, want %v", j, m.Norms[j], norms[j])
		}
	}
	var total float64
	for _, c := range m.NormHist.Counts {
		total += c
	}
	if len(m.NormHist.Counts) != NormBins || total != P {
		t.Errorf("histogram of %d bins holding %v norms; want %d holding %d", len(m.NormHist.Counts), total, NormBins, P)
	}
}

func TestNormHistogram(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
		hi   float64
		bins int
	}{
		{"spread", []float64{0, 1, 2, 3, 4, 10}, 10, NormBins},
		{"all zero", []float64{0, 0}, 0, 0},
		{"empty", nil, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := NormHistogram(tc.x)
			if h.Hi != tc.hi || len(h.Counts) != tc.bins {
				t.Fatalf("hi %v, %d bins; want %v, %d", h.Hi, len(h.Counts), tc.hi, tc.bins)
			}
			if tc.bins > 0 && (h.Counts[0] != 1 || h.Counts[NormBins-1] != 1 || h.Counts[2] != 1) {
				t.Errorf("counts %v: want 1 in [0, 0.5), 1 in [1, 1.5) and 10 in the last bin", h.Counts)
			}
		})
	}
}
