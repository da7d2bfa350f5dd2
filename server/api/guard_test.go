package api_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/jobs"
	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/spec"
)

// newGuardedEnv is newEnv with a configuration of the guards, and the run service.
func newGuardedEnv(t *testing.T, cfg api.Config) *env {
	t.Helper()
	e := &env{store: new(store.Memory)}
	cfg.Store, cfg.Logf = e.store, t.Logf
	m, err := jobs.New(context.Background(), jobs.Config{Backend: seedBackend, Store: e.store, Workers: 1, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		m.Shutdown(ctx)
	})
	e.runs, cfg.Runs = m, m
	srv, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	mux := http.NewServeMux()
	mux.Handle("/api/", srv)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "app") })
	e.h = srv.Guard(mux)
	return e
}

const shareBody = `{"spec":{"kind":"stable","seed":1}}`

// TestCrossOrigin checks that only this server's own pages (and allowed origins) may
// POST or DELETE, while reads stay open to all.
func TestCrossOrigin(t *testing.T) {
	e := newGuardedEnv(t, api.Config{AllowedOrigins: []string{"https://teach.example"}})
	tests := []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
	}{
		{"same origin", "POST", "/api/shares", shareBody, []string{"Origin", "http://example.com"}, 201},
		{"no Origin (curl)", "POST", "/api/shares", shareBody, nil, 201},
		{"foreign Origin", "POST", "/api/shares", shareBody, []string{"Origin", "https://evil.example"}, 403},
		{"foreign Origin, no Content-Type", "POST", "/api/runs", `{"kind":"stable"}`, []string{"Origin", "https://evil.example", "Content-Type", ""}, 403},
		{"null Origin", "POST", "/api/shares", shareBody, []string{"Origin", "null"}, 403},
		{"Sec-Fetch-Site cross-site", "POST", "/api/runs", `{"kind":"stable"}`, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"Sec-Fetch-Site same-origin", "POST", "/api/shares", shareBody, []string{"Sec-Fetch-Site", "same-origin"}, 201},
		{"allowed origin", "POST", "/api/shares", shareBody, []string{"Origin", "https://teach.example"}, 201},
		{"foreign DELETE", "DELETE", "/api/runs/" + store.NewID(), "", []string{"Origin", "https://evil.example"}, 403},
		{"foreign GET", "GET", "/api/runs/" + store.NewID(), "", []string{"Origin", "https://evil.example"}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do(tt.method, tt.path, tt.body, tt.hdr...)
			if w.Code != tt.status {
				t.Errorf("%s %s: %d %s, want %d", tt.method, tt.path, w.Code, w.Body, tt.status)
			}
			if tt.status == 403 && !strings.Contains(w.Body.String(), "cross-origin") {
				t.Errorf("403 body %s does not say why", w.Body)
			}
		})
	}
}

// TestHostGuard checks that a server bound to loopback answers only to loopback names:
// a page whose DNS name was rebound to 127.0.0.1 cannot read it.
func TestHostGuard(t *testing.T) {
	e := newGuardedEnv(t, api.Config{Hosts: append(api.LoopbackHosts("8080"), "tailscope.example")})
	for _, tt := range []struct {
		host   string
		status int
	}{
		{"localhost:8080", 200},
		{"127.0.0.1:8080", 200},
		{"[::1]:8080", 200},
		{"tailscope.example", 200},
		{"tailscope.example:443", 200},
		{"LOCALHOST:8080", 200},
		{"localhost:9999", 421},
		{"rebound.evil.example:8080", 421},
		{"", 421},
	} {
		t.Run(tt.host, func(t *testing.T) {
			for _, path := range []string{"/", "/api/datasets"} {
				w := e.do("GET", path, "", "Host", tt.host)
				if (w.Code == 421) != (tt.status == 421) {
					t.Errorf("GET %s with Host %q: %d %s, want %d", path, tt.host, w.Code, w.Body, tt.status)
				}
			}
		})
	}
}

