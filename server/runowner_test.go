package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/jobs"
	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/networkview"
)

// blockingBackend runs until its run is cancelled.
type blockingBackend struct{}

func (blockingBackend) Run(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestAppClientOwnsItsRuns checks the browser's client against the API: the client that
// started a run can cancel it (it kept the run's cancel token), another client cannot.
func TestAppClientOwnsItsRuns(t *testing.T) {
	st := new(store.Memory)
	m, err := jobs.New(context.Background(), jobs.Config{Backend: blockingBackend{}, Store: st, Workers: 1, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown(context.Background())
	srv, err := api.New(api.Config{Store: st, Runs: m, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	owner, other := &networkview.Client{Base: ts.URL}, &networkview.Client{Base: ts.URL}
	id, err := owner.Submit(ctx, spec.MustNew("stable", 1))
	if err != nil {
		t.Fatal(err)
	}
	var ae *networkview.APIError
	if err := other.Cancel(ctx, id); !errors.As(err, &ae) || ae.Status != http.StatusForbidden {
		t.Errorf("another client's Cancel: %v; want a 403", err)
	}
	if err := owner.Cancel(ctx, id); err != nil {
		t.Errorf("the owner's Cancel: %v", err)
	}
	if st, err := owner.Run(ctx, id); err != nil || st.State != "cancelled" {
		t.Errorf("after the owner's Cancel: %+v, %v; want cancelled", st, err)
	}
}
