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

	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/sweep"
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

// admitCost returns the run's estimated seconds here (runSeconds), or refuses a run whose
// estimate exceeds the run time limit, naming the estimate.
func (s *Server) admitCost(sp spec.Spec) (float64, error) {
	c := EstimateCost(sp)
	secs := c.Seconds / s.cfg.RunSpeed
	if s.cfg.RunTimeout <= 0 || secs <= s.cfg.RunTimeout.Seconds() {
		return secs, nil
	}
	est := time.Duration(secs * float64(time.Second)).Round(time.Minute)
	return 0, &spec.FieldError{Field: c.Field, Msg: fmt.Sprintf("this run would take about %v here (%s), more than the %v a run may take on this server (-run-timeout); ask for a smaller run", est, c.Work, s.cfg.RunTimeout)}
}

// activeRuns is each client's unfinished work, for Config.MaxRunsPerClient: the single runs
// it started, the sweeps it started, and the places and seconds taken by its submissions in
// progress. A sweep of N runs counts as its N runs, by their estimated time (clientLimit).
type activeRuns struct {
	mu       sync.Mutex
	runs     map[string][]heldRun   // client → runs it started that may be unfinished
	sweeps   map[string][]heldSweep // client → sweeps it started that may be unfinished
	held     map[string]int         // client → places taken by submissions of single runs in progress
	heldSecs map[string]float64     // client → estimated seconds of submissions in progress
	heldRuns map[string]int         // client → runs of sweep submissions in progress
}

// heldRun is a run a client started, with its estimated seconds here.
type heldRun struct {
	id   string
	secs float64
}

// heldSweep is a sweep a client started, with each run's estimated seconds here.
type heldSweep struct {
	id   string
	secs []float64
}

// clientWork is what a client has unfinished: runs (single and in sweeps) and their estimated
// seconds here.
type clientWork struct {
	singles, runs int
	secs          float64
}

// runSeconds is the estimated time of run sp on this server (admitCost's estimate).
func (s *Server) runSeconds(sp spec.Spec) float64 { return EstimateCost(sp).Seconds / s.cfg.RunSpeed }

// clientLimit is the most estimated work one client may have unfinished: MaxRunsPerClient runs
// of the longest a run may take (RunTimeout). 0 where RunTimeout is 0 (no per-run limit): then
// the runs are counted instead.
func (s *Server) clientLimit() float64 {
	return float64(s.cfg.MaxRunsPerClient) * s.cfg.RunTimeout.Seconds()
}

// unfinished sums client's unfinished work, forgetting finished runs and sweeps on the way.
// The caller holds a.mu.
func (s *Server) unfinished(ctx context.Context, client string) clientWork {
	a := &s.active
	if a.runs == nil {
		a.runs, a.sweeps = map[string][]heldRun{}, map[string][]heldSweep{}
		a.held, a.heldSecs, a.heldRuns = map[string]int{}, map[string]float64{}, map[string]int{}
	}
	var w clientWork
	var live []heldRun
	for _, h := range a.runs[client] {
		if r, err := s.cfg.Runs.Get(ctx, h.id); err == nil && !r.State.Terminal() {
			live = append(live, h)
			w.singles++
			w.secs += h.secs
		}
	}
	if len(live) == 0 {
		delete(a.runs, client)
	} else {
		a.runs[client] = live
	}
	var liveSweeps []heldSweep
	if svc, ok := s.cfg.Runs.(Sweeps); ok {
		for _, h := range a.sweeps[client] {
			st, err := svc.GetSweep(ctx, h.id, false)
			if err != nil || st.Finished {
				continue
			}
			liveSweeps = append(liveSweeps, h)
			for _, r := range st.Runs {
				if !store.State(r.State).Terminal() && r.Index >= 0 && r.Index < len(h.secs) {
					w.runs++
					w.secs += h.secs[r.Index]
				}
			}
		}
	}
	if len(liveSweeps) == 0 {
		delete(a.sweeps, client)
	} else {
		a.sweeps[client] = liveSweeps
	}
	w.singles += a.held[client]
	w.runs += w.singles + a.heldRuns[client]
	w.secs += a.heldSecs[client]
	return w
}

// reserve takes a place for a new run of client estimated at secs, or returns the error of a
// client at its limit: MaxRunsPerClient unfinished single runs, or more estimated work than
// clientLimit with its sweeps' runs. Finished runs are forgotten on the way. The lock is held
// throughout, so that two submissions of one client cannot both take the last place; the run
// service answers Get from memory for unfinished runs.
func (s *Server) reserve(ctx context.Context, client string, secs float64) error {
	if s.cfg.MaxRunsPerClient <= 0 {
		return nil
	}
	a := &s.active
	a.mu.Lock()
	defer a.mu.Unlock()
	w := s.unfinished(ctx, client)
	if w.singles >= s.cfg.MaxRunsPerClient {
		return tooManyRuns{n: w.singles, max: s.cfg.MaxRunsPerClient}
	}
	if limit := s.clientLimit(); limit > 0 && w.runs > w.singles && w.secs+secs > limit {
		return s.overClientLimit(w, 1, secs)
	}
	a.held[client]++
	a.heldSecs[client] += secs
	return nil
}

// release gives back a place taken by reserve, recording the run's id if one was made.
func (s *Server) release(client, id string, secs float64) {
	if s.cfg.MaxRunsPerClient <= 0 {
		return
	}
	a := &s.active
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.held[client]--; a.held[client] <= 0 {
		delete(a.held, client)
	}
	s.releaseSecs(client, secs)
	if id != "" {
		a.runs[client] = append(a.runs[client], heldRun{id, secs})
	}
}

