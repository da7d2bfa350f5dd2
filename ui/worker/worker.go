// Package worker runs the browser app's long computations off the page's thread.
//
// Go compiled to wasm runs all its goroutines on the page's one thread, and some computations
// (an estimator over a million values) take seconds in one uninterruptible call. So the app runs
// them in a Web Worker: a second instance of the same main.wasm, started by wasm/assets/worker.js,
// which calls Serve instead of rendering. A job is a named Handler, registered at init time with
// Handle in both instances; Run sends the job's input to a worker, relays its progress reports,
// and returns its output. Cancelling Run's context terminates the worker at once. A panic in a
// handler is the run's error; one elsewhere in the worker (a goroutine a handler started) ends
// its Go program, which worker.js reports, so the run fails with that error instead of waiting.
//
// Outside a browser (native tests, node), or where Web Workers are missing, Run calls the handler
// in the calling goroutine, so the same code is tested natively.
package worker

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/tailscope/tailscope/sim/spec"
)

// Handler computes a job: it reads its input, reports progress, and returns its output. In a worker
// its context is never cancelled (the worker is terminated instead); in-thread it is Run's.
type Handler func(ctx context.Context, input []byte, report spec.Reporter) ([]byte, error)

var (
	mu       sync.Mutex
	handlers = map[string]Handler{}
)

// Handle registers h as the handler of job. Call it from an init function, so that the page and
// its workers (which run the same binary) know the same jobs. It panics on a duplicate name.
func Handle(job string, h Handler) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := handlers[job]; dup {
		panic("worker: job " + job + " registered twice")
	}
	handlers[job] = h
}

// Jobs returns the names of the registered jobs, sorted.
func Jobs() []string {
	mu.Lock()
	defer mu.Unlock()
	names := make([]string, 0, len(handlers))
	for k := range handlers {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func lookup(job string) (Handler, error) {
	mu.Lock()
	defer mu.Unlock()
	h, ok := handlers[job]
	if !ok {
		return nil, fmt.Errorf("worker: no job %q is registered", job)
	}
	return h, nil
}

// runHere runs job in the calling goroutine.
func runHere(ctx context.Context, job string, input []byte, report spec.Reporter) ([]byte, error) {
	h, err := lookup(job)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := h(ctx, input, report)
	if err == nil {
		err = ctx.Err()
	}
	return out, err
}
