package linalg

// Input returns x as a []T. The browser's build trains in float32 only (For[float64] is nil
// there), so x is returned as it is, in a few inlined instructions.
func Input[T Float](x []float32, _ *[]T) []T { return any(x).([]T) }