// TestRateLimit checks each client's token buckets: past the burst a client gets 429
// with Retry-After, another client is not affected, and writes have their own bucket.
func TestRateLimit(t *testing.T) {
	e := newGuardedEnv(t, api.Config{RequestRate: 1, RequestBurst: 5, WriteRate: 0.5, WriteBurst: 2})
	do := func(method, path, body, addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = addr
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		return w
	}
	a, b := "192.0.2.1:1234", "198.51.100.7:999"
	codes := func(method, path, body, addr string, n int) []int {
		var out []int
		for range n {
			out = append(out, do(method, path, body, addr).Code)
		}
		return out
	}
	t.Run("writes", func(t *testing.T) {
		got := codes("POST", "/api/shares", shareBody, a, 3)
		if fmt.Sprint(got) != "[201 201 429]" {
			t.Errorf("3 shares from one client with a write burst of 2: %v, want [201 201 429]", got)
		}
	})
	t.Run("requests", func(t *testing.T) {
		got := codes("GET", "/api/shares/"+store.NewID(), "", a, 3) // the 3 writes took 3 of the 5 tokens
		if fmt.Sprint(got) != "[404 404 429]" {
			t.Errorf("3 reads after 3 writes with a burst of 5: %v, want [404 404 429]", got)
		}
		w := do("GET", "/api/datasets", "", a)
		ra, _ := strconv.Atoi(w.Header().Get("Retry-After"))
		if w.Code != 429 || ra < 1 || !strings.Contains(w.Body.String(), "too many requests") {
			t.Errorf("limited client: %d Retry-After %q %s; want 429, Retry-After ≥ 1, a message", w.Code, w.Header().Get("Retry-After"), w.Body)
		}
	})
	t.Run("another client", func(t *testing.T) {
		if got := codes("POST", "/api/shares", shareBody, b, 2); fmt.Sprint(got) != "[201 201]" {
			t.Errorf("another client: %v, want [201 201]", got)
		}
	})
	t.Run("IPv6 /64", func(t *testing.T) {
		got := []int{do("POST", "/api/shares", shareBody, "[2001:db8::1]:1").Code, do("POST", "/api/shares", shareBody, "[2001:db8::2]:1").Code,
			do("POST", "/api/shares", shareBody, "[2001:db8::3]:1").Code, do("POST", "/api/shares", shareBody, "[2001:db8:0:1::1]:1").Code}
		if fmt.Sprint(got) != "[201 201 429 201]" {
			t.Errorf("writes from one /64, then another: %v, want [201 201 429 201]", got)
		}
	})
}

// TestEstimateCost checks the cost model against the spec's own budget arithmetic.
func TestEstimateCost(t *testing.T) {
	mlp := spec.MustNew("mlp", 1)
	_, work := spec.MLPCost(mlp)
	exit := spec.MustNew("exit", 1) // 1000 walkers × 100000 steps × 2 noises
	tests := []struct {
		name  string
		s     spec.Spec
		secs  float64
		field string
	}{
		{"mlp default", mlp, work / 2e9, "iters"},
		{"exit default", exit, 1000 * 100000 * 2 / 20e6, "steps"},
		{"stable default", spec.MustNew("stable", 1), 10000 / 2e6, "n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := api.EstimateCost(tt.s)
			if math.Abs(c.Seconds-tt.secs) > 1e-9*tt.secs || c.Field != tt.field {
				t.Errorf("EstimateCost = %+v, want %.4g s on %s", c, tt.secs, tt.field)
			}
		})
	}
}

