//go:build !unix

package levy

import "time"

// processCPU is unknown on this platform (js/wasm): benchmarks report wall time only.
func processCPU() (time.Duration, bool) { return 0, false }
