package spec

// Budgets of the "iterates" kind.
const (
	// IteratesMaxWork bounds chains × steps × b × d, the Gaussian draws of the chains: about
	// two minutes on one core at 1e8 draws per second.
	IteratesMaxWork = 1e10
	// IteratesMaxMC bounds the Monte-Carlo draws of h(s).
	IteratesMaxMC = 1e7
)

// The "iterates" kind: many independent SGD chains on linear regression with Gaussian data,
// whose iterates become heavy-tailed through multiplicative noise although the gradient noise
// is light-tailed; the tail index measured beside the theory's (docs/science.md#heavy-tailed-iterates).
func init() {
	register(&Kind{
		Name:  "iterates",
		Label: "Heavy-tailed iterates",
		Help:  "Run many independent SGD chains on linear regression with Gaussian data and estimate the tail index of where they end up, beside the theory's prediction.",
		Params: []Param{
			{Name: "eta", Type: Float, Default: 0.6, Min: 0, MinOpen: true, Max: 10, Step: 0.001, Log: true,
				Label: "step η", Help: "Step size of SGD; the tail index falls as η/b grows."},
			{Name: "b", Type: Int, Default: 1, Min: 1, Max: 1000, Log: true,
				Label: "batch size b", Unit: "examples", Help: "Examples in each minibatch, drawn afresh every step."},
			{Name: "d", Type: Int, Default: 2, Min: 1, Max: 1000, Log: true,
				Label: "dimension d", Help: "Number of features (and of parameters)."},
			{Name: "sigma", Type: Float, Default: 1, Min: 0, MinOpen: true, Max: 10, Step: 0.01, Log: true,
				Label: "data scale σ", Help: "Features are drawn from N(0, σ²I): the curvature of the loss is σ²."},
			{Name: "noise", Type: Float, Default: 1, Min: 0, MinOpen: true, Max: 10, Step: 0.01, Log: true,
				Label: "label noise", Help: "Standard deviation of the noise on the labels y = aᵀx* + noise; it sets the scale of the iterates, not their tail index."},
			{Name: "chains", Type: Int, Default: 4000, Min: 100, Max: 1000000, Log: true,
				Label: "chains", Help: "Independent SGD runs, each from x* with its own random stream; the tail index is estimated from where they end."},
			{Name: "steps", Type: Int, Default: 300, Min: 1, Max: 1000000, Log: true,
				Label: "steps", Unit: "steps", Help: "SGD steps of each chain."},
			{Name: "mc", Type: Int, Default: 100000, Min: 1000, Max: IteratesMaxMC, Log: true,
				Label: "Monte-Carlo draws", Help: "Draws of the random matrix M used to estimate h(s) and its root, the theory's tail index."},
		},
		Presets: []Preset{
			{Name: PagePreset, Label: "Heavy-tailed iterates page", Values: "seed=1",
				Help: "What a fresh page shows: 4000 chains in d = 2 with b = 1 and η = 0.6, past the critical step size, so the iterates have infinite variance."},
			{Name: "light", Label: "Small step: light tails", Values: "seed=1&eta=0.05",
				Help: "A small step size: the tail index is large and the iterates look Gaussian."},
			{Name: "critical", Label: "At the critical step", Values: "seed=1&eta=0.5",
				Help: "η/b at the critical value 2/(σ²(b+d+1)), where the variance of the iterates becomes infinite (tail index 2)."},
		},
		Check: func(s Spec) error {
			if _, err := s.Iterates(); err != nil {
				return err
			}
			if w := s.Work().Amount; w > IteratesMaxWork {
				return fieldErrorf("steps", "chains × steps × b × d = %.3g Gaussian draws, more than the %.3g a run may take; use fewer chains or steps", w, float64(IteratesMaxWork))
			}
			return nil
		},
	}, IteratesParams{})
}

// IteratesParams are the parameters of the "iterates" kind.
type IteratesParams struct {
	Eta    float64 `spec:"eta"`    // step size η
	B      int     `spec:"b"`      // batch size
	D      int     `spec:"d"`      // dimension
	Sigma  float64 `spec:"sigma"`  // features ~ N(0, σ²I)
	Noise  float64 `spec:"noise"`  // label noise standard deviation
	Chains int     `spec:"chains"` // independent chains
	Steps  int     `spec:"steps"`  // steps per chain
	MC     int     `spec:"mc"`     // Monte-Carlo draws for h(s)
}

// Iterates returns the parameters of an "iterates" spec; it fails if s is of another kind.
func (s Spec) Iterates() (IteratesParams, error) {
	var p IteratesParams
	return p, decodeTyped(s, "iterates", &p)
}

// Spec returns the "iterates" spec of p and seed, validated.
func (p IteratesParams) Spec(seed uint64) (Spec, error) { return encodeTyped("iterates", seed, p) }
