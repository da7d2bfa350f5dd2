package tourview

import "github.com/tailscope/tailscope/sim/spec"

// A Step is one stop of the tour: a short text and the live widget of a view, loaded with one
// of that view's scenarios (a preset of sim/spec).
type Step struct {
	Title  string
	Text   []string // paragraphs
	View   string   // the view whose widget is shown: "estimator", "landscape", "network" or "iterates"
	Kind   string   // the kind of the scenario
	Preset string   // the scenario (a preset of Kind)
}

// Steps is the tour, in the order of the talk (Şimşekli, Sagun & Gürbüzbalaban, ICML 2019),
// then its sequel on where the heavy tails come from (Gürbüzbalaban, Şimşekli & Zhu, ICML
// 2021), in the order of docs/science.md, whose formulas these are.
var Steps = []Step{
	{
		Title: "SGD and its noise",
		Text: []string{
			"Stochastic gradient descent does not follow the gradient ∇f of the loss over all n examples: at step k it follows the gradient of one minibatch of b examples, ∇f̃_k. Write the step as w_{k+1} = w_k − η∇f(w_k) + η U_k, where U_k = ∇f(w_k) − ∇f̃_k(w_k) is the gradient noise.",
			"Below, a small network trains on MNIST digits in this page. Press Play: every few steps the page computes U_k on every minibatch and shows its histogram and its tail index α̂.",
		},
		View: "network", Kind: "mlp", Preset: "page",
	},
	{
		Title: "The Gaussian assumption and the exp(ΔH) transition time",
		Text: []string{
			"U_k is an average of b per-example terms, so the usual argument invokes the central limit theorem: U_k is Gaussian, and SGD behaves like a Langevin diffusion. Then the time to climb out of a basin of height ΔH grows like exp(ΔH/ε²): the walker prefers deep minima, whatever their width.",
			"Below, 1000 Gaussian and 1000 Lévy walkers start in a basin of height ΔH = 1. Press Play: almost every Lévy walker leaves within the run, almost no Gaussian one.",
		},
		View: "landscape", Kind: "exit", Preset: "height-1",
	},
	{
		Title: "The generalised central limit theorem and α-stable laws",
		Text: []string{
			"The central limit theorem needs a finite variance. Without it, sums of independent terms with tails P(|X| > x) ∝ x^−α converge to a symmetric α-stable law SαS(α), with 0 < α ≤ 2: α = 2 is the Gaussian, and smaller α gives heavier tails and larger jumps.",
			"Below, 10000 draws of SαS(1.5) and five estimators of α. Try the scenarios: a Gaussian gives α̂ ≈ 2, and the Student-t and the mixture show that a finite-variance sample can still fool the estimators.",
		},
		View: "estimator", Kind: "stable", Preset: "sas-1.5",
	},
	{
		Title: "Is SGD noise α-stable? The network measurement",
		Text: []string{
			"The paper measures U_k as its code does: at a checkpoint, the gradient of each of the P = n/b minibatches minus the full gradient, every coordinate of every noise vector taken as one sample, and α estimated with the Mohammadi estimator. On MNIST, CIFAR-10 and CIFAR-100, α̂ is well below 2.",
			"Below is the paper's MNIST setting (all 60000 digits, a 784-128-128-10 network, b = 100). It is large for a browser: run it on the server, or move to a smaller setting with the scenarios.",
		},
		View: "network", Kind: "mlp", Preset: "paper-mnist",
	},
	{
		Title: "Network size and batch size",
		Text: []string{
			"If the noise became Gaussian with more averaging, a larger batch would push α̂ towards 2. It does not: the paper finds α̂ nearly unchanged across batch sizes, and lower for wider and deeper networks.",
			"Below, the page's network with batches ten times larger (b = 500). Compare its α̂ with the page's run at b = 50, and move the width slider.",
		},
		View: "network", Kind: "mlp", Preset: "big-batch",
	},
	{
		Title: "Curious jumps",
		Text: []string{
			"The paper notes that α̂ drops sharply at moments when the accuracy jumps: the noise becomes heavier-tailed just as SGD escapes a region of the landscape.",
			"Below, a deeper network (six layers) with a small step: it sits on a plateau at chance level while α̂ falls from about 1.33 to 1.21, and then the accuracy jumps (iteration 250 with seed 1). Press Play.",
		},
		View: "network", Kind: "mlp", Preset: "curious-jumps",
	},
	{
		Title: "Lévy exits depend on width: wide minima",
		Text: []string{
			"A Lévy-driven walker leaves a basin by one jump, not by a climb: its mean exit time grows like width^α and hardly depends on the height. So heavy-tailed SGD spends its time in wide minima, which are thought to generalise better.",
			"Below, half of 500 walkers per noise start in a narrow-deep well and half in a wide-shallow one. Press Play: the Lévy walkers gather in the wide well; the Gaussian ones stay where they started. The exit-time sweep under the run shows width^α against exp(ΔH/ε²).",
		},
		View: "landscape", Kind: "wells", Preset: "narrow-vs-wide",
	},
	{
		Title: "Where the heavy tails come from: multiplicative noise",
		Text: []string{
			"Heavy-tailed iterates need no heavy-tailed noise. Run SGD on linear regression with Gaussian data: every minibatch gradient has finite moments of all orders. But each step multiplies the distance to the solution by a random matrix, Mₖ = I − (η/b) Σ aᵢaᵢᵀ, and the rare steps that stretch it compound. Where SGD ends up then has a power-law tail whose index s falls as η/b grows; past η/b = 2/(σ²(b + d + 1)), s < 2 and the variance is infinite.",
			"Below, 4000 independent chains in two dimensions with b = 1 and η = 0.6, just past that critical step (0.5). The tail index of their final distances is measured beside the theory's prediction, while the gradient noise along the way stays light-tailed. Try the small step, or move η.",
		},
		View: "iterates", Kind: "iterates", Preset: spec.PagePreset,
	},
}
