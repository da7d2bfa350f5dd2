// Command server runs Tailscope: it serves the browser app (see server/web)
// and, later, the JSON API under /api/.
//
//	go run ./server [-addr localhost:8080]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tailscope/tailscope/server/web"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on (host:port)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr); err != nil {
		fmt.Fprintf(os.Stderr, "tailscope: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string) error {
	h, _, err := newMux(ctx, web.Options{})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("Tailscope is running at %s\n", appURL(ln.Addr()))
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
	return nil
}

// newMux builds the server's route table; it also returns the app's handler.
func newMux(ctx context.Context, opts web.Options) (*http.ServeMux, *web.Handler, error) {
	app, err := web.New(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	// The JSON API (server/api) mounts here, on the same mux:
	//	mux.Handle("/api/", api.New(...))
	mux.Handle("/", app) // index.html, /s/{id}, main.wasm, wasm_exec.js, assets, /healthz
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
