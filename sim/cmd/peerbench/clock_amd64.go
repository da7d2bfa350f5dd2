//go:build !js && !wasip1

package main

import "time"

func addChain(n int)

// clockHz estimates the core's clock while it runs: a chain of dependent integer additions
// retires one per cycle, so 8·n of them in t seconds is 8·n/t cycles per second. The fastest
// of many short runs (~0.1 ms, shorter than a scheduler's time slice) is kept: a shared machine
// only ever slows it down.
func clockHz() float64 {
	const n = 1 << 14
	best := time.Duration(1 << 62)
	for i := 0; i < 2000; i++ {
		start := time.Now()
		addChain(n)
		best = min(best, time.Since(start))
	}
	return 8 * n / best.Seconds()
}
