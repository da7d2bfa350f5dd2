// Command server is the tailscope command (go build -o tailscope ./server). With no
// subcommand, or "serve", it runs Tailscope: it serves the browser app (see server/web)
// and the JSON API under /api/ (see server/api and server/README.md), keeping
// shares and runs in an embedded database in the -data directory. Its other
// subcommands (run, kinds, mlp, tailindex, ...; `tailscope help` lists them) are in cli.go.
//
//	go run ./server [-addr localhost:8080] [-data DIR] [-workers N] [-base-url URL] [-max-store 2GiB] ...
//	go run ./server help
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/store/boltstore"
	"github.com/tailscope/tailscope/server/web"
	"github.com/tailscope/tailscope/sim/data"
)

func main() {
	if status, handled := subcommand(os.Args[1:]); handled {
		os.Exit(status)
	}
	o := defaultOptions()
	o.register(flag.CommandLine)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := selectBackend(o.backend, o.tf32, 1); err != nil {
		fmt.Fprintf(os.Stderr, "tailscope: -backend %s: %v\n", o.backend, err)
		os.Exit(1)
	}
	if err := run(ctx, o); err != nil {
		fmt.Fprintf(os.Stderr, "tailscope: %v\n", err)
		os.Exit(1)
	}
}

// options are the server's flags.
type options struct {
	addr, dataDir, baseURL string
	workers                int
	grace, runTimeout      time.Duration
	maxStore               byteSize
	allowOrigins           listFlag
	maxConns               int
	rate, writeRate        float64
	runsPerClient          int
	realIPHeader           string
	idleTimeout            time.Duration
	writeTimeout           time.Duration
	engine                 engineFlags
	backend                string // -backend: auto, cpu or cuda (sim/cuda.Select)
	tf32                   bool

	// For tests: the app's handler instead of server/web's (nil: web.New), the time to
	// send headers (0: 10 s), and the API's settings on top of the flags'.
	app               http.Handler
	readHeaderTimeout time.Duration
	tune              func(*api.Config)
}

func defaultOptions() options {
	return options{
		addr: "localhost:8080", dataDir: defaultDataDir(), workers: runtime.NumCPU(),
		grace: 20 * time.Second, runTimeout: time.Hour, maxStore: 2 << 30,
		maxConns: 1024, rate: 20, writeRate: 1, runsPerClient: 3,
		idleTimeout: 60 * time.Second, writeTimeout: 60 * time.Second, backend: "auto",
		engine: defaultEngineFlags(),
	}
}

func (o *options) register(fs *flag.FlagSet) {
	fs.StringVar(&o.addr, "addr", o.addr, "address to listen on (host:port)")
	fs.StringVar(&o.dataDir, "data", o.dataDir, "directory of the database of shares and runs")
	fs.IntVar(&o.workers, "workers", o.workers, "runs executed at once by this server's own workers on the CPU backend (0: none; `tailscope worker` adds machines)")
	o.engine.register(fs)
	fs.DurationVar(&o.grace, "grace", o.grace, "at shutdown, how long running work may go on before it is saved to resume at the next start")
	fs.DurationVar(&o.runTimeout, "run-timeout", o.runTimeout, "a run still working after this long fails; a run estimated to take longer is refused")
	fs.StringVar(&o.baseURL, "base-url", o.baseURL, "public URL of the server, for the links of shares and the Host and Origin checks (e.g. https://tailscope.example.org behind a proxy); empty: from each request's Host")
	fs.Var(&o.maxStore, "max-store", "quota of the database (e.g. 500MiB, 2GiB; 0: none): new shares and runs beyond it are refused with 507")
	fs.Var(&o.allowOrigins, "allow-origin", "another origin (https://host[:port]) whose pages may post to the API; repeat or separate with commas")
	fs.IntVar(&o.maxConns, "max-conns", o.maxConns, "connections open at once; more are answered 503 and closed")
	fs.Float64Var(&o.rate, "rate", o.rate, "API requests per second per client (bursts of 3 s worth); 0: no limit")
	fs.Float64Var(&o.writeRate, "write-rate", o.writeRate, "new runs, shares and cancellations per second per client (bursts of 10 s worth, at least 10); 0: no limit")
	fs.IntVar(&o.runsPerClient, "runs-per-client", o.runsPerClient, "queued or running runs one client may have; 0: no limit")
	fs.StringVar(&o.realIPHeader, "real-ip-header", o.realIPHeader, "header in which a trusted proxy in front gives the client's address (e.g. X-Forwarded-For, CF-Connecting-IP); empty: the connection's")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", o.idleTimeout, "an idle keep-alive connection is closed after this long")
	fs.StringVar(&o.backend, "backend", o.backend, "where runs compute: auto (a CUDA GPU for kind mlp when one is usable, else the CPU), cpu, or cuda (refuse to start without a usable GPU)")
	fs.BoolVar(&o.tf32, "tf32", o.tf32, "let cuBLAS use TF32 tensor cores on the CUDA backend (faster, about 3 fewer decimal digits in products)")
	fs.DurationVar(&o.writeTimeout, "write-timeout", o.writeTimeout, "time to send an answer (event streams excepted; dataset answers get more by their size)")
}

// defaultDataDir is a tailscope-data folder in the user's cache directory, or in the
// working directory where there is none.
func defaultDataDir() string {
	// sim/data's DefaultDir: the same, or $TAILSCOPE_DATA_DIR if set. `tailscope data get`
	// puts CIFAR there too.
	return data.DefaultDir()
}

