package mlp

// float64Built is false in the browser's build: it trains in float32 only and refuses
// precision=float64 with ErrNoFloat64 (float64.go holds the native side).
const float64Built = false
