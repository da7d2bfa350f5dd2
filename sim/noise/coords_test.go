package noise

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
)

// TestAndersonDarlingLevel: Gaussian samples are rejected at the nominal 5 % rate (whatever their
// mean and scale), and clearly non-Gaussian ones nearly always.
func TestAndersonDarlingLevel(t *testing.T) {
	const reps = 4000
	tests := []struct {
		name   string
		n      int
		draw   func(r *rand.Rand) float64
		lo, hi float64 // bounds on the rejection rate
	}{
		// 5 % ± 3 standard errors of a binomial rate over 4000 samples (0.34 %).
		{"gauss n=20", 20, func(r *rand.Rand) float64 { return 3 + 0.01*r.NormFloat64() }, 0.04, 0.06},
		{"gauss n=100", 100, func(r *rand.Rand) float64 { return r.NormFloat64() }, 0.04, 0.06},
		{"gauss n=600", 600, func(r *rand.Rand) float64 { return -7 + 1e4*r.NormFloat64() }, 0.04, 0.06},
		{"laplace n=300", 300, func(r *rand.Rand) float64 { return r.ExpFloat64() * float64(1-2*r.IntN(2)) }, 0.9, 1},
		{"uniform n=300", 300, func(r *rand.Rand) float64 { return r.Float64() }, 0.9, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(tt.n)))
			x := make([]float64, tt.n)
			rejected := 0
			reps := reps
			if tt.lo > 0.5 {
				reps = 200 // the power cases need fewer
			}
			for range reps {
				for i := range x {
					x[i] = tt.draw(r)
				}
				_, p, err := AndersonDarling(x)
				if err != nil {
					t.Fatal(err)
				}
				if p < ADLevel {
					rejected++
				}
			}
			if rate := float64(rejected) / float64(reps); rate < tt.lo || rate > tt.hi {
				t.Errorf("rejection rate %.4f, want in [%.2f, %.2f]", rate, tt.lo, tt.hi)
			}
		})
	}
	if _, _, err := AndersonDarling([]float64{1, 2, 3}); err == nil {
		t.Error("3 values: no error")
	}
	if _, _, err := AndersonDarling(make([]float64, 10)); err == nil {
		t.Error("constant values: no error")
	}
}

// TestAnalyzeCoords: Gaussian coordinates of scales spread over three decades look heavy-tailed
// pooled (the paper's estimate), but each passes the Gaussianity test at the nominal rate and the
// pooled estimate after standardising is near 2; α-stable coordinates stay heavy-tailed after
// standardising and fail the test.
func TestAnalyzeCoords(t *testing.T) {
	const coords, batches = 256, 600
	r := rand.New(rand.NewPCG(4, 2))
	mixture := make([][]float64, coords)
	stable := make([][]float64, coords)
	for c := range coords {
		scale := math.Pow(10, 3*r.Float64())
		mixture[c] = make([]float64, batches)
		for j := range batches {
			mixture[c][j] = scale * r.NormFloat64()
		}
		stable[c] = estimator.Sample(1.5, scale, batches, uint64(c+1))
	}
	mixture = append(mixture, make([]float64, batches)) // a dead unit: constant noise

	m := AnalyzeCoords(mixture)
	if m.Coords != coords || m.Constant != 1 || m.Values != batches {
		t.Errorf("coords %d, constant %d, values %d; want %d, 1, %d", m.Coords, m.Constant, m.Values, coords, batches)
	}
	if m.Raw.Alpha > 1.8 {
		t.Errorf("pooled raw α̂ = %.3f, want the scale mixture to look heavy-tailed (< 1.8)", m.Raw.Alpha)
	}
	if m.Standardised.Alpha < 1.9 {
		t.Errorf("pooled standardised α̂ = %.3f, want ≈ 2", m.Standardised.Alpha)
	}
	// 5 % of 256 with 3 binomial standard errors (1.4 %).
	if m.Rejected > 0.092 {
		t.Errorf("%.3f of Gaussian coordinates rejected, want about %.2f", m.Rejected, ADLevel)
	}
	if med := m.AlphaQuartiles[2]; med < 1.85 {
		t.Errorf("median per-coordinate α̂ = %.3f, want near 2", med)
	}
	sum := 0
	for _, n := range m.AlphaHist {
		sum += n
	}
	if sum != coords {
		t.Errorf("histogram holds %d coordinates, want %d", sum, coords)
	}

	s := AnalyzeCoords(stable)
	if s.Rejected < 0.9 {
		t.Errorf("%.3f of α-stable coordinates rejected, want nearly all", s.Rejected)
	}
	if a := s.Standardised.Alpha; math.Abs(a-1.5) > 0.15 {
		t.Errorf("pooled standardised α̂ of 1.5-stable coordinates = %.3f, want ≈ 1.5", a)
	}
	if med := s.AlphaQuartiles[2]; math.Abs(med-1.5) > 0.2 {
		t.Errorf("median per-coordinate α̂ = %.3f, want ≈ 1.5", med)
	}
}

// TestMeasurePerCoord: Measure keeps the chosen number of coordinates across every batch used.
func TestMeasurePerCoord(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const dim, classes, b, n = 6, 3, 8, 8 * 20
	set := &data.Set{Name: "rand", Dim: dim, Classes: classes, X: make([]float32, n*dim), Y: make([]uint8, n)}
	for i := range set.X {
		set.X[i] = float32(r.NormFloat64())
	}
	for i := range set.Y {
		set.Y[i] = uint8(r.IntN(classes))
	}
	net, _ := nn.New([]int{dim, 5, classes}, 5)
	M := net.NumParams()
	tests := []struct {
		coords, want int // Coords asked; coordinates analysed or constant (-1: none)
	}{{0, min(DefaultCoords, M)}, {7, 7}, {10 * M, M}, {-1, -1}}
	for _, tt := range tests {
		m, err := Measure(context.Background(), net, nn.CrossEntropy, set, Config{Batch: b, Subsample: -1, Coords: tt.coords, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if tt.want < 0 {
			if m.PerCoord != nil {
				t.Errorf("Coords=%d: per-coordinate analysis present", tt.coords)
			}
			continue
		}
		pc := m.PerCoord
		if pc == nil || pc.Coords+pc.Constant != tt.want || pc.Values != n/b || pc.Tested != pc.Coords {
			t.Errorf("Coords=%d: %+v, want %d coordinates of %d values", tt.coords, pc, tt.want, n/b)
		}
	}
}

// TestCoordsFixedAcrossMeasurements: the sampled coordinates depend on the network's size only,
// not on the measurement's seed, so a training run follows the same ones.
func TestCoordsFixedAcrossMeasurements(t *testing.T) {
	a, b := newCoordSampler(5000, 64), newCoordSampler(5000, 64)
	if !slices.Equal(a.pos, b.pos) || len(a.pos) != 64 {
		t.Errorf("two samplers of the same size chose %v and %v", a.pos[:4], b.pos[:4])
	}
	if !slices.IsSorted(a.pos) || len(slices.Compact(slices.Clone(a.pos))) != 64 {
		t.Error("positions not sorted and distinct")
	}
}
