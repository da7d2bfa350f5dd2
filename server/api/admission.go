package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
)

// This file holds what the API decides about runs before and after handing them to the
// run service (Config.Runs): admission by cost, the cap on a client's unfinished runs and
// the cancel tokens that make a run its creator's. None of it is in the run service, so
// that any implementation of Runs gets it.

// Reference speeds of one core, the ones the spec's own budgets are stated in (see
// sim/spec: the mlp kind's 2e13 multiply-adds are "about three hours on one core at
// 2 GFLOP/s", the walkers' 1.2e10 steps "about ten minutes at 20 M steps/s").
const (
	MulAddsPerSecond     = 2e9  // mlp: multiply-adds per second
	WalkerStepsPerSecond = 20e6 // exit, wells: walker steps per second
	SamplesPerSecond     = 2e6  // stable: samples drawn and estimated per second
)

// Cost is what a run is expected to take on one reference core.
type Cost struct {
	Seconds float64
	Work    string // the amount the estimate is made from, in words
	Field   string // the parameter that sets most of it
}

// EstimateCost estimates the run time of a valid spec from the same model its kind's
// budget uses (spec.MLPCost for mlp; walkers × steps × noises for exit and wells).
func EstimateCost(s spec.Spec) Cost {
	switch s.Kind {
	case "mlp":
		_, work := spec.MLPCost(s)
		return Cost{work / MulAddsPerSecond, fmt.Sprintf("%.2g multiply-adds at %.0g per second", work, float64(MulAddsPerSecond)), "iters"}
	case "exit", "wells":
		var n spec.NoiseParams
		if p, err := s.Exit(); err == nil {
			n = p.NoiseParams
		} else if p, err := s.Wells(); err == nil {
			n = p.NoiseParams
		}
		noises := 1.0
		if n.Noise == spec.NoiseBoth {
			noises = 2
		}
		steps := noises * float64(n.Walkers) * float64(n.Steps)
		return Cost{steps / WalkerStepsPerSecond, fmt.Sprintf("%.2g walker steps at %.0g per second", steps, float64(WalkerStepsPerSecond)), "steps"}
	case "stable":
		p, _ := s.Stable()
		n := float64(p.N)
		return Cost{n / SamplesPerSecond, fmt.Sprintf("%.2g samples at %.0g per second", n, float64(SamplesPerSecond)), "n"}
	}
	return Cost{}
}

// admitCost refuses a run whose estimate exceeds the run time limit, naming the estimate.
func (s *Server) admitCost(sp spec.Spec) error {
	if s.cfg.RunTimeout <= 0 {
		return nil
	}
	c := EstimateCost(sp)
	secs := c.Seconds / s.cfg.RunSpeed
	if secs <= s.cfg.RunTimeout.Seconds() {
		return nil
	}
	est := time.Duration(secs * float64(time.Second)).Round(time.Minute)
	return &spec.FieldError{Field: c.Field, Msg: fmt.Sprintf("this run would take about %v here (%s), more than the %v a run may take on this server; ask for a smaller run", est, c.Work, s.cfg.RunTimeout)}
}

// activeRuns counts each client's unfinished runs, for Config.MaxRunsPerClient.
type activeRuns struct {
	mu   sync.Mutex
	runs map[string][]string // client → ids of runs it started that may be unfinished
	held map[string]int      // client → places taken by submissions in progress
}

// reserve takes a place for a new run of client, or returns false (and the count) when
// the client has MaxRunsPerClient unfinished runs. Finished runs are forgotten on the way.
// The lock is held throughout, so that two submissions of one client cannot both take the
// last place; the run service answers Get from memory for unfinished runs.
func (s *Server) reserve(ctx context.Context, client string) (bool, int) {
	if s.cfg.MaxRunsPerClient <= 0 {
		return true, 0
	}
	a := &s.active
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.runs == nil {
		a.runs, a.held = map[string][]string{}, map[string]int{}
	}
	var live []string
	for _, id := range a.runs[client] {
		if r, err := s.cfg.Runs.Get(ctx, id); err == nil && !r.State.Terminal() {
			live = append(live, id)
		}
	}
	if len(live) == 0 {
		delete(a.runs, client)
	} else {
		a.runs[client] = live
	}
	if n := len(live) + a.held[client]; n >= s.cfg.MaxRunsPerClient {
		return false, n
	}
	a.held[client]++
	return true, 0
}

// release gives back a place taken by reserve, recording the run's id if one was made.
func (s *Server) release(client, id string) {
	if s.cfg.MaxRunsPerClient <= 0 {
		return
	}
	a := &s.active
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.held[client]--; a.held[client] <= 0 {
		delete(a.held, client)
	}
	if id != "" {
		a.runs[client] = append(a.runs[client], id)
	}
}

// tooManyRuns is the 429 of a client at its cap.
type tooManyRuns struct{ n, max int }

func (e tooManyRuns) Error() string {
	return fmt.Sprintf("you have %d runs queued or running, the most one client may have on this server (%d); wait for one to finish or cancel one", e.n, e.max)
}
func (tooManyRuns) RetryAfter() time.Duration { return 30 * time.Second }

// cancelToken is the token that lets its holder cancel run id: an HMAC of the id under the
// server's key, so that nothing needs to be stored and tokens outlive a restart when the
// key does (Config.RunKey).
func (s *Server) cancelToken(id string) string {
	m := hmac.New(sha256.New, s.runKey)
	m.Write([]byte("cancel run " + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// checkCancelToken answers 403 unless the request carries run id's cancel token
// (Authorization: Bearer <token>).
func (s *Server) checkCancelToken(w http.ResponseWriter, r *http.Request, id string) bool {
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || tok == "" {
		writeError(w, http.StatusForbidden, "", "cancelling a run needs the cancel token its creator received (send it as Authorization: Bearer <cancelToken>)")
		return false
	}
	if !hmac.Equal([]byte(strings.TrimSpace(tok)), []byte(s.cancelToken(id))) {
		writeError(w, http.StatusForbidden, "", "this is not the cancel token of run %s; only the client that started a run may cancel it", id)
		return false
	}
	return true
}

func randomKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}
