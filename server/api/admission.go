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

// Cost is what a run is expected to take on one reference core.
type Cost struct {
	Seconds float64
	Work    string // the amount the estimate is made from, in words
	Field   string // the parameter that sets most of it
}

// EstimateCost estimates the run time of a valid spec on one reference core from the model
// its kind's budget uses (spec.Spec.Work at spec.ReferenceSpeeds).
func EstimateCost(s spec.Spec) Cost {
	w := s.Work()
	rate := spec.ReferenceSpeeds[w.Unit]
	return Cost{spec.ReferenceSpeeds.Seconds(w), fmt.Sprintf("%v at %.0g per second", w, rate), w.Field}
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
