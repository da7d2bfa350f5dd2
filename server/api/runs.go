package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/spec"
)

// runView is the JSON form of a run.
type runView struct {
	ID       string          `json:"id"`
	Spec     json.RawMessage `json:"spec,omitempty"`
	State    store.State     `json:"state"`
	Progress float64         `json:"progress"`
	Message  string          `json:"message,omitempty"`
	Partial  json.RawMessage `json:"partial,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"`
	Error    string          `json:"error,omitempty"`
	Created  time.Time       `json:"created"`
	Updated  time.Time       `json:"updated"`
}

func viewRun(r store.Run) runView {
	v := runView{ID: r.ID, Spec: r.Spec, State: r.State, Progress: r.Progress, Message: r.Message,
		Result: r.Result, Error: r.Error, Created: r.Created, Updated: r.Updated}
	if !r.State.Terminal() {
		v.Partial = r.Partial // a finished run has its result
	}
	return v
}

// runsAvailable answers 501 where this deployment runs nothing.
func (s *Server) runsAvailable(w http.ResponseWriter) bool {
	if s.cfg.Runs != nil {
		return true
	}
	writeError(w, http.StatusNotImplemented, "", "this deployment does not execute runs: start the native server (go run ./server) to run specs; shares and datasets work here")
	return false
}

// createRun: POST /api/runs with a spec as the body → 202 {"id", "state"}.
func (s *Server) createRun(w http.ResponseWriter, r *http.Request) {
	if !s.runsAvailable(w) || !checkJSONType(w, r) {
		return
	}
	body, err := io.ReadAll(s.limitBody(w, r, spec.MaxJSON))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sp, err := spec.Parse(body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.checkDataset(w, sp) {
		return
	}
	secs, err := s.admitCost(sp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	client := s.clientKey(r)
	if err := s.reserve(r.Context(), client, secs); err != nil {
		s.fail(w, r, err)
		return
	}
	run, err := s.cfg.Runs.Submit(r.Context(), sp)
	s.release(client, run.ID, secs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/runs/"+run.ID)
	w.Header().Set("Cache-Control", "no-store") // the answer carries the cancel token
	writeJSON(w, r, http.StatusAccepted, struct {
		ID          string      `json:"id"`
		State       store.State `json:"state"`
		CancelToken string      `json:"cancelToken"`
	}{run.ID, run.State, s.cancelToken("run", run.ID)})
}

// getRun: GET /api/runs/{id} → the run.
func (s *Server) getRun(w http.ResponseWriter, r *http.Request) {
	if !s.runsAvailable(w) {
		return
	}
	id, ok := checkID(w, r)
	if !ok {
		return
	}
	run, err := s.cfg.Runs.Get(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, r, http.StatusOK, viewRun(run))
}

// cancelRun: DELETE /api/runs/{id} with Authorization: Bearer <cancelToken> → the run,
// cancelled unless it had finished. Only the holder of the token createRun gave may cancel.
func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) {
	if !s.runsAvailable(w) {
		return
	}
	id, ok := checkID(w, r)
	if !ok || !s.checkCancelToken(w, r, "run", id) {
		return
	}
	run, err := s.cfg.Runs.Cancel(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, viewRun(run))
}

// progressEvent is the data of a "progress" event.
type progressEvent struct {
	ID       string          `json:"id"`
	State    store.State     `json:"state"`
	Progress float64         `json:"progress"`
	Message  string          `json:"message,omitempty"`
	Partial  json.RawMessage `json:"partial,omitempty"`
}

// runEvents: GET /api/runs/{id}/events streams the run as server-sent events:
// "progress" events ({id, state, progress, message, partial}) while it is queued or
// running, then one "end" event with the whole run (result or error) when it is finished.
// Should the stream close without an "end" (a server restart), EventSource reconnects.
func (s *Server) runEvents(w http.ResponseWriter, r *http.Request) {
	if !s.runsAvailable(w) {
		return
	}
	id, ok := checkID(w, r)
	if !ok {
		return
	}
	if !s.takeStream(w, "/api/runs/"+id) {
		return
	}
	defer s.streams.Add(-1)
	ctx := r.Context()
	updates, err := s.cfg.Runs.Watch(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	streamEvents(s, ctx, w, updates, func(run store.Run, open bool) (string, any, bool) {
		switch {
		case !open:
			return "", nil, true
		case run.State.Terminal():
			return "end", viewRun(run), true
		}
		return "progress", progressEvent{run.ID, run.State, run.Progress, run.Message, run.Partial}, false
	})
}

// takeStream takes a place among the event streams open (Config.MaxStreams), or answers 503
// (the server is shutting down, or every place is taken: poll pollPath instead) and returns
// false. The caller gives the place back with s.streams.Add(-1).
func (s *Server) takeStream(w http.ResponseWriter, pollPath string) bool {
	select {
	case <-s.closing:
		writeError(w, http.StatusServiceUnavailable, "", "the server is shutting down")
		return false
	default:
	}
	if n := s.streams.Add(1); n > int64(s.cfg.MaxStreams) {
		s.streams.Add(-1)
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusServiceUnavailable, "", "too many event streams are open (%d); poll GET %s instead, or retry later", s.cfg.MaxStreams, pollPath)
		return false
	}
	return true
}

// startStream writes the headers of a server-sent event stream and its reconnection delay,
// and reports whether the client is still there.
func startStream(w http.ResponseWriter) (*http.ResponseController, bool) {
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout; not every writer supports this
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	return rc, rc.Flush() == nil
}

// streamEvents starts an event stream on w and writes to it the event each update on updates
// makes (event gives its name and data, or "" for none, and whether it ends the stream; it is
// called once with open false when updates closes), with a heartbeat comment every
// Config.Heartbeat, until an event ends it, updates closes, a write fails, the client leaves
// (ctx) or the server closes.
func streamEvents[T any](s *Server, ctx context.Context, w http.ResponseWriter, updates <-chan T, event func(v T, open bool) (name string, data any, end bool)) {
	rc, ok := startStream(w)
	if !ok {
		return
	}
	beat := time.NewTicker(s.cfg.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case v, open := <-updates:
			name, data, end := event(v, open)
			if name != "" && (writeEvent(w, name, data) != nil || rc.Flush() != nil) {
				return
			}
			if end || !open {
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

// writeEvent writes one server-sent event; JSON has no raw newlines, so data is one line.
func writeEvent(w io.Writer, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b)
	return err
}
