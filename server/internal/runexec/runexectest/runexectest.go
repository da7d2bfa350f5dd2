// Package runexectest checks what the server's two run services (server/jobs and server/engine)
// must do alike, as storetest does for the stores: each service's tests call these checks on a
// service of their own.
package runexectest

import (
	"context"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/store"
)

// Watcher is the part of a run service these checks use.
type Watcher interface {
	Watch(ctx context.Context, id string) (<-chan store.Run, error)
}

// LastBeforeContextEnds watches run id with a context that ends after 50 ms, reads the channel
// until it is closed and returns the last record read. The run must not finish meanwhile: the
// check is that the service closes the channel when the watcher's context ends (a reader ranging
// over it would otherwise wait for the run forever); a channel still open 10 s later fails t.
func LastBeforeContextEnds(t *testing.T, w Watcher, id string) store.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ch, err := w.Watch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan store.Run)
	go func() {
		var last store.Run
		for last = range ch {
		}
		closed <- last
	}()
	select {
	case last := <-closed:
		return last
	case <-time.After(10 * time.Second):
		t.Fatal("the watch channel is still open 10 s after its context ended")
		return store.Run{}
	}
}
