package api_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/jobs"
	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/spec"
)

// backend is a test double of run.Backend: it calls fn.
type backend func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error)

func (b backend) Run(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
	return b(ctx, s, p)
}

// seedBackend reports progress and returns {"seed": seed}, unless the seed is 13, which
// blocks until cancelled.
var seedBackend = backend(func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
	p.Report(spec.Progress{Fraction: 0.5, Message: "half", Partial: []int{1}})
	if s.Seed == 13 {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return map[string]uint64{"seed": s.Seed}, nil
})

type env struct {
	srv   *api.Server
	store *store.Memory
	runs  *jobs.Manager
	h     http.Handler
}

func newEnv(t testing.TB, withRuns bool, queue int) *env {
	t.Helper()
	e := &env{store: new(store.Memory)}
	cfg := api.Config{Store: e.store, Logf: t.Logf, Heartbeat: 20 * time.Millisecond}
	if withRuns {
		m, err := jobs.New(context.Background(), jobs.Config{Backend: seedBackend, Store: e.store, Workers: 1, QueueSize: queue, Logf: t.Logf})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			m.Shutdown(ctx)
		})
		e.runs, cfg.Runs = m, m
	}
	srv, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	mux := http.NewServeMux()
	mux.Handle("/api/", srv)
	mux.Handle("GET /s/{id}", srv.SharePage(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<!doctype html>app")
	})))
	e.h = mux
	return e
}

func (e *env) do(method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if method == "POST" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	return w
}

type apiError struct {
	Error string `json:"error"`
	Field string `json:"field"`
}

// checkError asserts that w is an API error with the given status and field.
func checkError(t *testing.T, name string, w *httptest.ResponseRecorder, status int, field string) {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == "" {
		t.Errorf("%s: body %q is not a JSON error {error, field}: %v", name, w.Body.String(), err)
	}
	if w.Code != status || e.Field != field {
		t.Errorf("%s: status %d field %q (%s), want %d field %q", name, w.Code, e.Field, e.Error, status, field)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type %q, want application/json", name, ct)
	}
}

func decode[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("decoding %q: %v", w.Body.String(), err)
	}
	return v
}

type runView struct {
	ID       string          `json:"id"`
	Spec     json.RawMessage `json:"spec"`
	State    string          `json:"state"`
	Progress float64         `json:"progress"`
	Result   json.RawMessage `json:"result"`
	Error    string          `json:"error"`
}

