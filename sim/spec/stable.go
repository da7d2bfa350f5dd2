package spec

// The "stable" kind: draw a sample from a chosen law and estimate its tail index.
// The finite-variance laws (Student-t with ν > 2, a Gaussian mixture) are there to show the
// known weak spot of the Mohammadi estimator side by side (docs/science.md#estimators).
func init() {
	register(&Kind{
		Name:  "stable",
		Label: "Estimator",
		Help:  "Draw a sample from a heavy-tailed or a finite-variance law and estimate its tail index α with every method.",
		Params: []Param{
			{Name: "dist", Type: Choice, DefaultChoice: string(DistSaS), Choices: choices(DistSaS, DistStudent, DistMixture, DistGauss),
				Label: "distribution", Help: "The law the values are drawn from: symmetric α-stable; Student-t with ν degrees of freedom; a mixture of two Gaussians of scales 1 and 10 (weights 0.9 and 0.1); or the standard Gaussian N(0, 1)."},
			{Name: "alpha", Type: Float, Default: 1.5, Min: 0.3, Max: 2, Step: 0.01,
				Label: "tail index α", Help: "The α of the symmetric α-stable law: 2 is Gaussian, smaller is heavier-tailed."},
			{Name: "nu", Type: Float, Default: 3, Min: 0.5, Max: 50, Step: 0.1, Log: true,
				Label: "Student-t ν", Help: "Degrees of freedom of the Student-t law; its tail index is ν, and its variance is finite for ν > 2."},
			{Name: "n", Type: Int, Default: 10000, Min: 100, Max: 1000000, Log: true,
				Label: "sample size", Unit: "samples", Help: "How many values are drawn."},
			{Name: "k1", Type: Int, Default: 0, Min: 0, Max: 100000,
				Label: "block size K1", Help: "Block size of the Mohammadi estimator; 0 picks the largest divisor of n not above √n, as the paper's code does."},
		},
		Presets: []Preset{
			{Name: PagePreset, Label: "Estimator page", Values: "seed=1",
				Help: "What a fresh Estimator page shows: 10000 draws of a symmetric 1.5-stable law."},
			{Name: "gaussian", Label: "Gaussian", Values: "seed=1&dist=gauss",
				Help: "10000 draws of N(0, 1): every estimator should say α ≈ 2, the finite-variance case."},
			{Name: "sas-1.5", Label: "SαS α = 1.5", Values: "seed=1&dist=sas&alpha=1.5",
				Help: "10000 draws of a symmetric 1.5-stable law: heavy tails, infinite variance, and the estimators find α ≈ 1.5."},
			{Name: "student-t", Label: "Student-t: a false alarm", Values: "seed=1&dist=student&nu=3",
				Help: "Student-t with ν = 3 has a finite variance, so sums of it are Gaussian in the end, yet the estimators report α well below 2."},
			{Name: "mixture", Label: "a Gaussian mixture: another false alarm", Values: "seed=1&dist=mixture",
				Help: "Two Gaussians of scales 1 and 10: every moment is finite, yet a few wide draws make the estimators report heavy tails."},
		},
		Check: func(s Spec) error {
			p, err := s.Stable()
			if err != nil {
				return err
			}
			if p.K1 > 0 && p.K1*2 > p.N {
				return fieldErrorf("k1", "must leave at least two blocks: at most n/2 = %d for n = %d, got %d", p.N/2, p.N, p.K1)
			}
			return nil
		},
	}, StableParams{})
}

// Dist is the law a "stable" run draws from.
type Dist string

const (
	DistSaS     Dist = "sas"     // symmetric α-stable, scale 1
	DistStudent Dist = "student" // Student-t with ν degrees of freedom
	DistMixture Dist = "mixture" // 0.9·N(0, 1) + 0.1·N(0, 10²)
	DistGauss   Dist = "gauss"   // N(0, 1)
)

// StableParams are the parameters of the "stable" kind.
type StableParams struct {
	Dist  Dist    `spec:"dist"`
	Alpha float64 `spec:"alpha"` // α of the SαS law
	Nu    float64 `spec:"nu"`    // ν of the Student-t law
	N     int     `spec:"n"`     // sample size
	K1    int     `spec:"k1"`    // Mohammadi block size; 0: the paper's rule
}

// Stable returns the parameters of a "stable" spec; it fails if s is of another kind.
func (s Spec) Stable() (StableParams, error) {
	var p StableParams
	return p, decodeTyped(s, "stable", &p)
}

// Spec returns the "stable" spec of p and seed, validated.
func (p StableParams) Spec(seed uint64) (Spec, error) { return encodeTyped("stable", seed, p) }
