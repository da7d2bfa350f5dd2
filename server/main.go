// Command server is the tailscope command (go build -o tailscope ./server). With no
// subcommand, or "serve", it runs Tailscope: it serves the browser app (see server/web)
// and the JSON API under /api/ (see server/api and server/README.md), keeping
// shares and runs in an embedded database in the -data directory. Its other
// subcommands (run, kinds, mlp, tailindex, ...; `tailscope help` lists them) are in cli.go.
//
//	go run ./server [-addr localhost:8080] [-data DIR] [-workers N] [-grace 20s] [-run-timeout 1h]
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
	"github.com/tailscope/tailscope/server/jobs"
	"github.com/tailscope/tailscope/server/store/boltstore"
	"github.com/tailscope/tailscope/server/web"
	"github.com/tailscope/tailscope/sim/data"
	simrun "github.com/tailscope/tailscope/sim/run"
)

func main() {
	if status, handled := subcommand(os.Args[1:]); handled {
		os.Exit(status)
	}
	addr := flag.String("addr", "localhost:8080", "address to listen on (host:port)")
	dataDir := flag.String("data", defaultDataDir(), "directory of the database of shares and runs")
	workers := flag.Int("workers", runtime.NumCPU(), "runs executed at once on the CPU backend")
	grace := flag.Duration("grace", 20*time.Second, "at shutdown, how long running work may go on before it is saved to resume at the next start")
	runTimeout := flag.Duration("run-timeout", time.Hour, "a run still working after this long fails")
	baseURL := flag.String("base-url", "", "public URL of the server, for the links of shares (e.g. https://tailscope.example.org behind a proxy); empty: from each request's Host")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *dataDir, *baseURL, *workers, *grace, *runTimeout); err != nil {
		fmt.Fprintf(os.Stderr, "tailscope: %v\n", err)
		os.Exit(1)
	}
}

// defaultDataDir is a tailscope-data folder in the user's cache directory, or in the
// working directory where there is none.
func defaultDataDir() string {
	// sim/data's DefaultDir: the same, or $TAILSCOPE_DATA_DIR if set. `tailscope data get`
	// puts CIFAR there too.
	return data.DefaultDir()
}

func run(ctx context.Context, addr, dataDir, baseURL string, workers int, grace, runTimeout time.Duration) error {
	if baseURL != "" {
		if u, err := url.Parse(baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("-base-url %q: want an absolute http or https URL such as https://tailscope.example.org", baseURL)
		}
	}
	if workers < 1 {
		return fmt.Errorf("-workers must be at least 1, got %d", workers)
	}
	data.SetDir(dataDir) // downloaded datasets (CIFAR) are read from it
	st, err := boltstore.Open(dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	runs, err := jobs.New(ctx, jobs.Config{Backend: simrun.CPU{Workers: workers}, Store: st, Workers: workers, MaxRunTime: runTimeout})
	if err != nil {
		return err
	}
	apiSrv, err := api.New(api.Config{Store: st, Runs: runs, Datasets: new(api.DataCatalog), BaseURL: baseURL})
	if err != nil {
		return err
	}
	h, _, err := newMux(ctx, web.Options{}, apiSrv)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	srv.RegisterOnShutdown(apiSrv.CloseStreams)
	fmt.Printf("Tailscope is running at %s (data in %s, %d workers)\n", appURL(ln.Addr()), dataDir, workers)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
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
	// Running work gets a grace period; what is still running after it is saved as
	// queued, with its progress, and starts again at the next start.
	graceCtx, cancelGrace := context.WithTimeout(context.Background(), grace)
	defer cancelGrace()
	if err := runs.Shutdown(graceCtx); err != nil {
		fmt.Fprintln(os.Stderr, "tailscope: runs still working were saved to resume at the next start")
	}
	return nil
}

// newMux builds the server's route table; it also returns the app's handler.
func newMux(ctx context.Context, opts web.Options, apiSrv *api.Server) (*http.ServeMux, *web.Handler, error) {
	app, err := web.New(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", apiSrv)                                                   // the JSON API
	mux.Handle("GET /s/{id}", apiSrv.SharePage(http.HandlerFunc(app.ServeIndex))) // share links: the app, or 404
	mux.Handle("/", app)                                                          // index.html, main.wasm, wasm_exec.js, assets, /healthz
	return mux, app, nil
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
