// Package api is Tailscope's JSON API: datasets, runs (with progress as server-sent
// events) and shares. Handlers decode, validate, act and encode; every error is
// {"error": "...", "field": "..."} with a 4xx or 5xx status, "field" naming the request
// field to change when there is one.
//
// The package has no operating-system dependencies: the same handlers serve the native
// server (go run ./server), with a bbolt store and a job manager, and a Cloudflare Worker
// (GOOS=js GOARCH=wasm) with a Workers KV store and no run service, where the run routes
// answer 501 and point to the native server.
package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/spec"
)

// Runs executes runs; the native server's jobs.Manager implements it. This is the whole
// contract between the API and a run service: admission (cost, a client's share of the
// queue), cancel tokens and rate limits are the API's, so that another run service (a
// different queue or engine) is one line in the server's main.
//
// Errors: one wrapping store.ErrNotFound is a 404; a *spec.FieldError a 400 naming the
// field; an error with a method RetryAfter() time.Duration (a full queue) a 429 with a
// Retry-After header; an error with a method Unavailable() bool returning true a 503.
type Runs interface {
	// Submit records a validated spec as a queued run and queues it.
	Submit(ctx context.Context, s spec.Spec) (store.Run, error)
	// Get returns the run's current record.
	Get(ctx context.Context, id string) (store.Run, error)
	// Cancel stops a queued or running run and returns its record.
	Cancel(ctx context.Context, id string) (store.Run, error)
	// Watch returns a channel that receives the run's record now and after changes,
	// the latest record replacing an unread one, closed when the run is finished or ctx is done.
	Watch(ctx context.Context, id string) (<-chan store.Run, error)
}

// Config configures a Server. Store is required; everything else is optional.
type Config struct {
	Store store.Store
	// Runs executes runs; nil (as in a Cloudflare Worker) makes the run routes answer 501.
	Runs Runs
	// Datasets serves the training sets (a *DataCatalog natively); nil makes the dataset
	// routes answer 501.
	Datasets Datasets
	// Backend says what runs the runs (GET /api/backend), e.g. the server's start line
	// "backend: cuda on NVIDIA H100 …"; empty makes the route answer 501.
	Backend string
	// BaseURL prefixes the share URLs returned, e.g. "https://tailscope.example";
	// empty: built from the request's Host.
	BaseURL string
	// MaxShareBytes bounds the body of POST /api/shares; 0: DefaultMaxShareBytes.
	MaxShareBytes int64
	// BodyTimeout bounds the time a client may take to send a request body; 0: 30 s.
	BodyTimeout time.Duration
	// MaxStreams bounds the event streams open at once; 0: 1024.
	MaxStreams int
	// Heartbeat is the interval of keep-alive comments in event streams; 0: 15 s.
	Heartbeat time.Duration
	// Logf logs internal errors; nil: log.Printf.
	Logf func(format string, args ...any)

	// Hosts lists the Host values the server answers to (Guard checks them: a name rebound
	// to the server's address by another site is refused); an entry without a port allows
	// any port; empty: any Host.
	Hosts []string
	// AllowedOrigins lists other origins (scheme://host[:port]) whose pages may POST and
	// DELETE; a request from any other site is refused with 403.
	AllowedOrigins []string
	// ClientIP returns the address a request counts against (rate limits, runs per
	// client), e.g. HeaderClientIP behind a proxy; nil or "": the connection's address.
	ClientIP func(*http.Request) string
	// RequestRate and RequestBurst bound each client's API requests (a token bucket:
	// RequestRate per second, up to RequestBurst at once); 0: no limit.
	RequestRate  float64
	RequestBurst int
	// WriteRate and WriteBurst bound each client's POSTs and DELETEs in the same way.
	WriteRate  float64
	WriteBurst int
	// MaxLargeBodies bounds the request bodies of 64 KiB or more (shares with results) in
	// flight at once, which bounds the memory they take; 0: 4.
	MaxLargeBodies int
	// MaxDatasetBuilds bounds the dataset slices encoded at once; 0: 2.
	MaxDatasetBuilds int
	// A dataset answer must be read within ReadGrace plus its size at MinReadRate bytes
	// per second, or the connection is dropped; 0: 10 s and 256 KiB/s.
	ReadGrace   time.Duration
	MinReadRate int

	// RunTimeout is the run service's limit on a run's time: a run estimated (EstimateCost)
	// to take longer is refused with the estimate. 0: no admission by cost.
	RunTimeout time.Duration
	// RunSpeed is the backend's speed for one run as a multiple of the reference core of
	// EstimateCost; 0: 1.
	RunSpeed float64
	// MaxRunsPerClient bounds a client's unfinished (queued or running) runs; 0: no bound.
	MaxRunsPerClient int
	// RunKey signs the cancel tokens of runs; keep it (e.g. in the database) so that the
	// tokens of runs resumed after a restart still work. Nil: a random key per process.
	RunKey []byte
}