// hosts returns the Host values the server answers to: the -base-url's host; with a
// loopback -addr, the loopback names; nil (any) for an address on a network interface
// without -base-url, where the server cannot know its names.
func (o options) hosts(port string) []string {
	var hs []string
	if o.baseURL != "" {
		u, _ := url.Parse(o.baseURL)
		hs = append(hs, u.Host, u.Hostname())
	}
	host, _, _ := net.SplitHostPort(o.addr)
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) && o.baseURL == "" {
		return nil
	}
	// With -base-url on a network interface, the loopback names serve checks on the
	// machine itself.
	return append(hs, api.LoopbackHosts(port)...)
}

// run listens on -addr and serves until ctx is cancelled.
func run(ctx context.Context, o options) error {
	if err := o.check(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", o.addr, err)
	}
	return serve(ctx, o, ln, func(s string) { fmt.Print(s) })
}

// check validates the flags.
func (o options) check() error {
	if o.baseURL != "" {
		if u, err := url.Parse(o.baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("-base-url %q: want an absolute http or https URL such as https://tailscope.example.org", o.baseURL)
		}
	}
	if o.workers < 0 {
		return fmt.Errorf("-workers must be at least 0, got %d", o.workers)
	}
	if o.maxConns < 1 {
		return fmt.Errorf("-max-conns must be at least 1, got %d", o.maxConns)
	}
	for _, origin := range o.allowOrigins {
		if u, err := url.Parse(origin); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			return fmt.Errorf("-allow-origin %q: want an origin such as https://teach.example.org", origin)
		}
	}
	return nil
}

// serve serves on ln until ctx is cancelled, then shuts down gracefully; it prints the
// line saying where it runs with say.
func serve(ctx context.Context, o options, ln net.Listener, say func(string)) error {
	defer ln.Close()
	data.SetDir(o.dataDir) // downloaded datasets (CIFAR) are read from it
	st, err := boltstore.OpenWith(o.dataDir, boltstore.Options{MaxBytes: int64(o.maxStore), Logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }})
	if err != nil {
		return err
	}
	defer st.Close()
	runKey, err := st.Key("cancel-tokens")
	if err != nil {
		return err
	}
	runs, err := startRuns(ctx, o.engine, backendFor(1), o.dataDir, st, o.workers, o.runTimeout)
	if err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	cfg := api.Config{
		Store: st, Runs: runs, Backend: backendLine, Datasets: new(api.DataCatalog), BaseURL: o.baseURL,
		Hosts: o.hosts(port), AllowedOrigins: o.allowOrigins,
		RequestRate: o.rate, RequestBurst: int(3 * o.rate),
		WriteRate: o.writeRate, WriteBurst: max(10, int(10*o.writeRate)),
		RunTimeout: o.runTimeout, MaxRunsPerClient: o.runsPerClient, RunKey: runKey,
	}
	if o.realIPHeader != "" {
		cfg.ClientIP = api.HeaderClientIP(o.realIPHeader)
	}
	if o.tune != nil {
		o.tune(&cfg)
	}
	apiSrv, err := api.New(cfg)
	if err != nil {
		return err
	}
	var h http.Handler
	if o.app != nil {
		h = routes(apiSrv, o.app, o.app)
	} else if h, _, err = newMux(ctx, web.Options{}, apiSrv); err != nil {
		return err
	}
	srv := newHTTPServer(apiSrv.Guard(h), o)
	srv.RegisterOnShutdown(apiSrv.CloseStreams)
	if cfg.Hosts == nil {
		fmt.Fprintln(os.Stderr, "tailscope: listening beyond loopback without -base-url: any Host is answered (set -base-url to refuse other names)")
	}
	say(fmt.Sprintf("Tailscope is running at %s (data in %s, %d workers; add machines with: %s)\n", appURL(ln.Addr()), o.dataDir, o.workers, runs.workerCommand()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(limitListener(ln, o.maxConns)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutting down: %w", err)
	}
	// Running work gets a grace period; what is still running after it is handed back to
	// the work queue, and starts again on another worker or at the next start.
	graceCtx, cancelGrace := context.WithTimeout(context.Background(), o.grace)
	defer cancelGrace()
	if err := runs.Shutdown(graceCtx); err != nil {
		fmt.Fprintln(os.Stderr, "tailscope: runs still working were handed back to the queue, to start again")
	}
	return nil
}

// newHTTPServer bounds what one connection may take: the time to send headers, their
// size, the time an idle keep-alive connection is kept and the time to send an answer
// (event streams lift it; dataset answers extend it by their size).
func newHTTPServer(h http.Handler, o options) *http.Server {
	rht := o.readHeaderTimeout
	if rht <= 0 {
		rht = 10 * time.Second
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: rht,
		IdleTimeout:       o.idleTimeout,
		WriteTimeout:      o.writeTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}

// maxHeaderBytes bounds a request's headers (net/http's default is 1 MiB).
const maxHeaderBytes = 32 << 10

// newMux builds the server's route table; it also returns the app's handler.
func newMux(ctx context.Context, opts web.Options, apiSrv *api.Server) (*http.ServeMux, *web.Handler, error) {
	app, err := web.New(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	return routes(apiSrv, app, http.HandlerFunc(app.ServeIndex)), app, nil
}

// routes is the server's route table: the API, share links (the app's page index, or a 404
// page for an unknown share) and the app.
func routes(apiSrv *api.Server, app, index http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/api/", apiSrv)                        // the JSON API
	mux.Handle("GET /s/{id}", apiSrv.SharePage(index)) // share links: the app, or 404
	mux.Handle("/", app)                               // index.html, main.wasm, wasm_exec.js, assets, /healthz
	return mux
}

// appURL is the URL to print for a listener address: an unspecified host
// (":8080", "0.0.0.0") is shown as localhost.
func appURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
