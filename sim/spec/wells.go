package spec

import "math"

// The "wells" kind: walkers in a double well with a narrow-deep and a wide-shallow minimum; the
// fraction of time they spend in each, for Lévy and Gaussian noise (docs/science.md#wells).
func init() {
	params := []Param{
		{Name: "wl", Type: Float, Default: 0.5, Min: 0.05, Max: 10, Step: 0.01, Log: true,
			Label: "left well width", Unit: "w", Help: "Distance from the left minimum to the barrier."},
		{Name: "hl", Type: Float, Default: 1, Min: 0.01, Max: 20, Step: 0.01,
			Label: "left well depth", Unit: "loss", Help: "Height of the barrier above the left minimum."},
		{Name: "wr", Type: Float, Default: 2, Min: 0.05, Max: 10, Step: 0.01, Log: true,
			Label: "right well width", Unit: "w", Help: "Distance from the barrier to the right minimum."},
		{Name: "hr", Type: Float, Default: 0.5, Min: 0.01, Max: 20, Step: 0.01,
			Label: "right well depth", Unit: "loss", Help: "Height of the barrier above the right minimum."},
		{Name: "dim", Type: Int, Default: 1, Min: 1, Max: 2,
			Label: "dimension", Help: "1: the double well on a line; 2: the same double well with a quadratic valley across it (stiffness 2)."},
		{Name: "start", Type: Choice, DefaultChoice: "left", Choices: []string{"left", "right", "half"},
			Label: "start", Help: "Where the walkers start: at the left minimum, at the right one, or half at each."},
	}
	params = append(params, noiseParams(0.3, 1e-3, 200000)...)
	register(&Kind{
		Name:   "wells",
		Label:  "Narrow vs wide minima",
		Help:   "A double well with a narrow-deep and a wide-shallow minimum: Lévy walkers spend their time in the wide one, Gaussian walkers in the deep one.",
		Params: params,
		Check: func(s Spec) error {
			curv := max(6*s.Float("hl")/math.Pow(s.Float("wl"), 2), 6*s.Float("hr")/math.Pow(s.Float("wr"), 2))
			if s.Int("dim") == 2 {
				curv = max(curv, WellsValleyStiffness)
			}
			return checkNoiseBudget(s, curv)
		},
	})
}

// WellsValleyStiffness is the curvature K of the valley across the 2-D double well of the
// "wells" kind: f(x, y) = DoubleWell(x) + ½·K·y².
const WellsValleyStiffness = 2.0
