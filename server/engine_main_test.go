package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/engine"
	"github.com/tailscope/tailscope/server/store"
	simrun "github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/sweep"
)

func TestSweepAndWorkerCommands(t *testing.T) {
	tests := []struct {
		name           string
		args           []string
		status         int
		stdout, stderr string
	}{
		{"help lists them", []string{"help"}, 0, "\n  worker -nats URL", ""},
		{"the cpu preset", []string{"sweep", "cpu"}, 0, "width=16,32,64,128,256", "cpu: 30 runs"},
		{"the paper's grid is refused", []string{"sweep", "paper"}, 1, "", "runs are refused"},
		{"a query", []string{"sweep", "kind=stable&alpha=1.2,1.8&seeds=1,2,3"}, 0, "alpha=1.2,1.8", "cpu: 6 runs"},
		{"a bad sweep", []string{"sweep", "kind=stable&alpha=9"}, 2, "", "alpha: must be in"},
		{"sweep without an argument", []string{"sweep"}, 2, "", "usage: tailscope sweep"},
		{"worker without -nats", []string{"worker"}, 2, "", "usage: tailscope worker"},
		{"worker on an unknown backend", []string{"worker", "-nats", "nats://127.0.0.1:1", "-backend", "cuda"}, 2, "", "cpu backend only"},
		{"worker with no slots", []string{"worker", "-nats", "nats://127.0.0.1:1", "-workers", "0"}, 2, "", "at least 1"},
		{"worker without a server", []string{"worker", "-nats", "nats://127.0.0.1:1"}, 1, "", "connecting to NATS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			status, _ := dispatch(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
			if status != tt.status || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errb.String(), tt.stderr) {
				t.Fatalf("status %d, want %d with %q and %q\nstdout:\n%s\nstderr:\n%s", status, tt.status, tt.stdout, tt.stderr, out.String(), errb.String())
			}
		})
	}
}

