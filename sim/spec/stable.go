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
			{Name: "dist", Type: Choice, DefaultChoice: "sas", Choices: []string{"sas", "student", "mixture", "gauss"},
				Label: "distribution", Help: "sas: symmetric α-stable; student: Student-t with ν degrees of freedom; mixture: two Gaussians of scales 1 and 10 (weight 0.9, 0.1); gauss: N(0, 1)."},
			{Name: "alpha", Type: Float, Default: 1.5, Min: 0.3, Max: 2, Step: 0.01,
				Label: "tail index α", Help: "The α of the symmetric α-stable law: 2 is Gaussian, smaller is heavier-tailed."},
			{Name: "nu", Type: Float, Default: 3, Min: 0.5, Max: 50, Step: 0.1, Log: true,
				Label: "Student-t ν", Help: "Degrees of freedom of the Student-t law; its tail index is ν, and its variance is finite for ν > 2."},
			{Name: "n", Type: Int, Default: 10000, Min: 100, Max: 1000000, Log: true,
				Label: "sample size", Unit: "samples", Help: "How many values are drawn."},
			{Name: "k1", Type: Int, Default: 0, Min: 0, Max: 100000,
				Label: "block size K1", Help: "Block size of the Mohammadi estimator; 0 picks the largest divisor of n not above √n, as the paper's code does."},
		},
		Check: func(s Spec) error {
			if k1 := s.Int("k1"); k1 > 0 && k1*2 > s.Int("n") {
				return fieldErrorf("k1", "must leave at least two blocks: at most n/2 = %d for n = %d, got %d", s.Int("n")/2, s.Int("n"), k1)
			}
			return nil
		},
	})
}
