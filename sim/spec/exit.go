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
			Label: "noise scale ε", Help: "Scale ε of the noise: each step adds ε·η¹ᐟᵅ·S, with S drawn from SαS(1)."},
		{Name: "eta", Type: Float, Default: eta, Min: 0, MinOpen: true, Max: 1, Step: 1e-4, Log: true,
			Label: "step η", Unit: "time", Help: "Time step η of the Euler scheme; small enough that η × curvature stays under 0.5."},
		{Name: "walkers", Type: Int, Default: 1000, Min: 1, Max: maxWalkers, Log: true,
			Label: "walkers", Help: "Number of independent walkers, each with its own random stream."},
		{Name: "steps", Type: Int, Default: steps, Min: 1, Max: 1e9, Log: true,
			Label: "steps", Unit: "steps", Help: "Steps per walker (the run ends earlier once every walker has left)."},
		{Name: "noise", Type: Choice, DefaultChoice: string(NoiseBoth), Choices: choices(NoiseBoth, NoiseLevy, NoiseGauss),
			Label: "noise", Help: "Lévy (tail index α) and Gaussian (α = 2) walkers side by side, from the same seed, or one of them alone."},
		{Name: "trace", Type: Int, Default: 10, Min: 0, Max: 100,
			Label: "traced walkers", Help: "How many walkers' thinned trajectories are returned for plotting."},
	}
}

// Noise is the noise parameter of "exit" and "wells": which walkers run.
type Noise string

const (
	NoiseBoth  Noise = "both"  // Lévy and Gaussian walkers from the same seed, side by side
	NoiseLevy  Noise = "levy"  // Lévy walkers only
	NoiseGauss Noise = "gauss" // Gaussian walkers only
)

// NoiseParams are the noise and time parameters shared by "exit" and "wells".
type NoiseParams struct {
	Alpha   float64 `spec:"alpha"`   // tail index α of the SαS noise
	Eps     float64 `spec:"eps"`     // noise scale ε
	Eta     float64 `spec:"eta"`     // time step η
	Walkers int     `spec:"walkers"` // independent walkers
	Steps   int     `spec:"steps"`   // steps per walker
	Noise   Noise   `spec:"noise"`   // which walkers run
	Trace   int     `spec:"trace"`   // walkers whose trajectories are returned
}

// ExitParams are the parameters of the "exit" kind.
type ExitParams struct {
	A      float64 `spec:"a"`      // distance from the minimum to the right edge
	B      float64 `spec:"b"`      // distance from the minimum to the left edge
	Height float64 `spec:"height"` // height ΔH of the edges above the minimum
	NoiseParams
}

// Exit returns the parameters of an "exit" spec; it fails if s is of another kind.
func (s Spec) Exit() (ExitParams, error) {
	var p ExitParams
	return p, decodeTyped(s, "exit", &p)
}

// Spec returns the "exit" spec of p and seed, validated.
func (p ExitParams) Spec(seed uint64) (Spec, error) { return encodeTyped("exit", seed, p) }

// checkNoiseBudget enforces walkers × steps and η × curvature.
func checkNoiseBudget(s Spec, n NoiseParams, curvature float64) error {
	if w := n.walkerSteps(); w > maxWalkerSteps {
		if n.Noise == NoiseBoth {
			return fieldErrorf("steps", "walkers × steps × 2 noises = %.3g walker steps, more than the %.3g a run may take; use fewer steps or walkers, or one noise",
				w, float64(maxWalkerSteps))
		}
		return fieldErrorf("steps", "walkers × steps = %.3g walker steps, more than the %.3g a run may take; use fewer steps or walkers",
			w, float64(maxWalkerSteps))
	}
	if c := n.Eta * curvature; c > maxStepCurvature {
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
		Presets: []Preset{
			{Name: PagePreset, Label: "Exit times page", Values: "seed=1",
				Help: "What a fresh page of exit times shows: 1000 Lévy (α = 1.5) and 1000 Gaussian walkers leaving a basin of width 1 and height 0.3."},
			{Name: "height-1", Label: "Gaussian vs Lévy at ΔH = 1", Values: "seed=1&height=1&eta=0.01&steps=10000",
				Help: "A basin of height 1 and width 1: nearly every Lévy walker jumps out within the run, almost no Gaussian one climbs out."},
			{Name: "double-width", Label: "double the width", Values: "seed=1&height=1&a=2&b=2&eta=0.01&steps=10000",
				Help: "The same basin of height 1, twice as wide: Lévy walkers stay about 2^α ≈ 2.8 times longer, because their exits are jumps over the width."},
		},
		Check: func(s Spec) error {
			p, err := s.Exit()
			if err != nil {
				return err
			}
			curv := 6 * p.Height / math.Pow(min(p.A, p.B), 2)
			return checkNoiseBudget(s, p.NoiseParams, curv)
		},
	}, ExitParams{})
}
