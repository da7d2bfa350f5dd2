package noise

import (
	"context"
	"fmt"
	"sync"

	"github.com/tailscope/tailscope/sim/nn"
)

// forEachGradient computes the gradients of batches 0 … n−1 (batch(j) gives batch j's
// examples, newGradient(b) a worker's gradient function; M values each, in precision T) with
// up to workers goroutines, and hands them to consume strictly in order
// j = 0, 1, …, on the calling goroutine, so that every sum consume forms is the same whatever
// the number of workers. At most 2·workers gradients are held at once. The slice consume
// gets is reused after it returns.
func forEachGradient[T float32 | float64](ctx context.Context, newGradient func(batch int) func([]float32, []uint8, []T) (nn.Stats, error),
	M, workers, b, n int, batch func(j int) ([]float32, []uint8), consume func(j int, g []T, st nn.Stats) error) error {
	if workers <= 1 || n == 1 {
		gradient := newGradient(b)
		g := make([]T, M)
		for j := 0; j < n; j++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			x, y := batch(j)
			st, err := gradient(x, y, g)
			if err != nil {
				return fmt.Errorf("noise: batch %d: %w", j, err)
			}
			if err := consume(j, g, st); err != nil {
				return err
			}
		}
		return nil
	}

	type job struct {
		j int
		g []T
	}
	type result struct {
		g   []T
		st  nn.Stats
		err error
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	window := 2 * workers
	free := make(chan []T, window)
	for i := 0; i < window; i++ {
		free <- make([]T, M)
	}
	// Job j+window is dispatched only after the buffer of job j came back, that is after
	// slot j mod window was read: a ring of window slots is enough.
	slots := make([]chan result, window)
	for i := range slots {
		slots[i] = make(chan result, 1)
	}
	jobs := make(chan job)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		for j := 0; j < n; j++ {
			var g []T
			select {
			case g = <-free:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- job{j, g}:
			case <-ctx.Done():
				return
			}
		}
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gradient := newGradient(b)
			for jb := range jobs {
				x, y := batch(jb.j)
				st, err := gradient(x, y, jb.g)
				slots[jb.j%window] <- result{jb.g, st, err}
			}
		}()
	}
	for j := 0; j < n; j++ {
		if err := ctx.Err(); err != nil {
			return err // checked first: a ready result must not win the select below
		}
		var r result
		select {
		case r = <-slots[j%window]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if r.err != nil {
			return fmt.Errorf("noise: batch %d: %w", j, r.err)
		}
		if err := consume(j, r.g, r.st); err != nil {
			return err
		}
		free <- r.g
	}
	return nil
}
