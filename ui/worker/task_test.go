package worker

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
)

func init() {
	// test-task doubles {"n": N}; "fail" fails; "wait" runs until it is cancelled.
	Handle("test-task", func(ctx context.Context, in []byte, report spec.Reporter) ([]byte, error) {
		switch string(in) {
		case "fail":
			return nil, errors.New("test-task: asked to fail")
		case "wait":
			<-ctx.Done()
			return nil, ctx.Err()
		}
		var v struct{ N int }
		if err := json.Unmarshal(in, &v); err != nil {
			return nil, err
		}
		v.N *= 2
		return json.Marshal(v)
	})
}

type taskResult struct{ N int }

// lockRenderer is a Renderer that counts its renders.
type lockRenderer struct {
	sync.Mutex
	renders int
}

func (r *lockRenderer) UnlockRender() { r.renders++; r.Unlock() }

// settle waits until t no longer runs.
func settle(t *testing.T, r *lockRenderer, task *Task[taskResult]) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; {
		r.Lock()
		running := task.Running()
		r.Unlock()
		if !running {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the task still runs after 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestTask follows one Task through a result, an error, a cancellation and a failure to start,
// checking what a view would show for the key it wants after each.
func TestTask(t *testing.T) {
	r := new(lockRenderer)
	task := new(Task[taskResult])
	start := func(key, input string, done func(*taskResult)) {
		r.Lock()
		task.Start(r, "test-task", key, []byte(input), done)
		r.Unlock()
		settle(t, r, task)
	}
	type view struct {
		state, err string
		res        int // the result's N, or -1 for none
		wants      bool
	}
	look := func(key string) view {
		r.Lock()
		defer r.Unlock()
		v := view{state: task.State(key), err: task.Error(key), res: -1, wants: task.Wants(key)}
		if res := task.Result(key); res != nil {
			v.res = res.N
		}
		return v
	}

	var charted *taskResult
	steps := []struct {
		name string
		run  func()
		key  string
		want view
	}{
		{"empty", func() {}, "a", view{state: "empty", res: -1, wants: true}},
		{"done", func() { start("a", `{"N": 21}`, func(res *taskResult) { charted = res }) }, "a", view{state: "done", res: 42}},
		{"done, another key wanted", func() {}, "b", view{state: "empty", res: 42, wants: true}},
		{"error", func() { start("b", "fail", nil) }, "b", view{state: "error", err: "test-task: asked to fail", res: -1}},
		{"error, the result's key wanted", func() {}, "a", view{state: "done", res: 42}},
		{"cancelled", func() {
			r.Lock()
			task.Start(r, "test-task", "c", []byte("wait"), nil)
			task.Cancel()
			r.Unlock()
			settle(t, r, task)
		}, "c", view{state: "cancelled", res: 42}},
		{"forgotten", func() { r.Lock(); task.Forget(); r.Unlock() }, "c", view{state: "empty", res: 42, wants: true}},
		{"failed to start", func() { r.Lock(); task.Fail("d", errors.New("no input")); r.Unlock() }, "d", view{state: "error", err: "no input", res: -1}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.run()
			if got := look(st.key); got != st.want {
				t.Errorf("for key %q: %+v; want %+v", st.key, got, st.want)
			}
		})
	}
	if charted == nil || charted.N != 42 {
		t.Errorf("done was called with %+v; want the result {N: 42}", charted)
	}
	r.Lock()
	status := task.Status()
	r.Unlock()
	if status != "Cancelled. The charts still show the previous result." {
		t.Errorf("status after the cancel: %q", status)
	}
	if r.renders < 3 {
		t.Errorf("%d renders for the outcomes of 3 runs", r.renders)
	}
}
