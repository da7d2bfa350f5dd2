package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/tailscope/tailscope/server/engine"
	"github.com/tailscope/tailscope/server/store"
	simrun "github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/sweep"
)

// engineFlags are the server's flags for the run engine (NATS JetStream).
type engineFlags struct {
	natsURL     string
	natsListen  string
	ackWait     time.Duration
	attempts    int
	sweepBudget time.Duration
	logRuns     bool
	creds       engine.Credentials // for -nats: credentials besides those in its URL
	maxRunWork  float64            // -max-run-work: the mlp kind's bound on a run's multiply-adds here; 0: the kind's
	maxRunMem   byteSize           // -max-run-memory: the mlp kind's bound on a run's memory here; 0: the kind's
}

func defaultEngineFlags() engineFlags {
	return engineFlags{natsListen: "127.0.0.1:4222", ackWait: 30 * time.Second, attempts: 3, sweepBudget: 30 * 24 * time.Hour}
}

func (f *engineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.natsURL, "nats", f.natsURL, "URL(s) of an existing NATS cluster with JetStream (comma-separated; credentials in the URL, in -nats-creds, -nats-nkey or $"+engine.TokenEnv+"); empty: run one embedded, its files and its token ("+engine.TokenFile+") in -data")
	fs.StringVar(&f.natsListen, "nats-listen", f.natsListen, "where the embedded NATS server listens for `tailscope worker` processes, which must present the token in -data/"+engine.TokenFile+" (a free port if taken; port 0: any)")
	fs.StringVar(&f.creds.CredsFile, "nats-creds", f.creds.CredsFile, "with -nats: a user credentials file (JWT and nkey seed) to connect with")
	fs.StringVar(&f.creds.NkeyFile, "nats-nkey", f.creds.NkeyFile, "with -nats: an nkey seed file to connect with")
	fs.DurationVar(&f.ackWait, "ack-wait", f.ackWait, "a run whose worker sends no heartbeat for this long goes to another worker")
	fs.IntVar(&f.attempts, "attempts", f.attempts, "deliveries of a run whose workers stop without reporting before it fails")
	fs.BoolVar(&f.logRuns, "log-runs", f.logRuns, "log one line per run recorded final (id, state, attempt, worker)")
	fs.DurationVar(&f.sweepBudget, "sweep-budget", f.sweepBudget, "the longest a sweep may take on one worker, by its estimate (0: no bound)")
	fs.Float64Var(&f.maxRunWork, "max-run-work", f.maxRunWork, "the multiply-adds one mlp run may need on this server and its local workers (0: the kind's own bound, 2e13); give `tailscope worker` the same")
	fs.Var(&f.maxRunMem, "max-run-memory", "the memory one mlp run may need on this server and its local workers, e.g. 4GiB (0: the kind's own bound, 1GiB, what a browser tab holds); give `tailscope worker` the same")
}

// runService is the engine with its NATS connection, the embedded NATS server if any, and
// the local workers.
type runService struct {
	*engine.Engine
	emb     *engine.Embedded
	nc      *nats.Conn
	workers *engine.Worker
	stop    context.CancelFunc // stops the local workers' runs
	take    context.CancelFunc // stops the local workers taking runs
	done    chan struct{}
	natsURL string
}

// startRuns starts the engine (and the embedded NATS server unless -nats names one) and
// `workers` local worker slots.
func startRuns(ctx context.Context, f engineFlags, backend simrun.Backend, dataDir string, st store.Store, workers int, runTimeout time.Duration) (*runService, error) {
	rs := &runService{done: make(chan struct{})}
	// Runs are validated in this process (the API, the engine, the local workers).
	setMLPLimits(f.maxRunWork, f.maxRunMem)
	var err error
	if f.natsURL == "" {
		rs.emb, err = engine.StartEmbedded(dataDir, f.natsListen)
		if err != nil {
			return nil, err
		}
		rs.natsURL = rs.emb.URL
		rs.nc, err = rs.emb.Connect("tailscope server")
	} else {
		rs.natsURL = f.natsURL
		creds := f.creds
		if creds.Token == "" {
			creds.Token = os.Getenv(engine.TokenEnv)
		}
		rs.nc, err = engine.Dial(f.natsURL, "tailscope server", creds)
	}
	if err != nil {
		rs.close()
		return nil, err
	}
	rs.Engine, err = engine.New(ctx, engine.Config{Store: st, Conn: rs.nc, Setup: engine.Setup{AckWait: f.ackWait, MaxAttempt: f.attempts}, LogRuns: f.logRuns})
	if err != nil {
		rs.close()
		return nil, err
	}
	rs.SetSweepBudget(sweep.Budget{MaxSeconds: f.sweepBudget.Seconds()})
	take, cancelTake := context.WithCancel(context.Background())
	stop, cancelStop := context.WithCancel(context.Background())
	rs.take, rs.stop = cancelTake, cancelStop
	if workers == 0 {
		close(rs.done)
		return rs, nil
	}
	wc := rs.nc
	if rs.emb != nil {
		// Local workers get their own connection, as a remote one would.
		if wc, err = rs.emb.Connect("tailscope local workers"); err != nil {
			rs.close()
			return nil, err
		}
	}
	rs.workers = &engine.Worker{Conn: wc, Backend: backend, Slots: workers, Name: "local", MaxRunTime: runTimeout}
	go func() {
		defer close(rs.done)
		defer wc.Close()
		if err := rs.workers.Serve(take, stop); err != nil {
			fmt.Fprintf(os.Stderr, "tailscope: local workers: %v\n", err)
		}
	}()
	return rs, nil
}

