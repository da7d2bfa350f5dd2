// Package runexec holds what the server's two run services do around one call of a
// run.Backend: the in-process manager (server/jobs, used where no JetStream is wanted)
// and the JetStream workers (server/engine). Both must treat a runner's panic, an
// oversized result and a watcher that reads slowly the same way, so the rules live here.
package runexec

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

// DefaultMaxResultBytes is the largest JSON result a run may return unless configured.
const DefaultMaxResultBytes = 8 << 20

// MaxMessage is the most bytes of a runner's progress message a run record keeps.
const MaxMessage = 200

// Call runs s on b, turning a panic into an error so that no runner can take the
// process down; logf (may be nil) gets the panic with its stack, labelled by id.
func Call(ctx context.Context, b run.Backend, s spec.Spec, report spec.Reporter, id string, logf func(format string, args ...any)) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			if logf != nil {
				logf("run %s (%s): panic: %v\n%s", id, s.Kind, p, debug.Stack())
			}
			result, err = nil, fmt.Errorf("internal error in the %s runner: %v", s.Kind, p)
		}
	}()
	return b.Run(ctx, s, report)
}

// Encode is a run's result as the JSON its record keeps, or an error that says why it
// cannot be kept (it does not encode, or it is larger than max bytes).
func Encode(result any, max int) ([]byte, error) {
	enc, err := json.Marshal(result)
	if err != nil {
		return nil, fmt.Errorf("the result could not be encoded as JSON: %w", err)
	}
	if len(enc) > max {
		return nil, fmt.Errorf("the result is %d bytes of JSON, more than the %d allowed; ask for a smaller run", len(enc), max)
	}
	return enc, nil
}

// Offer puts r in ch, a channel with room for one, replacing a value the watcher has
// not read yet: a watcher wants the latest state, not every state. Only one sender
// may send on ch at a time (the caller holds the run's lock), so the send never blocks.
func Offer(ch chan store.Run, r store.Run) {
	select {
	case <-ch:
	default:
	}
	ch <- r
}

// Unwatch removes ch from subs and closes it once ctx is done, unless the run's end has
// closed it first (the run's end also removes it from subs, under mu): a watcher that ranges
// over ch then stops when its context does, instead of waiting for a run that may be late.
// mu guards subs, as it does where the run's records are offered.
func Unwatch(ctx context.Context, mu sync.Locker, subs map[chan store.Run]struct{}, ch chan store.Run) {
	context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if _, ok := subs[ch]; ok {
			delete(subs, ch)
			close(ch)
		}
	})
}

// Clip shortens s to at most n bytes, on a UTF-8 boundary, marking the cut with "…".
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