func waitDone(t *testing.T, e *env, id string) runView {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		w := e.do("GET", "/api/runs/"+id, "")
		if w.Code != http.StatusOK {
			t.Fatalf("GET /api/runs/%s: %d %s", id, w.Code, w.Body)
		}
		v := decode[runView](t, w)
		if v.State == "done" || v.State == "failed" || v.State == "cancelled" {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still %s after 10 s", id, v.State)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestRunLifecycle(t *testing.T) {
	e := newEnv(t, true, 8)
	w := e.do("POST", "/api/runs", `{"kind":"stable","seed":7,"params":{"alpha":1.2}}`)
	if w.Code != http.StatusAccepted {
		t.Fatalf("POST /api/runs: %d %s, want 202", w.Code, w.Body)
	}
	created := decode[struct{ ID, State, CancelToken string }](t, w)
	if !store.ValidID(created.ID) || created.State != "queued" || w.Header().Get("Location") != "/api/runs/"+created.ID || len(created.CancelToken) < 20 {
		t.Errorf("POST /api/runs = %+v, Location %q; want a valid id, state queued, a cancel token, Location /api/runs/{id}", created, w.Header().Get("Location"))
	}
	v := waitDone(t, e, created.ID)
	if v.State != "done" || v.Progress != 1 || string(v.Result) != `{"seed":7}` {
		t.Errorf("finished run = %+v, want done, progress 1, result {\"seed\":7}", v)
	}
	var sp struct {
		Kind   string
		Seed   uint64
		Params map[string]any
	}
	if err := json.Unmarshal(v.Spec, &sp); err != nil || sp.Kind != "stable" || sp.Seed != 7 || sp.Params["alpha"] != 1.2 || sp.Params["n"] != 10000.0 {
		t.Errorf("run spec = %s (%v); want kind stable, seed 7, alpha 1.2 and the default n 10000", v.Spec, err)
	}
	// Cancelling a finished run changes nothing.
	w = e.do("DELETE", "/api/runs/"+created.ID, "", "Authorization", "Bearer "+created.CancelToken)
	if w.Code != http.StatusOK || decode[runView](t, w).State != "done" {
		t.Errorf("DELETE of a done run: %d %s, want 200 and state done", w.Code, w.Body)
	}
}

func TestCancelRun(t *testing.T) {
	e := newEnv(t, true, 8)
	w := e.do("POST", "/api/runs", `{"kind":"stable","seed":13}`) // blocks until cancelled
	created := decode[struct{ ID, CancelToken string }](t, w)
	id := created.ID
	other := decode[struct{ ID, CancelToken string }](t, e.do("POST", "/api/runs", `{"kind":"stable","seed":14}`))
	for _, tc := range []struct{ name, auth string }{
		{"no token", ""},
		{"empty token", "Bearer "},
		{"another run's token", "Bearer " + other.CancelToken},
		{"token as a password", "Basic " + created.CancelToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := e.do("DELETE", "/api/runs/"+id, "", "Authorization", tc.auth)
			checkError(t, "DELETE "+tc.name, w, http.StatusForbidden, "")
			if v := decode[runView](t, e.do("GET", "/api/runs/"+id, "")); v.State != "running" && v.State != "queued" {
				t.Errorf("after a refused DELETE the run is %s", v.State)
			}
		})
	}
	w = e.do("DELETE", "/api/runs/"+id, "", "Authorization", "Bearer "+created.CancelToken)
	if v := decode[runView](t, w); w.Code != http.StatusOK || v.State != "cancelled" {
		t.Errorf("DELETE /api/runs/%s: %d state %q, want 200 cancelled", id, w.Code, v.State)
	}
	if v := waitDone(t, e, id); v.State != "cancelled" {
		t.Errorf("GET after DELETE: state %q, want cancelled", v.State)
	}
}

// TestRunEvents reads the event stream of a run to its end.
func TestRunEvents(t *testing.T) {
	e := newEnv(t, true, 8)
	ts := httptest.NewServer(e.h)
	defer ts.Close()
	w := e.do("POST", "/api/runs", `{"kind":"stable","seed":99}`)
	id := decode[struct{ ID string }](t, w).ID
	resp, err := http.Get(ts.URL + "/api/runs/" + id + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("events: %d %q, want 200 text/event-stream", resp.StatusCode, ct)
	}
	var events []string
	var last string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "event: "); ok {
			events = append(events, name)
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			last = data
		}
	}
	if len(events) == 0 || events[len(events)-1] != "end" {
		t.Fatalf("events = %v, want progress events and then end", events)
	}
	var v runView
	if err := json.Unmarshal([]byte(last), &v); err != nil || v.State != "done" || string(v.Result) != `{"seed":99}` {
		t.Errorf("end event data = %s (%v), want the done run with result {\"seed\":99}", last, err)
	}
}

