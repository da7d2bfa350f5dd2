package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/sweep"
)

// Sweeps runs sweeps: grids of runs (sim/sweep). The native server's engine implements it
// next to Runs; the sweep routes answer 501 where Config.Runs does not.
type Sweeps interface {
	// SubmitSweep validates the sweep against the server's budget, records its runs as queued
	// and queues them.
	SubmitSweep(ctx context.Context, sw sweep.Sweep) (sweep.Status, error)
	// GetSweep returns the sweep and each of its runs, with results when withResults is set.
	GetSweep(ctx context.Context, id string, withResults bool) (sweep.Status, error)
	// CancelSweep cancels every unfinished run of the sweep.
	CancelSweep(ctx context.Context, id string) (sweep.Status, error)
	// WatchSweep returns a channel of the runs that changed since the last receive (the first
	// holds every run), closed once every run is finished.
	WatchSweep(ctx context.Context, id string) (<-chan []sweep.RunStatus, error)
}

// sweeps returns the sweep service, answering 501 where there is none.
func (s *Server) sweeps(w http.ResponseWriter) (Sweeps, bool) {
	if sw, ok := s.cfg.Runs.(Sweeps); ok {
		return sw, true
	}
	writeError(w, http.StatusNotImplemented, "", "this deployment does not execute sweeps: start the native server (go run ./server)")
	return nil, false
}

// failSweep writes an invalid sweep as a 400 naming its field, other errors as fail does.
func (s *Server) failSweep(w http.ResponseWriter, r *http.Request, err error) {
	var se *sweep.Error
	if errors.As(err, &se) {
		writeError(w, http.StatusBadRequest, se.Field, "%s", se.Error())
		return
	}
	s.fail(w, r, err)
}

// presetView is a preset with its sweep, size and estimated cost, and why this server refuses
// it if it does.
type presetView struct {
	Name  string      `json:"name"`
	Label string      `json:"label"`
	Help  string      `json:"help"`
	Sweep sweep.Sweep `json:"sweep"`
	Link  string      `json:"link"` // the query form, for a URL
	sweepEstimate
}

// sweepEstimate is what a sweep would take, and what on this server refuses it: the answer of
// POST /api/sweeps/estimate, given even for a sweep that would be refused, so that its size and
// time are seen before anyone starts it.
type sweepEstimate struct {
	Runs     int          `json:"runs"`
	Estimate []sweep.Cost `json:"estimate"`
	Refused  string       `json:"refused,omitempty"` // every refusal's message, in one text
	Refusals []refusal    `json:"refusals,omitempty"`
}

// refusal is one limit of this server that a sweep passes, with the flag that lifts it.
type refusal struct {
	Field   string `json:"field"`          // the sweep's part it concerns ("grid": its size)
	Limit   string `json:"limit"`          // the limit, in words
	Flag    string `json:"flag,omitempty"` // the server flag that lifts it; "": none does
	Runs    int    `json:"runs"`           // the runs over it; 0: the sweep as a whole
	Message string `json:"message"`
}

// estimate is the sweep's size, estimated cost per backend and its refusals on this server;
// secs are its runs' estimated seconds here (sweepSeconds).
func (s *Server) estimate(sw sweep.Sweep, secs []float64) sweepEstimate {
	e := sweepEstimate{Runs: sw.Count(), Estimate: sw.Estimate(), Refusals: s.sweepRefusals(sw, secs)}
	msgs := make([]string, len(e.Refusals))
	for i, r := range e.Refusals {
		msgs[i] = r.Message
	}
	e.Refused = strings.Join(msgs, " Also: ")
	return e
}

// sweepSeconds is the estimated time here of each run of sw (runSeconds).
func (s *Server) sweepSeconds(sw sweep.Sweep) []float64 {
	secs := make([]float64, sw.Count())
	for i := range secs {
		secs[i] = s.runSeconds(sw.Run(i))
	}
	return secs
}

