package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tailscope/tailscope/sim/cpuinfo"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/store/boltstore"
)

// TestAbuse is the fault and abuse suite: it starts the server (the same serve as the
// binary, with the app replaced by a stub page) on loopback and replays what a public
// server meets: a load of many clients, floods of connections, slow and oversized
// requests, large uploads, a full quota, other sites' requests, malformed input, damaged
// database files and a restart. It prints one table (go test -run TestAbuse -v ./server;
// server/README.md quotes it) and fails if anything acknowledged is lost or an answer is
// not the one expected. Every loop is bounded in count and in time.
func TestAbuse(t *testing.T) {
	if testing.Short() {
		t.Skip("the abuse suite takes about 20 s; skipped with -short")
	}
	suiteStart := time.Now()
	var rows [][3]string
	row := func(what, tried, outcome string, args ...any) {
		rows = append(rows, [3]string{what, tried, fmt.Sprintf(outcome, args...)})
	}
	acked := newAcked()

	// Server A: every guard on, limits sized so that each of the load's clients (told
	// apart by X-Forwarded-For, as behind a proxy) is within its share.
	dirA := t.TempDir()
	oa := defaultOptions()
	oa.dataDir, oa.workers, oa.grace = dirA, 1, time.Second
	oa.maxConns, oa.readHeaderTimeout, oa.idleTimeout = 96, time.Second, 2*time.Second
	oa.rate, oa.writeRate, oa.realIPHeader = 200, 50, "X-Forwarded-For"
	oa.tune = func(c *api.Config) { c.ReadGrace, c.MinReadRate = 300*time.Millisecond, 16<<20 }
	a := startServe(t, oa)

	// faults counts the fault scenarios survived (a phase's count when it passed) of all tried.
	faults, tried := 0, 0
	fault := func(n int, passed bool) {
		tried += n
		if passed {
			faults += n
		}
	}
	t.Run("load", func(t *testing.T) { loadPhase(t, a.base, acked, row) })
	t.Run("rate limit", func(t *testing.T) { ratePhase(t, a.base, row) })
	fault(1, t.Run("bad inputs", func(t *testing.T) { badInputs(t, a.base, acked, row) }))     // and floods of 1 MiB headers
	fault(3, t.Run("connections", func(t *testing.T) { connectionPhase(t, a.base, oa, row) })) // idle flood, slow senders, slow reader
	fault(1, t.Run("large uploads", func(t *testing.T) { uploadPhase(t, a.base, acked, row) }))
	fault(1, t.Run("datasets", func(t *testing.T) { datasetPhase(t, a.base, row) }))
	if err := a.stop(); err != nil {
		t.Errorf("server A: %v", err)
	}

	// Server B: a small quota.
	dirB := t.TempDir()
	ob := defaultOptions()
	ob.dataDir, ob.workers, ob.grace, ob.maxStore, ob.rate, ob.writeRate = dirB, 1, time.Second, 16<<20, 0, 0
	b := startServe(t, ob)
	ackedB := newAcked()
	fault(1, t.Run("quota", func(t *testing.T) { quotaPhase(t, b.base, ackedB, row) }))
	if err := b.stop(); err != nil {
		t.Errorf("server B: %v", err)
	}

	// What was acknowledged is all there after the restart.
	fault(1, t.Run("restart", func(t *testing.T) {
		lost, n := 0, 0
		for _, tc := range []struct {
			dir string
			ack *ackedShares
		}{{dirA, acked}, {dirB, ackedB}} {
			rep, err := boltstore.Check(tc.dir)
			if err != nil || !rep.Complete {
				t.Fatalf("db check of %s after the suite: %+v, %v", tc.dir, rep, err)
			}
			s := startServe(t, withDir(ob, tc.dir))
			l, c := tc.ack.verify(t, s.base)
			lost, n = lost+l, n+c
			s.stop()
		}
		row("data lost", fmt.Sprintf("%d acknowledged shares read back after a restart", n), "%d lost", lost)
		if lost > 0 {
			t.Errorf("%d of %d acknowledged shares lost", lost, n)
		}
	}))
	fault(3, t.Run("damaged databases", func(t *testing.T) { damagePhase(t, dirB, ob, row) }))
	row("faults survived", "floods of idle connections, slow senders, slow readers, 1 MiB headers, large uploads, many dataset slices, a full quota, a restart, 3 damaged databases",
		"%d of %d", faults, tried)

	var tb strings.Builder
	fmt.Fprintf(&tb, "\nfault and abuse suite, %s, GOMAXPROCS %d, %.1f s\n\n", cpuinfo.Describe(), runtime.GOMAXPROCS(0), time.Since(suiteStart).Seconds())
	tb.WriteString("| check | tried | outcome |\n|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&tb, "| %s | %s | %s |\n", r[0], r[1], r[2])
	}
	fmt.Print(tb.String())
}