// TestRunEventsProgress checks that a watcher of a running run gets its progress and
// heartbeats, and that CloseStreams ends the stream.
func TestRunEventsProgress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, 8)
	ts := httptest.NewServer(e.h)
	defer ts.Close()
	id := decode[struct{ ID string }](t, e.do("POST", "/api/runs", `{"kind":"stable","seed":13}`)).ID
	resp, err := http.Get(ts.URL + "/api/runs/" + id + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sawHalf, sawPing := false, false
	for sc.Scan() && !(sawHalf && sawPing) {
		line := sc.Text()
		sawHalf = sawHalf || strings.HasPrefix(line, "data: ") && strings.Contains(line, `"progress":0.5`) && strings.Contains(line, `"partial":[1]`)
		sawPing = sawPing || line == ": ping"
	}
	if !sawHalf || !sawPing {
		t.Fatalf("stream: saw progress 0.5 with partial %v, heartbeat %v; want both", sawHalf, sawPing)
	}
	e.srv.CloseStreams()
	done := make(chan struct{})
	go func() {
		for sc.Scan() {
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Error("CloseStreams did not end the stream within 5 s")
	}
	if w := e.do("GET", "/api/runs/"+id+"/events", ""); w.Code != http.StatusServiceUnavailable {
		t.Errorf("events after CloseStreams: %d, want 503", w.Code)
	}
}

func TestRunErrors(t *testing.T) {
	e := newEnv(t, true, 8)
	unknown := store.NewID()
	tests := []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		field                    string
	}{
		{"not JSON", "POST", "/api/runs", `{"kind":`, nil, 400, "spec"},
		{"no kind", "POST", "/api/runs", `{"seed":1}`, nil, 400, "kind"},
		{"unknown kind", "POST", "/api/runs", `{"kind":"nope"}`, nil, 400, "kind"},
		{"alpha out of range", "POST", "/api/runs", `{"kind":"stable","params":{"alpha":2.5}}`, nil, 400, "alpha"},
		{"alpha not a number", "POST", "/api/runs", `{"kind":"stable","params":{"alpha":"x"}}`, nil, 400, "alpha"},
		{"cross-field check", "POST", "/api/runs", `{"kind":"stable","params":{"n":100,"k1":80}}`, nil, 400, "k1"},
		{"unknown field", "POST", "/api/runs", `{"kind":"stable","extra":1}`, nil, 400, "extra"},
		{"negative seed", "POST", "/api/runs", `{"kind":"stable","seed":-1}`, nil, 400, "seed"},
		{"too large", "POST", "/api/runs", `{"kind":"stable","pad":"` + strings.Repeat("x", spec.MaxJSON) + `"}`, nil, 413, ""},
		{"form body", "POST", "/api/runs", `kind=stable`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, ""},
		{"get unknown", "GET", "/api/runs/" + unknown, "", nil, 404, "id"},
		{"get bad id", "GET", "/api/runs/..%2F..%2Fetc", "", nil, 404, "id"},
		{"get short id", "GET", "/api/runs/abc", "", nil, 404, "id"},
		{"events unknown", "GET", "/api/runs/" + unknown + "/events", "", nil, 404, "id"},
		{"events bad id", "GET", "/api/runs/x/events", "", nil, 404, "id"},
		{"delete unknown", "DELETE", "/api/runs/" + unknown, "", nil, 403, ""},
		{"post without Content-Type", "POST", "/api/runs", `{"kind":"stable"}`, []string{"Content-Type", ""}, 415, ""},
		{"string seed", "POST", "/api/runs", `{"kind":"stable","seed":"7"}`, nil, 400, "seed"},
		{"delete bad id", "DELETE", "/api/runs/%00", "", nil, 404, "id"},
		{"method", "PUT", "/api/runs", "", nil, 405, ""},
		{"no route", "GET", "/api/nothing", "", nil, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do(tt.method, tt.path, tt.body, tt.hdr...)
			checkError(t, tt.name, w, tt.status, tt.field)
		})
	}
	// An unclean path is redirected to its clean form, as net/http does, not answered.
	if w := e.do("GET", "/api/shares/../runs/x", ""); w.Code/100 != 3 || w.Header().Get("Location") != "/api/runs/x" {
		t.Errorf("GET /api/shares/../runs/x: %d Location %q, want a redirect to /api/runs/x", w.Code, w.Header().Get("Location"))
	}
	if w := e.do("PUT", "/api/runs", ""); !strings.Contains(w.Header().Get("Allow"), "POST") {
		t.Errorf("405 Allow = %q, want it to list POST", w.Header().Get("Allow"))
	}
}

func TestQueueFull(t *testing.T) {
	e := newEnv(t, true, 1)
	// One run occupies the worker (seed 13 blocks); one fills the queue of 1.
	first := decode[struct{ ID string }](t, e.do("POST", "/api/runs", `{"kind":"stable","seed":13}`)).ID
	deadline := time.Now().Add(10 * time.Second)
	for decode[runView](t, e.do("GET", "/api/runs/"+first, "")).State != "running" {
		if time.Now().After(deadline) {
			t.Fatal("the first run never started")
		}
		time.Sleep(time.Millisecond)
	}
	if w := e.do("POST", "/api/runs", `{"kind":"stable","seed":13}`); w.Code != 202 {
		t.Fatalf("second run: %d, want 202", w.Code)
	}
	w := e.do("POST", "/api/runs", `{"kind":"stable","seed":1}`)
	checkError(t, "full queue", w, http.StatusTooManyRequests, "")
	if ra := w.Header().Get("Retry-After"); ra != "5" {
		t.Errorf("Retry-After = %q, want 5 (the default)", ra)
	}
	// Once shutting down, the server refuses runs with 503.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	e.runs.Shutdown(ctx)
	checkError(t, "shutting down", e.do("POST", "/api/runs", `{"kind":"stable"}`), http.StatusServiceUnavailable, "")
}

