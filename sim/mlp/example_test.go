package mlp_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/spec"
)

// The incremental form a browser drives: a step at a time, yielding to the page regularly,
// and a measurement whenever one is due.
func ExampleTrainer() {
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
	yield := time.Now()
	for {
		if tr.EvalDue() {
			ev, err := tr.Evaluate(context.Background(), func(float64) {
				if time.Since(yield) > 10*time.Millisecond {
					time.Sleep(0) // let the page run
					yield = time.Now()
				}
			})
			if err != nil {
				fmt.Println(err)
				return
			}
			fmt.Printf("iteration %d: test accuracy %.2f, α̂ %.2f\n", ev.Iter, ev.TestAcc, ev.Alpha)
		}
		if tr.Done() {
			break
		}
		if _, err := tr.Step(); err != nil {
			fmt.Println(err)
			return
		}
	}
}