// DefaultMaxShareBytes is the default limit on a share's JSON body (its spec and result):
// room for the largest result a run may have (jobs.DefaultMaxResultBytes, 8 MiB) and its spec.
const DefaultMaxShareBytes = 9 << 20

// Server serves the API. It is an http.Handler for the paths under /api/.
type Server struct {
	cfg  Config
	mux  *http.ServeMux
	logf func(string, ...any)

	datasets    datasetCache
	streams     atomic.Int64 // event streams open
	limits      limiters
	active      activeRuns
	largeBodies chan struct{} // a token per large body in flight
	crossOrigin *http.CrossOriginProtection
	runKey      []byte

	closeOnce sync.Once
	closing   chan struct{} // closed by CloseStreams
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("api: Config.Store is required")
	}
	if cfg.MaxShareBytes <= 0 {
		cfg.MaxShareBytes = DefaultMaxShareBytes
	}
	if cfg.BodyTimeout <= 0 {
		cfg.BodyTimeout = 30 * time.Second
	}
	if cfg.MaxStreams <= 0 {
		cfg.MaxStreams = 1024
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	if cfg.MaxLargeBodies <= 0 {
		cfg.MaxLargeBodies = 4
	}
	if cfg.MaxDatasetBuilds <= 0 {
		cfg.MaxDatasetBuilds = 2
	}
	if cfg.ReadGrace <= 0 {
		cfg.ReadGrace = 10 * time.Second
	}
	if cfg.MinReadRate <= 0 {
		cfg.MinReadRate = 256 << 10
	}
	if cfg.RunSpeed <= 0 {
		cfg.RunSpeed = 1
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	trusted := cfg.AllowedOrigins
	if cfg.BaseURL != "" {
		o, err := OriginOf(cfg.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("api: BaseURL: %w", err)
		}
		trusted = append([]string{o}, trusted...)
	}
	co, err := newCrossOrigin(trusted)
	if err != nil {
		return nil, fmt.Errorf("api: AllowedOrigins: %w", err)
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), logf: cfg.Logf, closing: make(chan struct{}),
		largeBodies: make(chan struct{}, cfg.MaxLargeBodies), crossOrigin: co, runKey: cfg.RunKey}
	if s.logf == nil {
		s.logf = log.Printf
	}
	if len(s.runKey) == 0 {
		s.runKey = randomKey()
	}
	s.datasets.builds = make(chan struct{}, cfg.MaxDatasetBuilds)
	s.routes()
	return s, nil
}

// ServeHTTP serves the API. Requests that match no route get a JSON 404 or 405. Unsafe
// methods from other sites are refused (403), and each client's requests are rate limited
// (429 with Retry-After).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	write := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
	if ok, retry := s.allow(s.clientKey(r), write); !ok {
		rateLimited(w, retry, write)
		return
	}
	if err := s.crossOrigin.Check(r); err != nil {
		crossOriginDenied(w, r)
		return
	}
	if r.ContentLength != 0 {
		// A body the handler reads, or one net/http drains after it, must come in time;
		// requests without a body (event streams among them) keep no read deadline.
		http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout)) // not every writer supports it
	}
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r) // which sets the path values that Handler does not
		return
	}
	// The mux's own answer (404, 405 with Allow, or a redirect to a clean path),
	// recorded so that errors can be given in the API's JSON form.
	rec := &recorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	switch {
	case rec.code == http.StatusMethodNotAllowed:
		w.Header().Set("Allow", rec.Header().Get("Allow"))
		writeError(w, rec.code, "", "method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, rec.Header().Get("Allow"))
	case rec.code >= 300 && rec.code < 400:
		http.Redirect(w, r, rec.header.Get("Location"), rec.code)
	default:
		writeError(w, http.StatusNotFound, "", "no API route %s %s", r.Method, r.URL.Path)
	}
}