func TestNoRunService(t *testing.T) {
	e := newEnv(t, false, 0)
	id := store.NewID()
	for _, req := range [][2]string{{"POST", "/api/runs"}, {"GET", "/api/runs/" + id}, {"GET", "/api/runs/" + id + "/events"}, {"DELETE", "/api/runs/" + id}} {
		w := e.do(req[0], req[1], `{"kind":"stable"}`)
		checkError(t, req[0]+" "+req[1]+" without runs", w, http.StatusNotImplemented, "")
		if !strings.Contains(w.Body.String(), "go run ./server") {
			t.Errorf("%s %s: %s, want the error to point to the native server", req[0], req[1], w.Body)
		}
	}
}

func TestShares(t *testing.T) {
	e := newEnv(t, false, 0)
	result := `{"alpha":[1.49,1.51],"note":"x"}`
	w := e.do("POST", "/api/shares", `{"spec":{"kind":"stable","seed":3,"params":{"dist":"student"}},"result":`+result+`}`, "Host", "example.org")
	if w.Code != http.StatusCreated {
		t.Fatalf("POST /api/shares: %d %s, want 201", w.Code, w.Body)
	}
	created := decode[struct{ ID, URL string }](t, w)
	if !store.ValidID(created.ID) || created.URL != "http://example.org/s/"+created.ID {
		t.Errorf("POST /api/shares = %+v, want a valid id and url http://example.org/s/{id}", created)
	}
	w = e.do("GET", "/api/shares/"+created.ID, "")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/shares/%s: %d %s", created.ID, w.Code, w.Body)
	}
	got := decode[struct {
		ID     string
		Spec   json.RawMessage
		Result json.RawMessage
	}](t, w)
	want, _ := json.Marshal(func() spec.Spec { s := spec.MustNew("stable", 3); s.SetChoice("dist", "student"); return s }())
	if got.ID != created.ID || string(got.Spec) != string(want) || string(got.Result) != result {
		t.Errorf("GET share = id %s spec %s result %s; want %s, %s, %s", got.ID, got.Spec, got.Result, created.ID, want, result)
	}
	etag := w.Header().Get("ETag")
	if w := e.do("GET", "/api/shares/"+created.ID, "", "If-None-Match", etag); w.Code != http.StatusNotModified {
		t.Errorf("GET with If-None-Match %s: %d, want 304", etag, w.Code)
	}
	// A share without a result.
	w = e.do("POST", "/api/shares", `{"spec":{"kind":"stable"}}`)
	id2 := decode[struct{ ID string }](t, w).ID
	if w := e.do("GET", "/api/shares/"+id2, ""); strings.Contains(w.Body.String(), `"result"`) {
		t.Errorf("share without result: %s, want no result field", w.Body)
	}
	// The share page opens the app for a known share, and says 404 for others.
	if w := e.do("GET", "/s/"+created.ID, ""); w.Code != 200 || w.Body.String() != "<!doctype html>app" {
		t.Errorf("GET /s/%s: %d %q, want 200 and the app", created.ID, w.Code, w.Body)
	}
	for _, p := range []string{"/s/" + store.NewID(), "/s/..%2F..%2Fetc%2Fpasswd", "/s/x"} {
		if w := e.do("GET", p, ""); w.Code != 404 {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
	}
}

