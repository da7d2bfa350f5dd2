package nn

// LossGradient returns the loss statistics of the outputs out (b×C, b = len(y)) and, if dout
// is not nil, sets it (b×C) to the gradient of the mean loss with respect to out, using exp
// (C values, or nil when dout is nil) as scratch: the loss of Workspace.Gradient, for other
// architectures (sim/convnet) to share its numbers exactly.
func LossGradient(loss Loss, out []float32, y []uint8, dout []float32, exp []float64) Stats {
	return lossAndGrad(loss, out, y, dout, exp)
}