// sweepRefusals lists what on this server refuses sw, whose runs take secs here: runs its
// kind refuses (its own checks and per-run budgets, which no server flag changes), runs
// longer than the run time limit, a sweep longer than the sweep budget, and a sweep larger
// than one client's share.
func (s *Server) sweepRefusals(sw sweep.Sweep, secs []float64) []refusal {
	var out []refusal
	out = append(out, kindRefusals(sw)...)
	var total, longest float64
	over, field := 0, ""
	for i := range secs {
		total += secs[i]
		if s.cfg.RunTimeout > 0 && secs[i] > s.cfg.RunTimeout.Seconds() {
			over++
			if field == "" {
				field = EstimateCost(sw.Run(i)).Field
			}
		}
		longest = max(longest, secs[i])
	}
	if over > 0 {
		out = append(out, refusal{Field: field, Limit: fmt.Sprintf("%v per run", s.cfg.RunTimeout), Flag: "-run-timeout", Runs: over,
			Message: fmt.Sprintf("%d of %d runs would take longer than the %v a run may take on this server (the longest about %s); a server started with -run-timeout %v takes them",
				over, len(secs), s.cfg.RunTimeout, sweep.Human(seconds(longest)), roundUpHour(longest))})
	}
	if b, ok := s.cfg.Runs.(interface{ SweepBudget() sweep.Budget }); ok {
		budget := b.SweepBudget()
		if budget.MaxSeconds > 0 && budget.Backend.Name == "" {
			var sum float64
			for i := range sw.Count() {
				sum += sweep.CPU.RunSeconds(sw.Run(i))
			}
			if sum > budget.MaxSeconds {
				out = append(out, refusal{Field: "grid", Limit: sweep.Human(seconds(budget.MaxSeconds)) + " per sweep on one worker", Flag: "-sweep-budget",
					Message: fmt.Sprintf("the sweep would take about %s on one cpu worker, more than the %s a sweep may take on this server; a server started with -sweep-budget %v (or 0: no bound) takes it",
						sweep.Human(seconds(sum)), sweep.Human(seconds(budget.MaxSeconds)), roundUpHour(sum))})
			}
		}
	}
	if limit := s.clientLimit(); s.cfg.MaxRunsPerClient > 0 && limit > 0 && total > limit {
		out = append(out, refusal{Field: "grid", Limit: sweep.Human(seconds(limit)) + " of runs waiting per client", Flag: "-runs-per-client",
			Message: fmt.Sprintf("the sweep's %d runs would take about %s here, more than the %s of runs one client may have waiting on this server (-runs-per-client %d × -run-timeout %v); a server started with -runs-per-client 0 takes it",
				len(secs), sweep.Human(seconds(total)), sweep.Human(seconds(limit)), s.cfg.MaxRunsPerClient, s.cfg.RunTimeout)})
	} else if s.cfg.MaxRunsPerClient > 0 && limit <= 0 && len(secs) > s.cfg.MaxRunsPerClient {
		out = append(out, refusal{Field: "grid", Limit: fmt.Sprintf("%d runs per client", s.cfg.MaxRunsPerClient), Flag: "-runs-per-client",
			Message: fmt.Sprintf("the sweep has %d runs, more than the %d runs one client may have queued or running on this server; a server started with -runs-per-client %d (or 0: no limit) takes it",
				len(secs), s.cfg.MaxRunsPerClient, len(secs))})
	}
	return out
}

// kindRefusals lists the runs of sw their kind refuses: those over the mlp kind's bounds on a
// run's memory and multiply-adds, which -max-run-memory and -max-run-work lift, and the others,
// which no flag does.
func kindRefusals(sw sweep.Sweep) []refusal {
	err := sw.Validate()
	if err == nil {
		return nil
	}
	var se *sweep.Error
	if !errors.As(err, &se) || se.Refused == 0 {
		return []refusal{{Field: "sweep", Limit: "the kind's checks", Message: err.Error()}}
	}
	var (
		mem, work, other    int
		mostBytes, mostWork float64
		memField, workField string
		firstOther          = -1
		otherErr            error
	)
	memLimit, workLimit := spec.MLPMemoryLimit(), spec.MLPWorkLimit()
	for i := range sw.Count() {
		run := sw.Run(i)
		verr := run.Validate()
		if verr == nil {
			continue
		}
		var fe *spec.FieldError
		errors.As(verr, &fe)
		bytes, w := spec.MLPCost(run)
		overMem := run.Kind == "mlp" && bytes > float64(memLimit) && strings.Contains(verr.Error(), "MiB, more than")
		overWork := run.Kind == "mlp" && w > workLimit && (overMem || strings.Contains(verr.Error(), "multiply-adds, more than"))
		switch {
		case overMem || overWork:
			if overMem {
				mem++
				mostBytes = max(mostBytes, bytes)
				if memField == "" && fe != nil {
					memField = fe.Field
				}
			}
			if overWork {
				work++
				mostWork = max(mostWork, w)
				if workField == "" {
					workField = "iters"
					if fe != nil && !overMem {
						workField = fe.Field
					}
				}
			}
		default:
			other++
			if firstOther < 0 {
				firstOther, otherErr = i, verr
			}
		}
	}
	var out []refusal
	n := sw.Count()
	if mem > 0 {
		mib := int64(math.Ceil(mostBytes / (1 << 20)))
		out = append(out, refusal{Field: memField, Limit: fmt.Sprintf("%d MiB per mlp run", memLimit>>20), Flag: "-max-run-memory", Runs: mem,
			Message: fmt.Sprintf("%d of %d runs are refused: they would need more than the %d MiB an mlp run may use (the most about %d MiB); a server started with -max-run-memory %dMiB takes them (give its workers the same)",
				mem, n, memLimit>>20, mib, int64(roundUp2(float64(mib))))})
	}
	if work > 0 {
		out = append(out, refusal{Field: workField, Limit: fmt.Sprintf("%.2g multiply-adds per mlp run", workLimit), Flag: "-max-run-work", Runs: work,
			Message: fmt.Sprintf("%d of %d runs are refused: they would need more than the %.2g multiply-adds an mlp run may use (the most about %.2g); a server started with -max-run-work %.2g takes them (give its workers the same)",
				work, n, workLimit, mostWork, roundUp2(mostWork))})
	}
	if other > 0 {
		field := "sweep"
		var fe *spec.FieldError
		if errors.As(otherErr, &fe) {
			field = fe.Field
		}
		out = append(out, refusal{Field: field, Limit: "the kind's checks", Runs: other,
			Message: fmt.Sprintf("%d of %d runs are refused by their kind; the first is run %d (%s): %v (no flag of this server lifts it)", other, n, firstOther, sw.Label(firstOther), otherErr)})
	}
	return out
}