// TestAdmission checks that a run that cannot finish within the run time limit is
// refused with its estimate, and that one client cannot hold more than its share of runs.
func TestAdmission(t *testing.T) {
	t.Parallel()
	e := newGuardedEnv(t, api.Config{RunTimeout: time.Hour, MaxRunsPerClient: 2})
	t.Run("cost", func(t *testing.T) {
		// 1.15e13 multiply-adds, within the kind's own limit: about 1.6 h at the reference speed.
		big := `{"kind":"mlp","params":{"dataset":"mnist","n":60000,"width":1024,"depth":3,"batch":100,"iters":20000,"evalEvery":1000,"evalBatches":10}}`
		w := e.do("POST", "/api/runs", big)
		checkError(t, "a run of hours", w, 400, "iters")
		if !strings.Contains(w.Body.String(), "would take about") || !strings.Contains(w.Body.String(), "1h0m0s") {
			t.Errorf("refusal %s does not give the estimate and the limit", w.Body)
		}
	})
	var tokens []struct{ ID, CancelToken string }
	t.Run("per client", func(t *testing.T) {
		for i := range 2 {
			w := e.do("POST", "/api/runs", `{"kind":"stable","seed":13}`) // blocks until cancelled
			if w.Code != 202 {
				t.Fatalf("run %d: %d %s", i, w.Code, w.Body)
			}
			tokens = append(tokens, decode[struct{ ID, CancelToken string }](t, w))
		}
		w := e.do("POST", "/api/runs", `{"kind":"stable","seed":2}`)
		checkError(t, "a third run", w, 429, "")
		if w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "2 runs queued or running") {
			t.Errorf("third run: Retry-After %q, %s", w.Header().Get("Retry-After"), w.Body)
		}
		req := httptest.NewRequest("POST", "/api/runs", strings.NewReader(`{"kind":"stable","seed":2}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "198.51.100.9:1"
		w = httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		if w.Code != 202 {
			t.Errorf("another client's run: %d %s, want 202", w.Code, w.Body)
		}
	})
	t.Run("after a cancel", func(t *testing.T) {
		w := e.do("DELETE", "/api/runs/"+tokens[0].ID, "", "Authorization", "Bearer "+tokens[0].CancelToken)
		if w.Code != 200 {
			t.Fatalf("cancel: %d %s", w.Code, w.Body)
		}
		if w := e.do("POST", "/api/runs", `{"kind":"stable","seed":2}`); w.Code != 202 {
			t.Errorf("a run after cancelling one: %d %s, want 202", w.Code, w.Body)
		}
	})
	e.do("DELETE", "/api/runs/"+tokens[1].ID, "", "Authorization", "Bearer "+tokens[1].CancelToken)
	t.Run("concurrent", func(t *testing.T) {
		e := newGuardedEnv(t, api.Config{MaxRunsPerClient: 2})
		var accepted, refused atomic.Int32
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				switch w := e.do("POST", "/api/runs", `{"kind":"stable","seed":13}`); w.Code {
				case 202:
					accepted.Add(1)
				case 429:
					refused.Add(1)
				default:
					t.Errorf("%d %s", w.Code, w.Body)
				}
			})
		}
		wg.Wait()
		if accepted.Load() != 2 || refused.Load() != 8 {
			t.Errorf("10 concurrent runs of one client with a cap of 2: %d accepted, %d refused", accepted.Load(), refused.Load())
		}
	})
}

// TestLargeBodies checks that large uploads beyond MaxLargeBodies in flight are refused
// with 503 while small ones go on, and that the place is given back.
func TestLargeBodies(t *testing.T) {
	e := newGuardedEnv(t, api.Config{MaxLargeBodies: 1, BodyTimeout: 5 * time.Second})
	ts := httptest.NewServer(e.h)
	defer ts.Close()
	// A large body that arrives slowly holds the one place.
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	large := `{"spec":{"kind":"stable"},"result":"` + strings.Repeat("x", 100<<10) + `"}`
	fmt.Fprintf(conn, "POST /api/shares HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(large), large[:1000])
	time.Sleep(100 * time.Millisecond)
	post := func(body string) int {
		resp, err := http.Post(ts.URL+"/api/shares", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(large); code != 503 {
		t.Errorf("a second large body in flight: %d, want 503", code)
	}
	if code := post(shareBody); code != 201 {
		t.Errorf("a small body meanwhile: %d, want 201", code)
	}
	io.WriteString(conn, large[1000:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("the slow large body: %v %v, want 201", resp, err)
	}
	conn.Close()
	if code := post(large); code != 201 {
		t.Errorf("a large body after the first finished: %d, want 201", code)
	}
}

// TestShareRevalidation checks that If-None-Match gets a 304 only for a share that exists,
// and that a share whose url was built from the Host is not for shared caches.
func TestShareRevalidation(t *testing.T) {
	e := newEnv(t, false, 0)
	id := decode[struct{ ID string }](t, e.do("POST", "/api/shares", shareBody)).ID
	unknown := store.NewID()
	for _, tt := range []struct {
		name, id string
		status   int
	}{{"stored", id, 304}, {"unknown", unknown, 404}} {
		t.Run(tt.name, func(t *testing.T) {
			if w := e.do("GET", "/api/shares/"+tt.id, "", "If-None-Match", `"`+tt.id+`"`); w.Code != tt.status {
				t.Errorf("If-None-Match on a %s share: %d, want %d", tt.name, w.Code, tt.status)
			}
		})
	}
	if cc := e.do("GET", "/api/shares/"+id, "").Header().Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
		t.Errorf("Cache-Control without a base URL = %q, want private (its url comes from the Host)", cc)
	}
	based, err := api.New(api.Config{Store: e.store, BaseURL: "https://tailscope.example"})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	based.ServeHTTP(w, httptest.NewRequest("GET", "/api/shares/"+id, nil))
	if cc := w.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "public") || !strings.Contains(w.Body.String(), "https://tailscope.example/s/"+id) {
		t.Errorf("with a base URL: Cache-Control %q, body %s; want public and the base URL", cc, w.Body)
	}
}

// countingData is a Datasets whose loads count how many run at once.
type countingData struct {
	now, peak atomic.Int32
}

func (c *countingData) Catalog() []data.Info { return data.Catalog() }
func (c *countingData) Load(ctx context.Context, name string) (*data.Set, error) {
	n := c.now.Add(1)
	defer c.now.Add(-1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(30 * time.Millisecond)
	return data.Synthetic(name, 1000, 1, 0)
}

// TestDatasetBuilds asks for many distinct slices at once: at most MaxDatasetBuilds are
// built at a time, and every request gets its slice.
func TestDatasetBuilds(t *testing.T) {
	cd := new(countingData)
	srv, err := api.New(api.Config{Store: new(store.Memory), Datasets: cd, MaxDatasetBuilds: 2, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var ok atomic.Int32
	for i := range 12 {
		wg.Go(func() {
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, httptest.NewRequest("GET", fmt.Sprintf("/api/datasets/spirals?offset=%d&n=100", i), nil))
			if w.Code == 200 {
				ok.Add(1)
			} else {
				t.Errorf("slice %d: %d %s", i, w.Code, w.Body)
			}
		})
	}
	wg.Wait()
	if p := cd.peak.Load(); p > 2 || ok.Load() != 12 {
		t.Errorf("12 distinct slices: %d answered, %d built at once; want 12, at most 2", ok.Load(), p)
	}
}