// TestSweepOnAServer runs `tailscope sweep -server URL` against the API on the engine, with
// the server's own local workers, as `go run ./server` starts them.
func TestSweepOnAServer(t *testing.T) {
	t.Parallel()
	st := new(store.Memory)
	rs, err := startRuns(context.Background(), engineFlags{natsListen: "127.0.0.1:0", attempts: 3}, simrun.CPU{Workers: 1}, t.TempDir(), st, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Shutdown(context.Background())
	srv, err := api.New(api.Config{Store: st, Runs: rs, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	var out, errb bytes.Buffer
	status, _ := dispatch(context.Background(), []string{"sweep", "-server", ts.URL, "kind=stable&n=500&alpha=1.2,1.8&seeds=1,2"}, nil, &out, &errb)
	var got sweep.Status
	if status != 0 || json.Unmarshal(out.Bytes(), &got) != nil || got.Counts["done"] != 4 || len(got.Runs[3].Result) == 0 {
		t.Fatalf("status %d\nstdout:\n%s\nstderr:\n%s", status, out.String(), errb.String())
	}
	if !strings.Contains(errb.String(), "done 4, running 0, queued 0") {
		t.Errorf("no final progress line:\n%s", errb.String())
	}
}

// TestWorkerCommandNeedsTheToken: `tailscope worker` without the embedded NATS server's token
// is refused with a message saying where it is; with it (flag, environment or URL) it runs the
// server's runs. The server's start line says how to start one without printing the token.
func TestWorkerCommandNeedsTheToken(t *testing.T) {
	dir := t.TempDir()
	rs, err := startRuns(context.Background(), engineFlags{natsListen: "127.0.0.1:0", attempts: 3}, simrun.CPU{Workers: 1}, dir, new(store.Memory), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Shutdown(context.Background())
	token := rs.emb.Token
	line := rs.workerCommand()
	if !strings.Contains(line, engine.TokenEnv+"=$(cat "+filepath.Join(dir, engine.TokenFile)+") tailscope worker -nats "+rs.emb.URL) || strings.Contains(line, token) {
		t.Errorf("the start line's worker command %q: want the token read from its file, not printed", line)
	}
	t.Setenv(engine.TokenEnv, "")
	var out, errb bytes.Buffer
	status, _ := dispatch(context.Background(), []string{"worker", "-nats", rs.emb.URL}, nil, &out, &errb)
	if status != 1 || !strings.Contains(errb.String(), "refused this client's credentials") || !strings.Contains(errb.String(), engine.TokenFile) {
		t.Fatalf("a worker without the token: status %d\n%s%s", status, out.String(), errb.String())
	}
	withURL := strings.Replace(rs.emb.URL, "nats://", "nats://"+token+"@", 1)
	for _, tt := range []struct {
		name string
		args []string
		env  string
	}{
		{"-token", []string{"-nats", rs.emb.URL, "-token", token}, ""},
		{"the environment", []string{"-nats", rs.emb.URL}, token},
		{"the URL", []string{"-nats", withURL}, ""},
	} {
		t.Run("a worker with the token in "+tt.name+" runs", func(t *testing.T) {
			t.Setenv(engine.TokenEnv, tt.env)
			ctx, cancel := context.WithCancel(context.Background())
			var wout, werr bytes.Buffer
			done := make(chan int)
			go func() {
				status, _ := dispatch(ctx, append([]string{"worker", "-workers", "1", "-grace", "0s"}, tt.args...), nil, &wout, &werr)
				done <- status
			}()
			r, err := rs.Submit(context.Background(), spec.MustNew("stable", 3))
			if err != nil {
				t.Fatal(err)
			}
			wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer wcancel()
			ch, err := rs.Watch(wctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			var last store.Run
			for last = range ch {
			}
			cancel()
			if status := <-done; status != 0 || last.State != store.Done {
				t.Fatalf("run %s %q; worker status %d\n%s%s", last.State, last.Error, status, wout.String(), werr.String())
			}
			if strings.Contains(wout.String()+werr.String(), token) {
				t.Errorf("the worker printed the token:\n%s%s", wout.String(), werr.String())
			}
		})
	}
}

// TestExternalNATSCredentials: -nats URL to a NATS server that wants a token passes the
// credentials through (in the URL, or in $TAILSCOPE_NATS_TOKEN), and is refused without them.
func TestExternalNATSCredentials(t *testing.T) {
	const token = "external-cluster-token-0123456789"
	for _, tt := range []struct {
		name       string
		tokenInURL bool
		env        string
		ok         bool
	}{
		{"no credentials", false, "", false},
		{"the token in the URL", true, "", true},
		{"the token in the environment", false, token, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// A cluster of its own for each case: a run pulled by the previous case's
			// stopped engine would only come back after the work queue's ack wait.
			ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true, Authorization: token})
			if err != nil {
				t.Fatal(err)
			}
			go ns.Start()
			defer ns.Shutdown()
			if !ns.ReadyForConnections(10 * time.Second) {
				t.Fatal("NATS not ready")
			}
			url := ns.ClientURL()
			if tt.tokenInURL {
				url = strings.Replace(url, "nats://", "nats://"+token+"@", 1)
			}
			t.Setenv(engine.TokenEnv, tt.env)
			rs, err := startRuns(context.Background(), engineFlags{natsURL: url, attempts: 3}, simrun.CPU{Workers: 1}, t.TempDir(), new(store.Memory), 1, 0)
			if !tt.ok {
				if err == nil {
					rs.Shutdown(context.Background())
					t.Fatal("connected without the token")
				}
				if !strings.Contains(err.Error(), "refused this client's credentials") || strings.Contains(err.Error(), token) {
					t.Fatalf("error %q: want a refusal that does not print the token", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Shutdown(context.Background())
			if line := rs.workerCommand(); strings.Contains(line, token) {
				t.Errorf("the start line prints the token: %s", line)
			}
			r, err := rs.Submit(context.Background(), spec.MustNew("stable", 5))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			ch, err := rs.Watch(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			var last store.Run
			for last = range ch {
			}
			if last.State != store.Done {
				t.Fatalf("run %s %q", last.State, last.Error)
			}
		})
	}
}
