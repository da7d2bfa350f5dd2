package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/spec"
)

// shareRequest is the body of POST /api/shares.
type shareRequest struct {
	Spec   json.RawMessage `json:"spec"`
	Result json.RawMessage `json:"result"`
}

// shareView is the JSON form of a share.
type shareView struct {
	ID      string          `json:"id"`
	URL     string          `json:"url"`
	Spec    json.RawMessage `json:"spec"`
	Result  json.RawMessage `json:"result,omitempty"`
	Created time.Time       `json:"created"`
}

// createShare: POST /api/shares with {"spec", "result"?} → 201 {"id", "url"}.
// The spec is validated like a run's; the result, any JSON value, is kept as sent.
func (s *Server) createShare(w http.ResponseWriter, r *http.Request) {
	if !checkJSONType(w, r) {
		return
	}
	dec := json.NewDecoder(s.limitBody(w, r, s.cfg.MaxShareBytes))
	dec.DisallowUnknownFields()
	var req shareRequest
	if err := dec.Decode(&req); err != nil {
		var (
			mbe  *http.MaxBytesError
			nerr net.Error
		)
		if errors.As(err, &mbe) || errors.As(err, &nerr) {
			s.fail(w, r, err)
			return
		}
		writeError(w, http.StatusBadRequest, "", "the body must be a JSON object {\"spec\": {...}, \"result\": ...}: %v", err)
		return
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "", "the body has data after its JSON object")
		return
	}
	if len(req.Spec) == 0 || string(req.Spec) == "null" {
		writeError(w, http.StatusBadRequest, "spec", "spec: is missing")
		return
	}
	sp, err := spec.Parse(req.Spec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	canon, err := json.Marshal(sp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var result json.RawMessage
	if len(req.Result) > 0 && string(req.Result) != "null" {
		var b bytes.Buffer
		if err := json.Compact(&b, req.Result); err != nil { // cannot fail on what Decode accepted
			writeError(w, http.StatusBadRequest, "result", "result: is not valid JSON: %v", err)
			return
		}
		result = b.Bytes()
	}
	sh := store.Share{ID: store.NewID(), Spec: canon, Result: result, Created: time.Now().UTC()}
	if err := s.cfg.Store.PutShare(r.Context(), sh); err != nil {
		s.fail(w, r, err)
		return
	}
	url := s.shareURL(r, sh.ID)
	w.Header().Set("Location", "/api/shares/"+sh.ID)
	writeJSON(w, r, http.StatusCreated, struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	}{sh.ID, url})
}

// getShare: GET /api/shares/{id} → {id, url, spec, result, created}. Shares never
// change, so they may be cached for good.
func (s *Server) getShare(w http.ResponseWriter, r *http.Request) {
	id, ok := checkID(w, r)
	if !ok {
		return
	}
	etag := `"` + id + `"`
	if r.Header.Get("If-None-Match") == etag {
		w.Header().Set("ETag", etag)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	sh, err := s.cfg.Store.GetShare(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	writeJSON(w, r, http.StatusOK, shareView{ID: sh.ID, URL: s.shareURL(r, sh.ID), Spec: sh.Spec, Result: sh.Result, Created: sh.Created})
}

// SharePage wraps the handler of the app's page for GET /s/{id}: a malformed or unknown
// id gets a 404 page, and a known one the app (which reads the id from the path and
// fetches /api/shares/{id}, showing the stored result without recomputing it).
func (s *Server) SharePage(app http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if store.ValidID(id) {
			if _, err := s.cfg.Store.GetShare(r.Context(), id); err == nil {
				app.ServeHTTP(w, r)
				return
			} else if !errors.Is(err, store.ErrNotFound) {
				s.logf("api: share page %s: %v", id, err)
				http.Error(w, "The server could not read this share; try again later.", http.StatusInternalServerError)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("<!doctype html><title>Tailscope: no such share</title><p>This share link does not exist. <a href=\"/\">Open Tailscope</a>.</p>\n"))
	})
}

func (s *Server) shareURL(r *http.Request, id string) string {
	base := s.cfg.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + "/s/" + id
}
