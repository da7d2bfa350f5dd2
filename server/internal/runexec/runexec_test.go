package runexec

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/spec"
)

// backendFunc adapts a function to run.Backend.
type backendFunc func(ctx context.Context, s spec.Spec, report spec.Reporter) (any, error)

func (f backendFunc) Run(ctx context.Context, s spec.Spec, report spec.Reporter) (any, error) {
	return f(ctx, s, report)
}

func TestCall(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		run     backendFunc
		want    any
		wantErr string
		logged  string
	}{
		{"result", func(context.Context, spec.Spec, spec.Reporter) (any, error) { return 42, nil }, 42, "", ""},
		{"error", func(context.Context, spec.Spec, spec.Reporter) (any, error) { return nil, boom }, nil, "boom", ""},
		{"panic", func(context.Context, spec.Spec, spec.Reporter) (any, error) { panic("index out of range") },
			nil, "internal error in the exit runner: index out of range", "run r1 (exit): panic: index out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log strings.Builder
			got, err := Call(context.Background(), tc.run, spec.Spec{Kind: "exit"}, func(spec.Progress) {}, "r1",
				func(format string, args ...any) { fmt.Fprintf(&log, format, args...) })
			if got != tc.want {
				t.Errorf("result %v, want %v", got, tc.want)
			}
			if (err == nil) != (tc.wantErr == "") || err != nil && err.Error() != tc.wantErr {
				t.Errorf("error %v, want %q", err, tc.wantErr)
			}
			if !strings.HasPrefix(log.String(), tc.logged) || (tc.logged == "") != (log.Len() == 0) {
				t.Errorf("logged %q, want it to start with %q", log.String(), tc.logged)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		result  any
		max     int
		want    string
		wantErr string
	}{
		{"fits", map[string]int{"a": 1}, 7, `{"a":1}`, ""},
		{"too-big", map[string]int{"a": 1}, 6, "", "the result is 7 bytes of JSON, more than the 6 allowed"},
		{"not-json", math.NaN(), 100, "", "the result could not be encoded as JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Encode(tc.result, tc.max)
			if string(got) != tc.want {
				t.Errorf("Encode = %q, want %q", got, tc.want)
			}
			if (err == nil) != (tc.wantErr == "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestOfferKeepsLatest(t *testing.T) {
	ch := make(chan store.Run, 1)
	Offer(ch, store.Run{ID: "a", Progress: 0.1})
	Offer(ch, store.Run{ID: "a", Progress: 0.5}) // replaces the unread 0.1 without blocking
	if r := <-ch; r.Progress != 0.5 {
		t.Errorf("watcher read progress %v, want the latest 0.5", r.Progress)
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		name, s string
		n       int
		want    string
	}{
		{"short", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"cut", "abcdef", 3, "abc…"},
		{"rune-boundary", "αβγ", 3, "α…"}, // α is 2 bytes: the half of β is dropped
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Clip(tc.s, tc.n); got != tc.want {
				t.Errorf("Clip(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
			}
		})
	}
}

func TestUnwatch(t *testing.T) {
	for _, tt := range []struct {
		name         string
		runEndsFirst bool
	}{
		{"the watcher's context ends first: the channel is closed", false},
		{"the run ends first: the channel is closed once, by the run", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			subs := map[chan store.Run]struct{}{}
			ch := make(chan store.Run, 1)
			subs[ch] = struct{}{}
			ctx, cancel := context.WithCancel(context.Background())
			Unwatch(ctx, &mu, subs, ch)
			if tt.runEndsFirst { // what the services do when a run ends
				mu.Lock()
				Offer(ch, store.Run{ID: "r", State: store.Done})
				close(ch)
				clear(subs)
				mu.Unlock()
			}
			cancel() // a second close would panic in the AfterFunc's goroutine, failing the test binary
			deadline := time.After(10 * time.Second)
			var got []store.State
			for open := true; open; {
				select {
				case r, ok := <-ch:
					if ok {
						got = append(got, r.State)
					}
					open = ok
				case <-deadline:
					t.Fatal("the channel is still open 10 s after the context ended")
				}
			}
			if want := map[bool]int{false: 0, true: 1}[tt.runEndsFirst]; len(got) != want {
				t.Errorf("records read before the close: %v, want %d", got, want)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(subs) != 0 {
				t.Errorf("%d watchers left in subs, want none", len(subs))
			}
		})
	}
}
