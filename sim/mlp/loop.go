package mlp

import (
	"context"
	"time"
)

// Loop is the one training loop over a Trainer: it measures whenever a measurement is due
// and otherwise takes SGD steps in slices, until the spec's iterations are all taken and
// measured. Server runs (RunOn) and the browser's session both run it; they differ only in
// their callbacks. Every callback is optional and runs on the loop's goroutine, which is the
// only one that may touch the Trainer while Run runs.
type Loop struct {
	// Wait is called before each measurement (due is true) and each slice of steps, and
	// returns how many steps the slice may take at most (< 0: no limit; 0: none, and Wait
	// is asked again). It may block: the browser waits there while paused. An error stops
	// the loop and Run returns it. Nil: never wait, no limit.
	Wait func(ctx context.Context, due bool) (steps int, err error)
	// Slice is the computing time after which a slice of steps ends (it also ends where a
	// measurement falls due, at the last iteration and at Wait's limit). 0: a step a slice.
	Slice time.Duration
	// Stepped gets the minibatch losses (before each step) of every slice taken, the
	// partial slice too when a step fails; an error stops the loop.
	Stepped func(losses []float32) error
	// Measuring gets the fraction done of the measurement in progress (Trainer.Evaluate).
	Measuring func(fraction float64)
	// Measured gets each measurement; an error stops the loop.
	Measured func(ev Evaluation) error
}

// Run drives t to its end. It returns nil once every iteration is taken and measured, the
// error of a step or a measurement as it is (the trainer is left where it failed), a
// callback's error, or ctx.Err() when ctx is done (checked before every slice and during
// measurements).
func (l Loop) Run(ctx context.Context, t *Trainer) error {
	losses := make([]float32, 0, 256)
	for {
		due := t.EvalDue()
		if !due && t.Done() {
			return nil
		}
		limit := -1
		if l.Wait != nil {
			var err error
			if limit, err = l.Wait(ctx, due); err != nil {
				return err
			}
		}
		if due {
			ev, err := t.Evaluate(ctx, l.Measuring)
			if err != nil {
				return err
			}
			if l.Measured != nil {
				if err := l.Measured(ev); err != nil {
					return err
				}
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if limit == 0 {
			continue
		}
		losses = losses[:0]
		start := time.Now()
		var stepErr error
		for {
			st, err := t.Step()
			if err != nil {
				stepErr = err
				break
			}
			losses = append(losses, float32(st.Loss))
			if t.EvalDue() || t.Done() || len(losses) == limit || time.Since(start) >= l.Slice {
				break
			}
		}
		if l.Stepped != nil {
			if err := l.Stepped(losses); err != nil {
				return err
			}
		}
		if stepErr != nil {
			return stepErr
		}
	}
}
