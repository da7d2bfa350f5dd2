//go:build js && wasm

// Command worker is Tailscope's server as a Cloudflare Worker, built with
// github.com/syumai/workers: the same API handlers as the native server (server/api),
// with shares kept in Workers KV (server/store/kvstore) and the synthetic datasets
// generated in the Worker. The app's static files (index.html, main.wasm, wasm_exec.js,
// CSS) are served by Workers static assets; this program answers everything else:
// /api/..., /s/{id} and /healthz. Heavy runs are the native server's job: POST /api/runs
// answers 501 with an error that says so.
//
// Build and try it locally (see server/worker/README.md):
//
//	server/worker/build.sh && (cd server/worker && npx wrangler dev)
package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall/js"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/store/kvstore"
	"github.com/tailscope/tailscope/server/web/csp"
	"github.com/tailscope/tailscope/wasm/assets"
)

// kvBinding is the name of the KV namespace binding in wrangler.toml.
const kvBinding = "SHARES"

func main() {
	workers.Serve(http.HandlerFunc(serve))
}

// serve builds the handlers for each request: a Worker starts a fresh Go instance per
// request, so nothing is kept between requests anyway, and the bindings are only
// reachable while a request is being handled.
func serve(w http.ResponseWriter, r *http.Request) {
	kv, err := newWorkersKV(kvBinding)
	if err != nil {
		http.Error(w, fmt.Sprintf(`{"error":"the Worker has no KV binding %s: %v"}`, kvBinding, err), http.StatusInternalServerError)
		return
	}
	apiSrv, err := api.New(api.Config{
		Store:         &kvstore.Store{KV: kv},
		Datasets:      workerDatasets{},
		MaxShareBytes: maxShareBytes,
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", apiSrv)
	mux.Handle("GET /s/{id}", apiSrv.SharePage(http.HandlerFunc(serveIndex)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "404 page not found", http.StatusNotFound)
	})
	mux.ServeHTTP(w, r)
	// A handler that refused a body (too large, wrong type) left it unread; wrangler's local
	// runtime then never delivers the response to a client that is still sending. Reading
	// the rest, up to a bound, lets the error reach the client.
	io.Copy(io.Discard, io.LimitReader(r.Body, maxDrainBytes))
}

// maxDrainBytes bounds what is read of a refused request body.
const maxDrainBytes = 16 << 20

// maxShareBytes bounds a share's body in the Worker: far below Workers KV's 25 MiB
// value limit and the 100 MB request limit, and small enough to parse well within a
// request's CPU time.
const maxShareBytes = 2 << 20

// appIndex is the app's page and its Content-Security-Policy.
type appIndex struct {
	html   []byte
	policy string
}

// loadIndex reads index.html and hashes its inline scripts for the policy once per Worker
// instance, not on every share link (a request's CPU time is billed and bounded).
var loadIndex = sync.OnceValues(func() (appIndex, error) {
	b, err := assets.FS.ReadFile("index.html")
	if err != nil {
		return appIndex{}, err
	}
	return appIndex{b, csp.Policy(b)}, nil
})

// serveIndex answers a share link with the app's page; the app then reads the share
// through the API.
func serveIndex(w http.ResponseWriter, r *http.Request) {
	index, err := loadIndex()
	if err != nil {
		http.Error(w, "index.html is missing from the build", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	csp.SetHeaders(w.Header(), index.policy)
	w.Write(index.html)
}

// workersKV is a kvstore.KV over a Workers KV namespace binding.
type workersKV struct{ ns js.Value }

func newWorkersKV(binding string) (*workersKV, error) {
	ns := cloudflare.GetBinding(binding)
	if ns.IsUndefined() || ns.IsNull() {
		return nil, fmt.Errorf("binding %s is not defined", binding)
	}
	return &workersKV{ns: ns}, nil
}

// Get reads a text value; a missing key is null in JavaScript (syumai's GetString would
// give the string "<null>" instead, which is why this calls the binding directly).
func (k *workersKV) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, err := await(ctx, k.ns.Call("get", key, "text"))
	if err != nil {
		return nil, false, err
	}
	if v.IsNull() || v.IsUndefined() {
		return nil, false, nil
	}
	return []byte(v.String()), true, nil
}

// Put writes a text value (every value kvstore writes is JSON).
func (k *workersKV) Put(ctx context.Context, key string, value []byte) error {
	_, err := await(ctx, k.ns.Call("put", key, string(value)))
	return err
}

// await waits for a JavaScript promise.
func await(ctx context.Context, p js.Value) (js.Value, error) {
	type outcome struct {
		v   js.Value
		err error
	}
	done := make(chan outcome, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- outcome{v: args[0]}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "promise rejected"
		if len(args) > 0 {
			msg = strings.TrimSpace(args[0].Call("toString").String())
		}
		done <- outcome{err: fmt.Errorf("workers KV: %s", msg)}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	p.Call("then", onOK, onErr)
	select {
	case o := <-done:
		return o.v, o.err
	case <-ctx.Done():
		return js.Undefined(), ctx.Err()
	}
}
