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
		{Name: "start", Type: Choice, DefaultChoice: string(StartLeft), Choices: choices(StartLeft, StartRight, StartHalf),
			Label: "start", Help: "Where the walkers start: at the left minimum, at the right one, or half at each."},
	}
	params = append(params, noiseParams(0.3, 1e-3, 200000)...)
	register(&Kind{
		Name:   "wells",
		Label:  "Narrow vs wide minima",
		Help:   "A double well with a narrow-deep and a wide-shallow minimum: Lévy walkers spend their time in the wide one, Gaussian walkers in the deep one.",
		Params: params,
		Presets: []Preset{
			{Name: PagePreset, Label: "Narrow vs wide page", Values: "seed=1&eta=0.01&steps=10000&walkers=500",
				Help: "What a fresh Landscape page shows: 500 Lévy (α = 1.5) and 500 Gaussian walkers starting in the narrow-deep well, for 100 time units in steps of η = 0.01 (a run that finishes within a minute in a browser)."},
			{Name: "narrow-vs-wide", Label: "narrow-deep vs wide-shallow", Values: "seed=1&eta=0.01&steps=10000&walkers=500&start=half",
				Help: "Half the walkers start in the narrow-deep well, half in the wide-shallow one: Lévy walkers gather in the wide well, Gaussian walkers stay where they started."},
		},
		Check: func(s Spec) error {
			p, err := s.Wells()
			if err != nil {
				return err
			}
			curv := max(6*p.HL/math.Pow(p.WL, 2), 6*p.HR/math.Pow(p.WR, 2))
			if p.Dim == 2 {
				curv = max(curv, WellsValleyStiffness)
			}
			return checkNoiseBudget(s, p.NoiseParams, curv)
		},
	}, WellsParams{})
}

// Start is where the walkers of a "wells" run start.
type Start string

const (
	StartLeft  Start = "left"  // at the left minimum
	StartRight Start = "right" // at the right minimum
	StartHalf  Start = "half"  // half at each
)

// WellsParams are the parameters of the "wells" kind.
type WellsParams struct {
	WL    float64 `spec:"wl"`  // left well width
	HL    float64 `spec:"hl"`  // left well depth
	WR    float64 `spec:"wr"`  // right well width
	HR    float64 `spec:"hr"`  // right well depth
	Dim   int     `spec:"dim"` // 1 or 2 (a quadratic valley across)
	Start Start   `spec:"start"`
	NoiseParams
}

// Wells returns the parameters of a "wells" spec; it fails if s is of another kind.
func (s Spec) Wells() (WellsParams, error) {
	var p WellsParams
	return p, decodeTyped(s, "wells", &p)
}

// Spec returns the "wells" spec of p and seed, validated.
func (p WellsParams) Spec(seed uint64) (Spec, error) { return encodeTyped("wells", seed, p) }

// WellsValleyStiffness is the curvature K of the valley across the 2-D double well of the
// "wells" kind: f(x, y) = DoubleWell(x) + ½·K·y².
const WellsValleyStiffness = 2.0