func TestShareErrors(t *testing.T) {
	e := newEnv(t, false, 0)
	tests := []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		field                    string
	}{
		{"empty", "POST", "/api/shares", ``, nil, 400, ""},
		{"not an object", "POST", "/api/shares", `[1]`, nil, 400, ""},
		{"no spec", "POST", "/api/shares", `{"result":1}`, nil, 400, "spec"},
		{"null spec", "POST", "/api/shares", `{"spec":null}`, nil, 400, "spec"},
		{"bad kind", "POST", "/api/shares", `{"spec":{"kind":"x"}}`, nil, 400, "kind"},
		{"bad param", "POST", "/api/shares", `{"spec":{"kind":"stable","params":{"n":5}}}`, nil, 400, "n"},
		{"unknown field", "POST", "/api/shares", `{"spec":{"kind":"stable"},"owner":"me"}`, nil, 400, ""},
		{"trailing data", "POST", "/api/shares", `{"spec":{"kind":"stable"}} {}`, nil, 400, ""},
		{"bad result", "POST", "/api/shares", `{"spec":{"kind":"stable"},"result":{"a":}}`, nil, 400, ""},
		{"too large", "POST", "/api/shares", `{"spec":{"kind":"stable"},"result":"` + strings.Repeat("x", api.DefaultMaxShareBytes) + `"}`, nil, 413, ""},
		{"text/plain", "POST", "/api/shares", `{"spec":{"kind":"stable"}}`, []string{"Content-Type", "text/plain"}, 415, ""},
		{"no Content-Type", "POST", "/api/shares", `{"spec":{"kind":"stable"}}`, []string{"Content-Type", ""}, 415, ""},
		{"result not UTF-8", "POST", "/api/shares", "{\"spec\":{\"kind\":\"stable\"},\"result\":\"\xff\xfe\"}", nil, 400, "result"},
		{"unknown", "GET", "/api/shares/" + store.NewID(), "", nil, 404, "id"},
		{"traversal", "GET", "/api/shares/..%2F..%2Fsecret", "", nil, 404, "id"},
		{"method", "DELETE", "/api/shares/" + store.NewID(), "", nil, 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, tt.name, e.do(tt.method, tt.path, tt.body, tt.hdr...), tt.status, tt.field)
		})
	}
}

// TestGzip checks that a large JSON answer is compressed when the client accepts it.
func TestGzip(t *testing.T) {
	e := newEnv(t, false, 0)
	result := `"` + strings.Repeat("tail ", 2000) + `"`
	id := decode[struct{ ID string }](t, e.do("POST", "/api/shares", `{"spec":{"kind":"stable"},"result":`+result+`}`)).ID
	for _, tt := range []struct {
		accept string
		gz     bool
	}{{"gzip", true}, {"br, gzip;q=0.5", true}, {"gzip;q=0", false}, {"", false}} {
		w := e.do("GET", "/api/shares/"+id, "", "Accept-Encoding", tt.accept)
		body := w.Body.Bytes()
		if gz := w.Header().Get("Content-Encoding") == "gzip"; gz != tt.gz {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", tt.accept, gz, tt.gz)
		}
		if tt.gz {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		}
		if !bytes.Contains(body, []byte(result)) {
			t.Errorf("Accept-Encoding %q: the body does not hold the result", tt.accept)
		}
	}
}

// failingStore fails every operation, as a broken disk would.
type failingStore struct{ *store.Memory }

func (failingStore) PutShare(context.Context, store.Share) error { return errors.New("disk on fire") }
func (failingStore) GetShare(context.Context, string) (store.Share, error) {
	return store.Share{}, errors.New("disk on fire")
}

