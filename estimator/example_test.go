package estimator_test

import (
	"fmt"

	"github.com/tailscope/tailscope/estimator"
)

// The paper's estimator on 1e5 samples of SαS with α = 1.5.
func ExampleMohammadi() {
	x := estimator.Sample(1.5, 1, 100000, 42)
	e, err := estimator.Mohammadi{}.Estimate(x) // K1 = PaperK1(100000) = 250
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("α̂ = %.2f, 95%% CI [%.2f, %.2f], N = %d\n", e.Alpha, e.Lo, e.Hi, e.N)
	// Output: α̂ = 1.50, 95% CI [1.45, 1.55], N = 100000
}

// Feeding the stream in chunks gives the batch estimate.
func ExampleMohammadiStream() {
	x := estimator.Sample(0.8, 1, 100000, 42)
	s := estimator.MohammadiStream{K1: estimator.PaperK1(len(x))}
	for i := 0; i < len(x); i += 1000 {
		s.Add(x[i : i+1000]...)
	}
	e, _ := s.Estimate()
	b, _ := estimator.Mohammadi{}.Estimate(x)
	fmt.Printf("stream %.4f, batch %.4f\n", e.Alpha, b.Alpha)
	// Output: stream 0.7923, batch 0.7923
}

func ExampleSymStable_Quantile() {
	d := estimator.SymStable{Alpha: 1, Sigma: 2} // Cauchy with scale 2
	fmt.Printf("%.6f %.6f\n", d.Quantile(0.75), d.CDF(2))
	// Output: 2.000000 0.750000
}

func ExampleAnalyze() {
	x := estimator.Sample(1.2, 1, 20000, 7)
	x[10] = 0
	r, err := estimator.Analyze(x, estimator.Options{Methods: []string{"mohammadi", "mcculloch"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range r.Estimates {
		fmt.Printf("%s %.1f\n", e.Method, e.Alpha)
	}
	fmt.Println(r.Warnings)
	// Output:
	// mohammadi 1.2
	// mcculloch 1.2
	// [1 exact zeros (0.0% of the values), left out: the estimates use the non-zero values]
}