func (s *Server) releaseSecs(client string, secs float64) {
	a := &s.active
	if a.heldSecs[client] -= secs; a.heldSecs[client] <= 1e-9 {
		delete(a.heldSecs, client)
	}
}

// reserveSweep takes places for the runs of a sweep of client, each estimated at secs[i], or
// returns why not: a sweep of N runs counts as N runs of their estimated time against the
// client's limit (clientLimit; where there is no run time limit, as N runs against
// MaxRunsPerClient). A sweep over the limit by itself is a 400 (no wait helps), one that does
// not fit beside the client's unfinished work a 429.
func (s *Server) reserveSweep(ctx context.Context, client string, secs []float64) error {
	if s.cfg.MaxRunsPerClient <= 0 {
		return nil
	}
	var total float64
	for _, x := range secs {
		total += x
	}
	a := &s.active
	a.mu.Lock()
	defer a.mu.Unlock()
	w := s.unfinished(ctx, client)
	limit := s.clientLimit()
	switch {
	case limit > 0 && total > limit:
		return &spec.FieldError{Field: "grid", Msg: fmt.Sprintf("the sweep's %d runs would take about %s here, more than the %s of runs one client may have waiting on this server (-runs-per-client %d × -run-timeout %v; -runs-per-client 0 lifts it); ask for fewer values, seeds or iterations",
			len(secs), sweep.Human(seconds(total)), sweep.Human(seconds(limit)), s.cfg.MaxRunsPerClient, s.cfg.RunTimeout)}
	case limit > 0 && w.secs+total > limit:
		return s.overClientLimit(w, len(secs), total)
	case limit <= 0 && len(secs) > s.cfg.MaxRunsPerClient:
		return &spec.FieldError{Field: "grid", Msg: fmt.Sprintf("the sweep has %d runs, more than the %d runs one client may have queued or running on this server (-runs-per-client %d; 0 lifts it); ask for fewer values or seeds",
			len(secs), s.cfg.MaxRunsPerClient, s.cfg.MaxRunsPerClient)}
	case limit <= 0 && w.runs+len(secs) > s.cfg.MaxRunsPerClient:
		return tooManyRuns{n: w.runs, max: s.cfg.MaxRunsPerClient, adding: len(secs)}
	}
	a.heldRuns[client] += len(secs)
	a.heldSecs[client] += total
	return nil
}

// releaseSweep gives back the places taken by reserveSweep, recording the sweep if one was made.
func (s *Server) releaseSweep(client, id string, secs []float64) {
	if s.cfg.MaxRunsPerClient <= 0 {
		return
	}
	var total float64
	for _, x := range secs {
		total += x
	}
	a := &s.active
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.heldRuns[client] -= len(secs); a.heldRuns[client] <= 0 {
		delete(a.heldRuns, client)
	}
	s.releaseSecs(client, total)
	if id != "" {
		a.sweeps[client] = append(a.sweeps[client], heldSweep{id, secs})
	}
}

func seconds(x float64) time.Duration { return time.Duration(x * float64(time.Second)) }

// overClientLimit is the 429 of a submission of n runs (secs estimated) that does not fit
// beside the client's unfinished work w.
func (s *Server) overClientLimit(w clientWork, n int, secs float64) error {
	return clientBusy(fmt.Sprintf("you have %d runs queued or running (about %s of work here, sweeps included); %d more of about %s would pass the %s one client may have waiting on this server (-runs-per-client %d × -run-timeout %v); wait for runs to finish or cancel some",
		w.runs, sweep.Human(seconds(w.secs)), n, sweep.Human(seconds(secs)), sweep.Human(seconds(s.clientLimit())), s.cfg.MaxRunsPerClient, s.cfg.RunTimeout))
}

// clientBusy is a 429 with its message.
type clientBusy string

func (e clientBusy) Error() string           { return string(e) }
func (clientBusy) RetryAfter() time.Duration { return 30 * time.Second }

// tooManyRuns is the 429 of a client at its cap.
type tooManyRuns struct{ n, max, adding int }

func (e tooManyRuns) Error() string {
	if e.adding > 0 {
		return fmt.Sprintf("you have %d runs queued or running, sweeps included, and this sweep adds %d: more than the %d one client may have on this server (-runs-per-client); wait for runs to finish or cancel some", e.n, e.adding, e.max)
	}
	return fmt.Sprintf("you have %d runs queued or running, the most one client may have on this server (%d); wait for one to finish or cancel one", e.n, e.max)
}
func (tooManyRuns) RetryAfter() time.Duration { return 30 * time.Second }

// cancelToken is the token that lets its holder cancel the run or sweep (what) id: an HMAC
// of both under the server's key, so that nothing needs to be stored, tokens outlive a
// restart when the key does (Config.RunKey), and a run's token does not open a sweep.
func (s *Server) cancelToken(what, id string) string {
	m := hmac.New(sha256.New, s.runKey)
	m.Write([]byte("cancel " + what + " " + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// checkCancelToken answers 403 unless the request carries the cancel token of the run or
// sweep (what) id (Authorization: Bearer <token>).
func (s *Server) checkCancelToken(w http.ResponseWriter, r *http.Request, what, id string) bool {
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || tok == "" {
		writeError(w, http.StatusForbidden, "", "cancelling a %s needs the cancel token its creator received (send it as Authorization: Bearer <cancelToken>)", what)
		return false
	}
	if !hmac.Equal([]byte(strings.TrimSpace(tok)), []byte(s.cancelToken(what, id))) {
		writeError(w, http.StatusForbidden, "", "this is not the cancel token of %s %s; only the client that started a %s may cancel it", what, id, what)
		return false
	}
	return true
}

func randomKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}
