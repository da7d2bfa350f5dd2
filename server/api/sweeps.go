package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

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

// presetView is a preset with its sweep, size and estimated cost, and why it is refused if it is.
type presetView struct {
	Name     string       `json:"name"`
	Label    string       `json:"label"`
	Help     string       `json:"help"`
	Sweep    sweep.Sweep  `json:"sweep"`
	Link     string       `json:"link"` // the query form, for a URL
	Runs     int          `json:"runs"`
	Estimate []sweep.Cost `json:"estimate"`
	Refused  string       `json:"refused,omitempty"`
}

// listSweepPresets: GET /api/sweeps/presets → the presets with their estimates.
func (s *Server) listSweepPresets(w http.ResponseWriter, r *http.Request) {
	var out []presetView
	for _, p := range sweep.Presets() {
		sw := p.Sweep()
		v := presetView{Name: p.Name, Label: p.Label, Help: p.Help, Sweep: sw, Link: sw.Encode(), Runs: sw.Count(), Estimate: sw.Estimate()}
		if err := sw.Validate(); err != nil {
			v.Refused = err.Error()
		}
		out = append(out, v)
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, r, http.StatusOK, out)
}

// estimateSweep: POST /api/sweeps/estimate with a sweep → {runs, estimate}, or the 400 a
// submission would get; nothing is run.
func (s *Server) estimateSweep(w http.ResponseWriter, r *http.Request) {
	sw, ok := s.readSweep(w, r)
	if !ok {
		return
	}
	writeJSON(w, r, http.StatusOK, struct {
		Runs     int          `json:"runs"`
		Estimate []sweep.Cost `json:"estimate"`
	}{sw.Count(), sw.Estimate()})
}

func (s *Server) readSweep(w http.ResponseWriter, r *http.Request) (sweep.Sweep, bool) {
	if !checkJSONType(w, r) {
		return sweep.Sweep{}, false
	}
	body, err := io.ReadAll(s.limitBody(w, r, sweep.MaxJSON))
	if err != nil {
		s.fail(w, r, err)
		return sweep.Sweep{}, false
	}
	sw, err := sweep.Parse(body)
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
	sw, ok := s.readSweep(w, r)
	if !ok {
		return
	}
	// The admission of single runs holds for each run of a sweep: its dataset is on this
	// server, and its estimate within the run time limit.
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
		if err := s.admitCost(run); err != nil {
			s.fail(w, r, fmt.Errorf("run %d (%s): %w", i, sw.Label(i), err))
			return
		}
		secs[i] = s.runSeconds(run)
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
	}{st.ID, len(st.Runs), st.Counts, st.Estimate, s.sweepCancelToken(st.ID)})
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

// sweepCancelToken is the token that lets its holder cancel sweep id, as cancelToken is for
// runs (a different message under the same key, so neither token opens the other).
func (s *Server) sweepCancelToken(id string) string {
	m := hmac.New(sha256.New, s.runKey)
	m.Write([]byte("cancel sweep " + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
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
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !hmac.Equal([]byte(strings.TrimSpace(tok)), []byte(s.sweepCancelToken(id))) {
		writeError(w, http.StatusForbidden, "", "cancelling a sweep needs the cancel token its creator received (send it as Authorization: Bearer <cancelToken>)")
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
	select {
	case <-s.closing:
		writeError(w, http.StatusServiceUnavailable, "", "the server is shutting down")
		return
	default:
	}
	if n := s.streams.Add(1); n > int64(s.cfg.MaxStreams) {
		s.streams.Add(-1)
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusServiceUnavailable, "", "too many event streams are open (%d); poll GET /api/sweeps/%s instead, or retry later", s.cfg.MaxStreams, id)
		return
	}
	defer s.streams.Add(-1)
	ctx := r.Context()
	updates, err := svc.WatchSweep(ctx, id)
	if err != nil {
		s.failSweep(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	if rc.Flush() != nil {
		return
	}
	beat := time.NewTicker(s.cfg.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case batch, open := <-updates:
			if !open {
				st, err := svc.GetSweep(ctx, id, false)
				if err == nil && st.Finished {
					st.Runs = nil // the client has every run's state; results are fetched on demand
					if writeEvent(w, "end", st) == nil {
						rc.Flush()
					}
				}
				return
			}
			if writeEvent(w, "runs", batch) != nil || rc.Flush() != nil {
				return
			}
		case <-beat.C:
			if _, err := io.WriteString(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		case <-ctx.Done():
			return
		case <-s.closing:
			return
		}
	}
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