// roundUp2 rounds x up to two significant digits, as a flag's value.
func roundUp2(x float64) float64 {
	if x <= 0 {
		return x
	}
	p := math.Pow(10, math.Floor(math.Log10(x))-1)
	return math.Ceil(x/p-1e-9) * p
}

// roundUpHour rounds secs up to a whole hour, as a flag's value.
func roundUpHour(secs float64) time.Duration {
	return time.Duration(math.Ceil(secs/3600-1e-9)) * time.Hour
}

// listSweepPresets: GET /api/sweeps/presets → the presets with their estimates and, for a preset
// this server refuses, every limit it passes and the flag that lifts it.
func (s *Server) listSweepPresets(w http.ResponseWriter, r *http.Request) {
	var out []presetView
	for _, p := range sweep.Presets() {
		sw := p.Sweep()
		out = append(out, presetView{Name: p.Name, Label: p.Label, Help: p.Help, Sweep: sw, Link: sw.Encode(), sweepEstimate: s.estimate(sw, s.sweepSeconds(sw))})
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, r, http.StatusOK, out)
}

// estimateSweep: POST /api/sweeps/estimate with a sweep → 200 {runs, estimate, refused,
// refusals}: its size and estimated time per backend, given even when this server would refuse
// it, with each limit it passes and the flag that lifts it. A sweep that cannot be read is a 400;
// nothing is run.
func (s *Server) estimateSweep(w http.ResponseWriter, r *http.Request) {
	sw, ok := s.readSweepOf(w, r, true)
	if !ok {
		return
	}
	writeJSON(w, r, http.StatusOK, s.estimate(sw, s.sweepSeconds(sw)))
}

// readSweepOf reads the sweep of the request's body; withRefusedRuns takes a well-formed sweep
// some of whose runs their kind refuses (to estimate it), where a submission gets a 400.
func (s *Server) readSweepOf(w http.ResponseWriter, r *http.Request, withRefusedRuns bool) (sweep.Sweep, bool) {
	if !checkJSONType(w, r) {
		return sweep.Sweep{}, false
	}
	body, err := io.ReadAll(s.limitBody(w, r, sweep.MaxJSON))
	if err != nil {
		s.fail(w, r, err)
		return sweep.Sweep{}, false
	}
	sw, err := sweep.Parse(body)
	var se *sweep.Error
	if err != nil && withRefusedRuns && errors.As(err, &se) && se.Refused > 0 {
		err = nil // sweepRefusals says it again
	}
	if err != nil {
		s.failSweep(w, r, err)
		return sweep.Sweep{}, false
	}
	return sw, true
}

