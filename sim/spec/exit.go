package spec

import "math"

// Budgets shared by the "exit" and "wells" kinds.
const (
	// maxWalkerSteps bounds walkers × steps (with both noises): about ten minutes at 20 M steps/s.
	maxWalkerSteps = 1.2e10
	// maxWalkers bounds the walkers one run holds (about 100 bytes each; the levy package's limit).
	maxWalkers = 1 << 22
	// maxStepCurvature bounds η × the largest curvature of the landscape: beyond 1 the explicit
	// Euler step overshoots the bottom of a basin, and the simulation is no longer the SDE's.
	maxStepCurvature = 0.5
)

// The noise and time parameters shared by "exit" and "wells".
func noiseParams(eps, eta, steps float64) []Param {
	return []Param{
		{Name: "alpha", Type: Float, Default: 1.5, Min: 0, MinOpen: true, Max: 2, Step: 0.01,
			Label: "tail index α", Help: "Tail index of the symmetric α-stable noise; 2 is Gaussian, smaller is heavier-tailed."},
		{Name: "eps", Type: Float, Default: eps, Min: 0, MinOpen: true, Max: 10, Step: 0.01, Log: true,
			Label: "noise scale ε", Help: "Scale ε of the noise: each step adds ε·η^{1/α}·S with S ~ SαS(1)."},
		{Name: "eta", Type: Float, Default: eta, Min: 0, MinOpen: true, Max: 1, Step: 1e-4, Log: true,
			Label: "step η", Unit: "time", Help: "Time step η of the Euler scheme; small enough that η × curvature stays under 0.5."},
		{Name: "walkers", Type: Int, Default: 1000, Min: 1, Max: maxWalkers, Log: true,
			Label: "walkers", Help: "Number of independent walkers, each with its own random stream."},
		{Name: "steps", Type: Int, Default: steps, Min: 1, Max: 1e9, Log: true,
			Label: "steps", Unit: "steps", Help: "Steps per walker (the run ends earlier once every walker has left)."},
		{Name: "noise", Type: Choice, DefaultChoice: "both", Choices: []string{"both", "levy", "gauss"},
			Label: "noise", Help: "both: Lévy (α) and Gaussian (α = 2) walkers from the same seed, side by side; levy or gauss: one of them."},
		{Name: "trace", Type: Int, Default: 10, Min: 0, Max: 100,
			Label: "traced walkers", Help: "How many walkers' thinned trajectories are returned for plotting."},
	}
}

// checkNoiseBudget enforces walkers × steps and η × curvature.
func checkNoiseBudget(s Spec, curvature float64) error {
	runs := 1.0
	if s.Choice("noise") == "both" {
		runs = 2
	}
	if w := runs * s.Float("walkers") * s.Float("steps"); w > maxWalkerSteps {
		if runs == 2 {
			return fieldErrorf("steps", "walkers × steps × 2 noises = %.3g walker steps, more than the %.3g a run may take; use fewer steps or walkers, or one noise",
				w, float64(maxWalkerSteps))
		}
		return fieldErrorf("steps", "walkers × steps = %.3g walker steps, more than the %.3g a run may take; use fewer steps or walkers",
			w, float64(maxWalkerSteps))
	}
	if c := s.Float("eta") * curvature; c > maxStepCurvature {
		return fieldErrorf("eta", "η × largest curvature = %.3g exceeds %g (the Euler step would overshoot the minimum); take η ≤ %.3g",
			c, maxStepCurvature, maxStepCurvature/curvature)
	}
	return nil
}

// The "exit" kind: first exit times from one basin whose width and height are set independently,
// for Lévy and Gaussian noise, with the theory alongside (docs/science.md#exit-times).
func init() {
	params := []Param{
		{Name: "a", Type: Float, Default: 1, Min: 0.05, Max: 10, Step: 0.01, Log: true,
			Label: "right width a", Unit: "w", Help: "Distance from the minimum to the basin's right edge."},
		{Name: "b", Type: Float, Default: 1, Min: 0.05, Max: 10, Step: 0.01, Log: true,
			Label: "left width b", Unit: "w", Help: "Distance from the minimum to the basin's left edge."},
		{Name: "height", Type: Float, Default: 0.3, Min: 0, Max: 20, Step: 0.01,
			Label: "height ΔH", Unit: "loss", Help: "Height of the basin's edges above its minimum (0: no drift, pure noise)."},
	}
	params = append(params, noiseParams(0.3, 1e-3, 100000)...)
	register(&Kind{
		Name:   "exit",
		Label:  "Exit times",
		Help:   "Walkers start at the bottom of one basin; how long until each leaves it? Lévy exit times depend on the width, Gaussian ones on the height.",
		Params: params,
		Check: func(s Spec) error {
			curv := 6 * s.Float("height") / math.Pow(min(s.Float("a"), s.Float("b")), 2)
			return checkNoiseBudget(s, curv)
		},
	})
}
