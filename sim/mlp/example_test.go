package mlp_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/spec"
)

// The incremental form a browser drives: Loop takes steps in slices of about 10 ms and
// measures whenever a measurement is due; a page would yield to its event loop in the
// callbacks (package ui/networkview blocks on a MessageChannel there).
func ExampleLoop() {
	s := spec.MustNew("mlp", 1)
	s.SetChoice("dataset", "spirals")
	s.SetText("n", "1000")
	s.SetText("testN", "200")
	s.SetText("iters", "200")
	train, test, err := mlp.LoadData(s) // a browser would decode sets from the server instead
	if err != nil {
		fmt.Println(err)
		return
	}
	tr, err := mlp.NewTrainer(s, train, test)
	if err != nil {
		fmt.Println(err)
		return
	}
	err = mlp.Loop{
		Slice: 10 * time.Millisecond,
		Measured: func(ev mlp.Evaluation) error {
			fmt.Printf("iteration %d: test accuracy %.2f, α̂ %.2f\n", ev.Iter, ev.TestAcc, ev.Alpha)
			return nil
		},
	}.Run(context.Background(), tr)
	if err != nil {
		fmt.Println(err)
	}
}
