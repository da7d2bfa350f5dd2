package networkview

// Explanations shown beside the charts, in plain words: two or three sentences each.
const (
	TextIntro = "SGD does not follow the true gradient: each step uses the gradient of a small random batch, " +
		"and the difference between the two is the gradient noise. The usual assumption is that this noise is " +
		"Gaussian; here you can measure whether it is, while a real network trains in your browser."

	TextAlpha = "The tail index α says how heavy the noise's tails are: α = 2 is the Gaussian bell curve, and the " +
		"smaller α, the more often huge values occur (the chance of a value above t falls like t⁻ᵅ). " +
		"Each point is α̂ measured on every batch's noise at that iteration; the shaded band is its 95% interval, " +
		"and the dashed line at 2 is what Gaussian noise would give."

	TextHist = "The bars show how the noise values of the latest measurement are spread, on a log scale so that " +
		"rare large values stay visible. The solid curve is an α-stable law with the measured α̂, the dashed one " +
		"a Gaussian with the same middle: where the bars follow the solid curve far out, the tails are heavy."

	TextLoss = "The loss measures how wrong the network is, and the accuracy how often it picks the right class; " +
		"both are shown on the training examples and on test examples it never trains on. " +
		"The thin line is the loss of each training batch."

	TextLayers = "Each layer's weights have their own noise, measured separately: layers often differ, and the " +
		"paper found α̂ changes with the network's width and depth."

	TextZeros = "ReLU units that never fire give gradients that are exactly zero; the estimate skips these values, " +
		"and this chart shows how many there are."

	TextNorms = "How far each batch's gradient lies from the mean gradient, ‖g_j − ḡ‖, as the reference code logs it: " +
		"a few batches far out are the heavy tail seen batch by batch. With test-set noise on, the test set's batches are shown too, " +
		"and the α̂ chart above shows the test set's α̂ in blue."

	TextServer = "A bigger run (all 60 000 MNIST images, the noise measured on every batch as in the paper) takes " +
		"minutes: the server can run it and show its progress and result here."
)