func TestStoreFailure(t *testing.T) {
	srv, err := api.New(api.Config{Store: failingStore{new(store.Memory)}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{h: srv}
	for _, req := range [][3]string{{"POST", "/api/shares", `{"spec":{"kind":"stable"}}`}, {"GET", "/api/shares/" + store.NewID(), ""}} {
		w := e.do(req[0], req[1], req[2])
		checkError(t, req[0]+" with a failing store", w, 500, "")
		if strings.Contains(w.Body.String(), "fire") {
			t.Errorf("%s: the 500 leaks the internal error: %s", req[0], w.Body)
		}
	}
}

// FuzzCreateRun posts arbitrary bodies as specs: the answer is a 202 or a JSON error
// (400 naming a field, 413), never a 5xx or a panic.
func FuzzCreateRun(f *testing.F) {
	for _, s := range []string{
		`{"kind":"stable","seed":1,"params":{"alpha":1.5}}`, `{"kind":"stable","params":{"k1":3,"n":100}}`,
		`{"kind":"stable","params":{"dist":"student","nu":0.5}}`, `{"kind":""}`, `{}`, `[]`, `null`, ``,
		`{"kind":"stable","seed":9007199254740992}`, `{"kind":"stable","params":{"alpha":1e999}}`, `{"kind":"stable"}{}`,
	} {
		f.Add(s)
	}
	e := newEnv(f, true, 1<<20)
	f.Fuzz(func(t *testing.T, body string) {
		w := e.do("POST", "/api/runs", body)
		switch w.Code {
		case http.StatusAccepted:
			c := decode[struct{ ID, CancelToken string }](t, w)
			e.do("DELETE", "/api/runs/"+c.ID, "", "Authorization", "Bearer "+c.CancelToken) // keep the queue short
		case http.StatusBadRequest:
			if decode[apiError](t, w).Field == "" {
				t.Errorf("body %q: 400 without a field: %s", body, w.Body)
			}
		case http.StatusRequestEntityTooLarge:
		default:
			t.Errorf("body %q: status %d %s, want 202, 400 or 413", body, w.Code, w.Body)
		}
	})
}

// FuzzCreateShare does the same for shares: 201, or 400/413 with a JSON error.
func FuzzCreateShare(f *testing.F) {
	for _, s := range []string{
		`{"spec":{"kind":"stable"},"result":{"alpha":1.5}}`, `{"spec":{"kind":"stable","seed":3}}`,
		`{"spec":null}`, `{"result":[]}`, `{"spec":{"kind":"stable","params":{"n":"1e3"}}}`, `{`,
	} {
		f.Add(s)
	}
	e := newEnv(f, false, 0)
	f.Fuzz(func(t *testing.T, body string) {
		w := e.do("POST", "/api/shares", body)
		switch w.Code {
		case http.StatusCreated:
			id := decode[struct{ ID string }](t, w).ID
			if g := e.do("GET", "/api/shares/"+id, ""); g.Code != 200 {
				t.Errorf("body %q: created share %s reads back as %d", body, id, g.Code)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			decode[apiError](t, w)
		default:
			t.Errorf("body %q: status %d %s, want 201, 400 or 413", body, w.Code, w.Body)
		}
	})
}

// TestSlowBody checks that a client sending its body too slowly gets a 408 once
// BodyTimeout has passed, instead of holding the handler.
func TestSlowBody(t *testing.T) {
	t.Parallel()
	srv, err := api.New(api.Config{Store: new(store.Memory), BodyTimeout: 200 * time.Millisecond, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for _, tt := range []struct {
		path   string
		status int
		text   string
	}{
		{"/api/shares", http.StatusRequestTimeout, "not received within 200ms"},
		{"/api/runs", http.StatusNotImplemented, "does not execute runs"}, // answered without reading the body, which net/http drains
	} {
		path := tt.path
		conn, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"spec\":", path)
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		t0 := time.Now()
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: reading the answer: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.text) {
			t.Errorf("%s with a stalled body: %d %s after %v, want %d saying %q", path, resp.StatusCode, body, time.Since(t0), tt.status, tt.text)
		}
	}
}

// TestMaxStreams checks that event streams beyond MaxStreams are refused with 503 and
// Retry-After, and that a closed stream frees its place.
func TestMaxStreams(t *testing.T) {
	st := new(store.Memory)
	m, err := jobs.New(context.Background(), jobs.Config{Backend: seedBackend, Store: st, Workers: 1, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown(context.Background())
	srv, err := api.New(api.Config{Store: st, Runs: m, MaxStreams: 2, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	run, err := m.Submit(context.Background(), spec.MustNew("stable", 13)) // blocks until cancelled
	if err != nil {
		t.Fatal(err)
	}
	defer m.Cancel(context.Background(), run.ID)
	open := func() *http.Response {
		resp, err := http.Get(ts.URL + "/api/runs/" + run.ID + "/events")
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	a, b := open(), open()
	c := open()
	body, _ := io.ReadAll(c.Body)
	c.Body.Close()
	if c.StatusCode != http.StatusServiceUnavailable || c.Header.Get("Retry-After") == "" {
		t.Errorf("third stream with MaxStreams 2: %d %s, Retry-After %q; want 503 with Retry-After", c.StatusCode, body, c.Header.Get("Retry-After"))
	}
	a.Body.Close()
	b.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		d := open()
		code := d.StatusCode
		d.Body.Close()
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after closing two streams, a new one still gets %d", code)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