// workerCommand says how to start a `tailscope worker` that joins this server, without
// printing the secret: the token is read from its file by the shell.
func (rs *runService) workerCommand() string {
	if rs.emb == nil {
		return "tailscope worker -nats " + engine.RedactURL(rs.natsURL) + " (with the cluster's credentials)"
	}
	return fmt.Sprintf("%s=$(cat %s) tailscope worker -nats %s", engine.TokenEnv, rs.emb.TokenPath, rs.natsURL)
}

// Shutdown stops the local workers taking runs, lets the running ones finish until ctx is
// done, then hands them back to the stream (they start again at the next start, or on another
// worker), and closes the engine and NATS. It returns ctx's error if it had to stop runs.
func (rs *runService) Shutdown(ctx context.Context) error {
	rs.take()
	var err error
	select {
	case <-rs.done:
	case <-ctx.Done():
		err = ctx.Err()
		rs.stop()
		<-rs.done
	}
	rs.stop()
	rs.close()
	return err
}

func (rs *runService) close() {
	if rs.Engine != nil {
		rs.Engine.Close()
	}
	if rs.nc != nil {
		rs.nc.Drain()
		rs.nc.Close()
	}
	if rs.emb != nil {
		rs.emb.Close()
	}
}

// setMLPLimits applies -max-run-work and -max-run-memory (of the server or of a worker) to
// the mlp kind's validation in this process; 0 keeps the kind's own bound.
func setMLPLimits(work float64, mem byteSize) {
	if work > 0 {
		spec.SetMLPWorkLimit(work)
	}
	if mem > 0 {
		spec.SetMLPMemoryLimit(int64(mem))
	}
}

// workerMain is `tailscope worker`: it adds this machine's cores to a server's runs.
func workerMain(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("nats", "", "URL(s) of the NATS server the Tailscope server uses, e.g. nats://host:4222 or nats://TOKEN@host:4222 (required)")
	var creds engine.Credentials
	fs.StringVar(&creds.Token, "token", os.Getenv(engine.TokenEnv), "the NATS token: that of a Tailscope server's embedded NATS is in its data directory's "+engine.TokenFile+" (default $"+engine.TokenEnv+", which keeps it out of the process list)")
	fs.StringVar(&creds.CredsFile, "creds", "", "a NATS user credentials file (JWT and nkey seed), for a cluster that wants one")
	fs.StringVar(&creds.NkeyFile, "nkey", "", "a NATS nkey seed file, for a cluster that wants one")
	backend := fs.String("backend", "cpu", "the backend this worker runs: cpu")
	slots := fs.Int("workers", runtime.NumCPU(), "runs at once")
	name := fs.String("name", "", "this worker's name in the runs' messages (default: host/pid)")
	runTimeout := fs.Duration("run-timeout", time.Hour, "a run still working after this long fails")
	maxRunWork := fs.Float64("max-run-work", 0, "the multiply-adds one mlp run may need (0: the kind's own bound, 2e13); give it the server's -max-run-work, or runs it admitted beyond the kind's bound fail here")
	var maxRunMem byteSize
	fs.Var(&maxRunMem, "max-run-memory", "the memory one mlp run may need, e.g. 4GiB (0: the kind's own bound, 1GiB); give it the server's -max-run-memory")
	grace := fs.Duration("grace", 10*time.Second, "at Ctrl-C or SIGTERM, how long running work may go on before it is handed back to another worker")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tailscope worker -nats URL [-backend cpu] [-workers N]   (the token in $"+engine.TokenEnv+", -token or the URL)\n\nTakes runs from the server's NATS JetStream work queue and executes them here. The server prints\nthe command to start one with; its token is in its data directory's "+engine.TokenFile+".")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *url == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if *backend != "cpu" {
		fmt.Fprintf(stderr, "tailscope worker: -backend %q: this build has the cpu backend only\n", *backend)
		return 2
	}
	if *slots < 1 {
		fmt.Fprintf(stderr, "tailscope worker: -workers must be at least 1, got %d\n", *slots)
		return 2
	}
	setMLPLimits(*maxRunWork, maxRunMem)
	nc, err := engine.Dial(*url, "tailscope worker", creds)
	if err != nil {
		fmt.Fprintf(stderr, "tailscope worker: %v\n", err)
		return 1
	}
	defer nc.Close()
	w := &engine.Worker{Conn: nc, Backend: simrun.CPU{Workers: 1}, BackendName: *backend, Slots: *slots, Name: *name, MaxRunTime: *runTimeout}
	stop, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	context.AfterFunc(ctx, func() { time.AfterFunc(*grace, cancel) })
	fmt.Fprintf(stdout, "tailscope worker: %d slots on backend %s, taking runs from %s\n", *slots, *backend, engine.RedactURL(*url))
	if err := w.Serve(ctx, stop); err != nil {
		fmt.Fprintf(stderr, "tailscope worker: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "tailscope worker: stopped after %d runs\n", w.Executed.Load())
	return 0
}