func withDir(o options, dir string) options { o.dataDir = dir; return o }

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// served is a server started by startServe.
type served struct {
	base string
	stop func() error
}

// startServe runs serve on a loopback port with a stub app page and waits until it answers.
func startServe(t *testing.T, o options) served {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o.addr = ln.Addr().String()
	o.app = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<!doctype html>app\n") })
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, o, ln, func(string) {}) }()
	base := "http://" + o.addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case err := <-errc:
			cancel()
			t.Fatalf("serve: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("the server did not answer within 10 s: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var once sync.Once
	stop := func() error {
		var err error
		once.Do(func() {
			cancel()
			select {
			case err = <-errc:
			case <-time.After(20 * time.Second):
				err = errors.New("the server did not stop within 20 s")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return served{base, stop}
}

// ackedShares records every share the server acknowledged, with the body sent.
type ackedShares struct {
	mu  sync.Mutex
	ids map[string]string // id → the result sent
}

func newAcked() *ackedShares { return &ackedShares{ids: map[string]string{}} }

func (a *ackedShares) add(id, result string) {
	a.mu.Lock()
	a.ids[id] = result
	a.mu.Unlock()
}

func (a *ackedShares) random(r *rand.Rand) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := r.IntN(len(a.ids))
	for id := range a.ids {
		if n == 0 {
			return id
		}
		n--
	}
	return ""
}

// verify reads every acknowledged share back and counts those missing or changed.
func (a *ackedShares) verify(t *testing.T, base string) (lost, n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c := &http.Client{Timeout: 30 * time.Second}
	for id, result := range a.ids {
		resp, err := c.Get(base + "/api/shares/" + id)
		if err != nil {
			t.Fatal(err)
		}
		var sh struct{ Result json.RawMessage }
		err = json.NewDecoder(resp.Body).Decode(&sh)
		resp.Body.Close()
		if resp.StatusCode != 200 || err != nil || string(sh.Result) != result {
			lost++
			if lost <= 3 {
				t.Errorf("share %s: %d, %v, result %.60s; want %.60s", id, resp.StatusCode, err, sh.Result, result)
			}
		}
	}
	return lost, len(a.ids)
}

// post sends a JSON body from the client with address ip (X-Forwarded-For).
func post(c *http.Client, url, ip string, body io.Reader, hdr ...string) (int, []byte, error) {
	req, _ := http.NewRequest("POST", url, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", ip)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func shareOf(seed int, pad int) (body, result string) {
	result = fmt.Sprintf(`{"seed":%d,"pad":"%s"}`, seed, strings.Repeat("r", pad))
	return fmt.Sprintf(`{"spec":{"kind":"stable","seed":%d},"result":%s}`, seed, result), result
}

// loadPhase: 16 clients, 80 % share reads and 20 % durable share writes, for at most
// 4000 operations or 6 s.
func loadPhase(t *testing.T, base string, acked *ackedShares, row func(string, string, string, ...any)) {
	const clients, maxOps, maxTime = 16, 4000, 6 * time.Second
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	for i := range 50 {
		body, result := shareOf(i, 100)
		code, b, err := post(c, base+"/api/shares", "10.0.0.1", strings.NewReader(body))
		if err != nil || code != 201 {
			t.Fatalf("seeding: %d %s %v", code, b, err)
		}
		var sh struct{ ID string }
		json.Unmarshal(b, &sh)
		acked.add(sh.ID, result)
	}
	var (
		ops, errs     atomic.Int64
		mu            sync.Mutex
		reads, writes []time.Duration
		wg            sync.WaitGroup
	)
	start := time.Now()
	for w := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			ip := fmt.Sprintf("10.1.0.%d", w+1)
			for ops.Add(1) <= maxOps && time.Since(start) < maxTime {
				t0 := time.Now()
				if r.Float64() < 0.2 {
					seed := 1000 + w*100000 + int(ops.Load())
					body, result := shareOf(seed, 200)
					code, b, err := post(c, base+"/api/shares", ip, strings.NewReader(body))
					if err != nil || code != 201 {
						errs.Add(1)
						continue
					}
					var sh struct{ ID string }
					json.Unmarshal(b, &sh)
					acked.add(sh.ID, result)
					mu.Lock()
					writes = append(writes, time.Since(t0))
					mu.Unlock()
				} else {
					req, _ := http.NewRequest("GET", base+"/api/shares/"+acked.random(r), nil)
					req.Header.Set("X-Forwarded-For", ip)
					resp, err := c.Do(req)
					if err != nil {
						errs.Add(1)
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						errs.Add(1)
						continue
					}
					mu.Lock()
					reads = append(reads, time.Since(t0))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	done := len(reads) + len(writes)
	if errs.Load() > 0 {
		t.Errorf("%d of %d operations under load failed", errs.Load(), done+int(errs.Load()))
	}
	row("load held", fmt.Sprintf("%d clients, %d operations in %.1f s (20 %% durable share writes)", clients, done, elapsed.Seconds()),
		"%.0f ops/s; p99 read %.1f ms, write %.1f ms; %d failed", float64(done)/elapsed.Seconds(), ms(pct(reads, 0.99)), ms(pct(writes, 0.99)), errs.Load())
}

// ratePhase: one client bursts 1500 reads; another reads meanwhile.
func ratePhase(t *testing.T, base string, row func(string, string, string, ...any)) {
	c := &http.Client{Timeout: 10 * time.Second}
	get := func(ip string) int {
		req, _ := http.NewRequest("GET", base+"/api/datasets", nil)
		req.Header.Set("X-Forwarded-For", ip)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 429 && resp.Header.Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
		return resp.StatusCode
	}
	limited, other := 0, 0
	for i := range 1500 {
		if get("10.9.9.9") == 429 {
			limited++
		}
		if i%20 == 0 && get("10.9.9.10") != 200 {
			other++
		}
	}
	if limited < 500 || other > 0 {
		t.Errorf("1500 reads at 200/s, burst 600: %d limited; the other client refused %d times", limited, other)
	}
	row("rate limit", "one client sends 1500 reads as fast as it can (limit 200/s, bursts of 600); another reads meanwhile",
		"%d answered 429 with Retry-After; the other client: %d refused", limited, other)
}

// badInputs sends malformed and hostile requests; each must get its expected status with a
// JSON error, and nothing a 5xx.
func badInputs(t *testing.T, base string, acked *ackedShares, row func(string, string, string, ...any)) {
	c := &http.Client{Timeout: 10 * time.Second}
	ip := "10.2.0.1"
	// A run to own, for the cancellation cases.
	code, b, _ := post(c, base+"/api/runs", ip, strings.NewReader(`{"kind":"stable","seed":5,"params":{"n":1000000}}`))
	if code != 202 {
		t.Fatalf("a run: %d %s", code, b)
	}
	var run struct{ ID, CancelToken string }
	json.Unmarshal(b, &run)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	type req struct {
		name, method, path, body string
		hdr                      []string
		status                   int
	}
	specs := []string{`{"kind":`, `{"seed":1}`, `{"kind":"nope"}`, `{"kind":"stable","params":{"alpha":2.5}}`,
		`{"kind":"stable","params":{"alpha":"x"}}`, `{"kind":"stable","params":{"n":100,"k1":80}}`, `{"kind":"stable","extra":1}`,
		`{"kind":"stable","seed":-1}`, `{"kind":"stable","seed":"7"}`, `{"kind":"stable","seed":9007199254740992}`,
		`{"kind":"stable","params":{"alpha":1e999}}`, `{"kind":"stable"}{}`, `[]`, `null`, `""`, `{"kind":"exit","params":{"eta":1}}`,
		`{"kind":"mlp","params":{"width":1024,"depth":10,"n":60000}}`, `{"kind":"stable","params":{"n":1.5}}`,
		`{"kind":"stable","params":{"dist":"cauchy"}}`, `{"kind":"stable","params":{"":1}}`, "{\"kind\":\"stable\xff\"}"}
	var reqs []req
	for i, s := range specs {
		reqs = append(reqs, req{fmt.Sprintf("spec %d", i), "POST", "/api/runs", s, nil, 400})
		reqs = append(reqs, req{fmt.Sprintf("shared spec %d", i), "POST", "/api/shares", `{"spec":` + s + `}`, nil, 400})
	}
	unknown := "AAAAAAAAAAAAAAAA"
	reqs = append(reqs,
		req{"run of hours", "POST", "/api/runs", `{"kind":"mlp","params":{"dataset":"mnist","n":60000,"width":1024,"depth":3,"batch":100,"iters":20000,"evalEvery":1000,"evalBatches":10}}`, nil, 400},
		req{"form post", "POST", "/api/runs", `kind=stable`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415},
		req{"no Content-Type", "POST", "/api/runs", `{"kind":"stable"}`, []string{"Content-Type", ""}, 415},
		req{"text/plain share", "POST", "/api/shares", `{"spec":{"kind":"stable"}}`, []string{"Content-Type", "text/plain"}, 415},
		req{"other site's POST", "POST", "/api/runs", `{"kind":"stable"}`, []string{"Origin", "https://evil.example"}, 403},
		req{"other site's DELETE", "DELETE", "/api/runs/" + run.ID, ``, []string{"Origin", "https://evil.example", "Authorization", "Bearer " + run.CancelToken}, 403},
		req{"cross-site fetch", "POST", "/api/shares", `{"spec":{"kind":"stable"}}`, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		req{"rebound Host", "GET", "/api/shares/" + unknown, ``, []string{"Host", "evil.example:" + port}, 421},
		req{"rebound Host, app", "GET", "/", ``, []string{"Host", "evil.example"}, 421},
		req{"cancel without token", "DELETE", "/api/runs/" + run.ID, ``, nil, 403},
		req{"cancel with a forged token", "DELETE", "/api/runs/" + run.ID, ``, []string{"Authorization", "Bearer " + strings.Repeat("A", 24)}, 403},
		req{"invalid UTF-8 result", "POST", "/api/shares", "{\"spec\":{\"kind\":\"stable\"},\"result\":\"\xc3\x28\"}", nil, 400},
		req{"share too large", "POST", "/api/shares", `{"spec":{"kind":"stable"},"result":"` + strings.Repeat("x", api.DefaultMaxShareBytes) + `"}`, nil, 413},
		req{"spec too large", "POST", "/api/runs", `{"kind":"stable","pad":"` + strings.Repeat("x", 1<<20) + `"}`, nil, 413},
		req{"unknown share revalidated", "GET", "/api/shares/" + unknown, ``, []string{"If-None-Match", `"` + unknown + `"`}, 404},
		req{"path traversal", "GET", "/api/shares/..%2F..%2Fetc%2Fpasswd", ``, nil, 404},
		req{"id too long", "GET", "/api/runs/" + strings.Repeat("A", 200), ``, nil, 404},
		req{"dataset offset", "GET", "/api/datasets/spirals?offset=-1", ``, nil, 400},
		req{"dataset n", "GET", "/api/datasets/spirals?n=1e9", ``, nil, 400},
		req{"dataset name", "GET", "/api/datasets/..%2Fetc", ``, nil, 404},
		req{"method", "PUT", "/api/runs", ``, nil, 405},
		req{"no route", "GET", "/api/admin", ``, nil, 404},
	)
	fivexx, wrong := 0, 0
	for _, r := range reqs {
		hr, _ := http.NewRequest(r.method, base+r.path, strings.NewReader(r.body))
		hr.Header.Set("X-Forwarded-For", ip)
		if r.method == "POST" {
			hr.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(r.hdr); i += 2 {
			if r.hdr[i] == "Host" {
				hr.Host = r.hdr[i+1]
				continue
			}
			hr.Header.Set(r.hdr[i], r.hdr[i+1])
		}
		resp, err := c.Do(hr)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct{ Error string }
		jsonErr := json.Unmarshal(body, &e) == nil && e.Error != ""
		if resp.StatusCode >= 500 {
			fivexx++
		}
		if resp.StatusCode != r.status || !jsonErr {
			wrong++
			t.Errorf("%s: %d %.200s; want %d with a JSON error", r.name, resp.StatusCode, body, r.status)
		}
	}
	// Headers of 1 MiB, many times over, 25 at a time: refused before any handler (431;
	// net/http then waits 0.5 s before closing, so that the client reads the answer).
	big := strings.Repeat("h", 1<<20)
	var n431 atomic.Int32
	var wg sync.WaitGroup
	for range 25 {
		wg.Go(func() {
			for range 2 {
				hr, _ := http.NewRequest("GET", base+"/api/datasets", nil)
				hr.Header.Set("X-Pad", big)
				resp, err := c.Do(hr)
				if err != nil {
					continue // the server may close the connection while the client still sends
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 431 {
					n431.Add(1)
				}
			}
		})
	}
	wg.Wait()
	hdr431 := int(n431.Load())
	if hdr431 != 50 {
		t.Errorf("requests with 1 MiB of headers: %d of 50 answered 431", hdr431)
	}
	// The run is still the owner's: cancel it.
	hr, _ := http.NewRequest("DELETE", base+"/api/runs/"+run.ID, nil)
	hr.Header.Set("Authorization", "Bearer "+run.CancelToken)
	hr.Header.Set("X-Forwarded-For", ip)
	if resp, err := c.Do(hr); err != nil || resp.StatusCode != 200 {
		t.Errorf("the owner's cancel: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	row("bad inputs tried", fmt.Sprintf("%d malformed or hostile requests (specs, shares, ids, types, origins, hosts, tokens, sizes) and 50 with 1 MiB of headers", len(reqs)),
		"%d answered as expected with a JSON error; %d 5xx; %d of 50 header floods refused with 431", len(reqs)-wrong, fivexx, hdr431)
}

// connectionPhase: a flood of idle connections beyond the cap, and slow senders of headers.
func connectionPhase(t *testing.T, base string, o options, row func(string, string, string, ...any)) {
	addr := strings.TrimPrefix(base, "http://")
	const flood, slow = 200, 20
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// Slow senders: a header line every 200 ms, never finishing.
	var slowClosed atomic.Int32
	var wg sync.WaitGroup
	for range slow {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		wg.Go(func() {
			io.WriteString(c, "GET /api/datasets HTTP/1.1\r\nHost: "+addr+"\r\n")
			for i := range 25 { // at most 5 s
				time.Sleep(200 * time.Millisecond)
				if _, err := fmt.Fprintf(c, "X-Slow-%d: 1\r\n", i); err != nil {
					slowClosed.Add(1)
					return
				}
			}
			c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
			if _, err := c.Read(make([]byte, 1)); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
				slowClosed.Add(1)
			}
		})
	}
	// Idle connections: beyond the cap each is answered 503 at once and closed.
	refused := 0
	for range flood {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns[slow:] {
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		line, _ := bufio.NewReader(c).ReadString('\n')
		if strings.Contains(line, "503") {
			refused++
		}
	}
	// Once the header timeout has closed the idle ones, the server answers again.
	t0 := time.Now()
	served := false
	for time.Since(t0) < 5*time.Second {
		resp, err := (&http.Client{Timeout: time.Second}).Get(base + "/api/datasets")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				served = true
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	wg.Wait()
	if want := flood + slow - o.maxConns; refused < want-5 || !served || int(slowClosed.Load()) != slow {
		t.Errorf("%d idle connections and %d slow senders with a cap of %d: %d refused (want about %d), served again: %v, slow senders dropped: %d",
			flood, slow, o.maxConns, refused, want, served, slowClosed.Load())
	}
	row("connection flood", fmt.Sprintf("%d idle connections and %d senders of a header line every 200 ms, cap %d, header timeout %v", flood, slow, o.maxConns, o.readHeaderTimeout),
		"%d refused at once with 503; the slow senders dropped (%d of %d); served again %.1f s later", refused, slowClosed.Load(), slow, time.Since(t0).Seconds())
	// A reader that never reads a large answer is dropped too. The answer is built (and
	// cached) first, so that the time without reading starts with the answer's first byte.
	if resp, err := http.Get(base + "/api/datasets/mnist-test"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("mnist-test: %v %v", resp, err)
	} else {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.(*net.TCPConn).SetReadBuffer(16 << 10) // so that the kernel's buffers cannot take the whole answer
	fmt.Fprintf(c, "GET /api/datasets/mnist-test HTTP/1.1\r\nHost: %s\r\nX-Forwarded-For: 10.3.0.1\r\n\r\n", addr)
	time.Sleep(2 * time.Second) // the write deadline: 0.3 s + 7.9 MB at 16 MiB/s ≈ 0.8 s
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _ := io.Copy(io.Discard, c)
	if n > 7_000_000 {
		t.Errorf("a reader that read nothing for 2 s still got %d bytes; want it dropped", n)
	}
	row("slow reader", "a client asks for mnist-test (7.9 MB) and reads nothing for 2 s (deadline 0.3 s + size at 16 MiB/s)", "dropped: %.1f MB had reached it", float64(n)/1e6)
}

// uploadPhase: 24 concurrent 8 MB shares; at most 4 bodies are in flight at once and the
// heap stays bounded.
func uploadPhase(t *testing.T, base string, acked *ackedShares, row func(string, string, string, ...any)) {
	const n, size = 24, 8 << 20
	result := `"` + strings.Repeat("u", size) + `"`
	var heapBefore runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&heapBefore)
	stopSampling := make(chan struct{})
	var peak atomic.Uint64
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}()
	c := &http.Client{Timeout: 60 * time.Second}
	var created, busy, other atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			body := io.MultiReader(strings.NewReader(fmt.Sprintf(`{"spec":{"kind":"stable","seed":%d},"result":`, 5000+i)), strings.NewReader(result), strings.NewReader("}"))
			req, _ := http.NewRequest("POST", base+"/api/shares", body)
			req.ContentLength = int64(len(fmt.Sprintf(`{"spec":{"kind":"stable","seed":%d},"result":`, 5000+i)) + len(result) + 1)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.4.0.%d", i+1))
			resp, err := c.Do(req)
			if err != nil {
				other.Add(1)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch resp.StatusCode {
			case 201:
				var sh struct{ ID string }
				json.Unmarshal(b, &sh)
				acked.add(sh.ID, result)
				created.Add(1)
			case 503:
				busy.Add(1)
			default:
				other.Add(1)
				t.Errorf("an 8 MB share: %d %.200s", resp.StatusCode, b)
			}
		})
	}
	wg.Wait()
	close(stopSampling)
	grew := float64(peak.Load()-min(peak.Load(), heapBefore.HeapInuse)) / (1 << 20)
	if created.Load() < 4 || busy.Load()+created.Load() != n || grew > 400 {
		t.Errorf("24 concurrent 8 MB shares: %d created, %d busy, %d other; heap grew %.0f MiB", created.Load(), busy.Load(), other.Load(), grew)
	}
	row("large uploads", "24 concurrent 8 MB shares (at most 4 large bodies in flight)",
		"%d stored, %d told to retry (503); peak heap +%.0f MiB for this process, client included (≈ %.0f MiB per upload in flight)", created.Load(), busy.Load(), grew, grew/4)
}

// datasetPhase: 16 distinct slices of mnist-test (2500 examples each) at once; builds
// are bounded.
func datasetPhase(t *testing.T, base string, row func(string, string, string, ...any)) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}()
	c := &http.Client{Timeout: 30 * time.Second}
	var ok atomic.Int32
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := range 16 {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/datasets/mnist-test?offset=%d&n=2500", base, i), nil)
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.5.0.%d", i+1))
			resp, err := c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && n > 1_900_000 {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	close(stop)
	grew := float64(peak.Load()-min(peak.Load(), before.HeapInuse)) / (1 << 20)
	if ok.Load() != 16 {
		t.Errorf("16 distinct slices of mnist-test: %d answered", ok.Load())
	}
	row("dataset slices", "16 distinct 2 MB slices of mnist-test asked for at once", "%d answered in %.1f s, 2 built at a time; peak heap +%.0f MiB (MNIST loaded once, the 128 MiB cache counting builds in flight)", ok.Load(), time.Since(t0).Seconds(), grew)
}

// quotaPhase: 1 MB shares until the 16 MiB quota answers 507.
func quotaPhase(t *testing.T, base string, acked *ackedShares, row func(string, string, string, ...any)) {
	c := &http.Client{Timeout: 30 * time.Second}
	kept, full := 0, 0
	for i := range 40 {
		body, result := shareOf(9000+i, 1<<20)
		code, b, err := post(c, base+"/api/shares", "10.6.0.1", bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		if code == 507 {
			full++
			if !strings.Contains(string(b), "storage is full") {
				t.Errorf("507 says %s", b)
			}
			if full == 3 {
				break
			}
			continue
		}
		if code != 201 {
			t.Fatalf("share %d: %d %s", i, code, b)
		}
		var sh struct{ ID string }
		json.Unmarshal(b, &sh)
		acked.add(sh.ID, result)
		kept++
	}
	if full == 0 || kept < 8 {
		t.Errorf("a 16 MiB quota: %d shares of 1 MB kept, %d refused", kept, full)
	}
	small, _ := shareOf(1, 10)
	code, _, _ := post(c, base+"/api/shares", "10.6.0.1", strings.NewReader(small))
	row("store quota", "shares of 1 MB into a 16 MiB quota", "%d kept, then 507 with a clear error; a small share still fits: %d", kept, code)
}

// damagePhase: the database of server B truncated, emptied or scribbled on: serve refuses
// it with the recovery command, and this process goes on.
func damagePhase(t *testing.T, dir string, o options, row func(string, string, string, ...any)) {
	path := filepath.Join(dir, boltstore.FileName)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	damages := []struct {
		name string
		data func() []byte
	}{
		{"truncated to half", func() []byte { return orig[:len(orig)/2] }},
		{"zero length", func() []byte { return nil }},
		{"pages scribbled", func() []byte {
			b := slices.Clone(orig)
			r := rand.New(rand.NewPCG(3, 4))
			for i := 8192; i < len(b); i++ {
				b[i] = byte(r.Uint32())
			}
			return b
		}},
	}
	refused := 0
	for _, d := range damages {
		if err := os.WriteFile(path, d.data(), 0o600); err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		o.dataDir, o.app = dir, http.NotFoundHandler()
		err = serve(context.Background(), o, ln, func(string) {})
		var de *boltstore.DamagedError
		if errors.As(err, &de) && strings.Contains(err.Error(), path) && strings.Contains(err.Error(), "tailscope db") {
			refused++
		} else {
			t.Errorf("%s: serve = %v; want a *DamagedError naming %s and the recovery command", d.name, err, path)
		}
	}
	os.WriteFile(path, orig, 0o600)
	row("damaged database", "the file truncated to half, to 0 bytes, its pages scribbled", "%d of %d refused at start, naming the file and the recovery command; no crash", refused, len(damages))
}
