package noise

// float64Built is false in the browser's build: a Model with NewGradient64 is refused with
// ErrNoFloat64, and the float64 passes are not linked (float64.go holds the native side).
const float64Built = false