// recorder keeps the status and headers of the mux's fallback answers, dropping the body.
type recorder struct {
	header http.Header
	code   int
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return len(b), nil
}

// CloseStreams ends every open event stream (and refuses new ones), so that an
// http.Server's Shutdown need not wait for them: register it with RegisterOnShutdown.
func (s *Server) CloseStreams() {
	s.closeOnce.Do(func() { close(s.closing) })
}

// errorBody is the JSON form of every error.
type errorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// writeError writes an error in the API's JSON form.
func writeError(w http.ResponseWriter, status int, field, format string, args ...any) {
	b, _ := json.Marshal(errorBody{Error: fmt.Sprintf(format, args...), Field: field})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// fail writes err with the status its kind calls for. Internal errors are logged and
// answered without their details.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var (
		fe    *spec.FieldError
		mbe   *http.MaxBytesError
		nerr  net.Error
		busy  interface{ RetryAfter() time.Duration }
		unav  interface{ Unavailable() bool }
		full  interface{ InsufficientStorage() bool }
		field string
	)
	switch {
	case errors.As(err, &fe):
		writeError(w, http.StatusBadRequest, fe.Field, "%s", fe.Error())
	case errors.As(err, &nerr) && nerr.Timeout():
		writeError(w, http.StatusRequestTimeout, "", "the request body was not received within %v", s.cfg.BodyTimeout)
	case errors.As(err, &mbe):
		writeError(w, http.StatusRequestEntityTooLarge, "", "the request body is larger than the %d bytes allowed", mbe.Limit)
	case errors.Is(err, store.ErrNotFound):
		if id := r.PathValue("id"); id != "" {
			field = "id"
		}
		writeError(w, http.StatusNotFound, field, "not found: %s", r.URL.Path)
	case errors.As(err, &busy):
		secs := int((busy.RetryAfter() + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		writeError(w, http.StatusTooManyRequests, "", "%v", err)
	case errors.As(err, &full) && full.InsufficientStorage():
		writeError(w, http.StatusInsufficientStorage, "", "%v", err)
	case errors.As(err, &unav) && unav.Unavailable():
		writeError(w, http.StatusServiceUnavailable, "", "%v", err)
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, "", "the request was interrupted: %v", err)
	default:
		s.logf("api: %s %s: %v", r.Method, r.URL.Path, err)
		writeError(w, http.StatusInternalServerError, "", "internal error; the server logged the details")
	}
}

// gzipMin is the smallest JSON body worth compressing.
const gzipMin = 1 << 10

// writeJSON writes v as JSON with the given status, gzipped when large and accepted.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", "encoding the response: %v", err)
		return
	}
	b = append(b, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	if len(b) >= gzipMin && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		var zb bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&zb, gzip.BestSpeed)
		zw.Write(b)
		zw.Close()
		b = zb.Bytes()
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (q > 0).
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		return q > 0
	}
	return false
}

// checkID validates the {id} path value.
func checkID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	if !store.ValidID(id) {
		writeError(w, http.StatusNotFound, "id", "%q is not an id of this server (ids are %d characters from A–Z a–z 0–9 - _)", clipText(id), store.IDLen)
		return "", false
	}
	return id, true
}

// limitBody bounds the body of r to max bytes; ServeHTTP has bounded the time to send it
// to BodyTimeout, so that a slow sender cannot hold a connection and a handler for long.
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request, max int64) io.Reader {
	return http.MaxBytesReader(w, r.Body, max)
}

// checkJSONType refuses bodies not declared as JSON: HTML forms and simple requests of
// other sites' pages cannot send application/json without asking first (a CORS preflight
// this server never answers).
func checkJSONType(w http.ResponseWriter, r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		writeError(w, http.StatusUnsupportedMediaType, "", "the body must be declared as JSON: send Content-Type: application/json")
		return false
	}
	mt, _, _ := strings.Cut(ct, ";")
	if strings.EqualFold(strings.TrimSpace(mt), "application/json") {
		return true
	}
	writeError(w, http.StatusUnsupportedMediaType, "", "the body must be application/json, not %q", clipText(ct))
	return false
}

func clipText(s string) string {
	if len(s) > 40 {
		return strings.ToValidUTF8(s[:40], "") + "…"
	}
	return s
}