// createSweep: POST /api/sweeps with a sweep → 202 {id, runs, estimate}, Location /api/sweeps/{id}.
func (s *Server) createSweep(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.sweeps(w)
	if !ok {
		return
	}
	sw, ok := s.readSweepOf(w, r, false)
	if !ok {
		return
	}
	// The admission of single runs holds for each run of a sweep: its dataset is on this
	// server, and its estimate within the run time limit; the sweep is within the server's
	// limits (each refusal names its limit and the flag that lifts it).
	checked := map[string]bool{}
	secs := make([]float64, sw.Count())
	for i := range sw.Count() {
		run := sw.Run(i)
		if run.Kind == "mlp" && !checked[run.Get("dataset").Str] {
			checked[run.Get("dataset").Str] = true
			if !s.checkDataset(w, run) {
				return
			}
		}
		secs[i] = s.runSeconds(run)
	}
	if est := s.estimate(sw, secs); len(est.Refusals) > 0 {
		writeError(w, http.StatusBadRequest, est.Refusals[0].Field, "%s", est.Refused)
		return
	}
	// The sweep's runs count against the client's share, as its single runs do.
	client := s.clientKey(r)
	if err := s.reserveSweep(r.Context(), client, secs); err != nil {
		s.failSweep(w, r, err)
		return
	}
	st, err := svc.SubmitSweep(r.Context(), sw)
	s.releaseSweep(client, st.ID, secs)
	if err != nil {
		s.failSweep(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/sweeps/"+st.ID)
	w.Header().Set("Cache-Control", "no-store") // the answer carries the cancel token
	writeJSON(w, r, http.StatusAccepted, struct {
		ID          string         `json:"id"`
		Runs        int            `json:"runs"`
		Counts      map[string]int `json:"counts"`
		Estimate    []sweep.Cost   `json:"estimate"`
		CancelToken string         `json:"cancelToken"`
	}{st.ID, len(st.Runs), st.Counts, st.Estimate, s.cancelToken("sweep", st.ID)})
}

// getSweep: GET /api/sweeps/{id}[?results=1] → the sweep and its runs (with their results).
func (s *Server) getSweep(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.sweeps(w)
	if !ok {
		return
	}
	id, ok := checkID(w, r)
	if !ok {
		return
	}
	results := false
	switch r.URL.Query().Get("results") {
	case "", "0", "false":
	case "1", "true":
		results = true
	default:
		writeError(w, http.StatusBadRequest, "results", "must be 1 or 0 (true or false)")
		return
	}
	st, err := svc.GetSweep(r.Context(), id, results)
	if err != nil {
		s.failSweep(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, r, http.StatusOK, st)
}

// cancelSweep: DELETE /api/sweeps/{id} with Authorization: Bearer <cancelToken> → the sweep,
// its unfinished runs cancelled. Only the holder of the token createSweep gave may cancel.
func (s *Server) cancelSweep(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.sweeps(w)
	if !ok {
		return
	}
	id, ok := checkID(w, r)
	if !ok {
		return
	}
	if !s.checkCancelToken(w, r, "sweep", id) {
		return
	}
	st, err := svc.CancelSweep(r.Context(), id)
	if err != nil {
		s.failSweep(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, st)
}

// sweepEvents: GET /api/sweeps/{id}/events streams the sweep as server-sent events: "runs"
// events, each an array of the runs that changed ({index, id, label, state, progress, message,
// error}; the first lists every run), then one "end" event with the sweep's status once every
// run is finished. A client fetches results with GET ?results=1 or per run.
func (s *Server) sweepEvents(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.sweeps(w)
	if !ok {
		return
	}
	id, ok := checkID(w, r)
	if !ok {
		return
	}
	if !s.takeStream(w, "/api/sweeps/"+id) {
		return
	}
	defer s.streams.Add(-1)
	ctx := r.Context()
	updates, err := svc.WatchSweep(ctx, id)
	if err != nil {
		s.failSweep(w, r, err)
		return
	}
	streamEvents(s, ctx, w, updates, func(batch []sweep.RunStatus, open bool) (string, any, bool) {
		if open {
			return "runs", batch, false
		}
		st, err := svc.GetSweep(ctx, id, false)
		if err != nil || !st.Finished {
			return "", nil, true
		}
		st.Runs = nil // the client has every run's state; results are fetched on demand
		return "end", st, true
	})
}

// sweepTable: GET /api/sweeps/{id}/table[?format=csv] → the sweep summarised per grid point
// (sweep.Table: each metric's mean, standard deviation and count over the seeds whose runs are
// done), as JSON or CSV: the numbers behind a figure of α̂ against width, depth or batch size.
func (s *Server) sweepTable(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.sweeps(w)
	if !ok {
		return
	}
	id, ok := checkID(w, r)
	if !ok {
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" {
		writeError(w, http.StatusBadRequest, "format", "must be json or csv, got %q", clipText(format))
		return
	}
	st, err := svc.GetSweep(r.Context(), id, true)
	if err != nil {
		s.failSweep(w, r, err)
		return
	}
	table := sweep.Summarize(st)
	w.Header().Set("Cache-Control", "no-store")
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="sweep-`+id+`.csv"`)
		table.WriteCSV(w)
		return
	}
	writeJSON(w, r, http.StatusOK, table)
}
