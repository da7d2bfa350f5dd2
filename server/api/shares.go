package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

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
	release, ok := s.takeLargeBody(w, r)
	if !ok {
		return
	}
	defer release()
	body, err := readBody(s.limitBody(w, r, s.cfg.MaxShareBytes), r.ContentLength, s.cfg.MaxShareBytes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Unmarshal, not a Decoder, which would hold a second copy of the body in its buffer;
	// the fields are copies, so the body can go once they are read.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		if err == nil {
			err = errors.New("got null")
		}
		writeError(w, http.StatusBadRequest, "", "the body must be a JSON object {\"spec\": {...}, \"result\": ...}: %v", err)
		return
	}
	body = nil
	req := shareRequest{Spec: fields["spec"], Result: fields["result"]}
	for k := range fields {
		if k != "spec" && k != "result" {
			writeError(w, http.StatusBadRequest, "", "the body has a field %q; a share has only spec and result", clipText(k))
			return
		}
	}
	clear(fields)
	if !utf8.Valid(req.Result) {
		// encoding/json passes invalid UTF-8 inside strings through a RawMessage as is.
		writeError(w, http.StatusBadRequest, "result", "result: contains bytes that are not UTF-8 text")
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
		b.Grow(len(req.Result)) // one allocation: compacting never lengthens
		// Compact cannot fail on what Unmarshal accepted.
		if err := json.Compact(&b, req.Result); err != nil {
			writeError(w, http.StatusBadRequest, "result", "result: is not valid JSON: %v", err)
			return
		}
		result, req.Result = b.Bytes(), nil
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
		ok, err := s.cfg.Store.ShareExists(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if ok {
			w.Header().Set("ETag", etag)
			w.Header().Set("Cache-Control", s.shareCaching())
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	sh, err := s.cfg.Store.GetShare(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", s.shareCaching())
	writeJSON(w, r, http.StatusOK, shareView{ID: sh.ID, URL: s.shareURL(r, sh.ID), Spec: sh.Spec, Result: sh.Result, Created: sh.Created})
}

// SharePage wraps the handler of the app's page for GET /s/{id}: a malformed or unknown
// id gets a 404 page, and a known one the app (which reads the id from the path and
// fetches /api/shares/{id}, showing the stored result without recomputing it).
func (s *Server) SharePage(app http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if store.ValidID(id) {
			if ok, err := s.cfg.Store.ShareExists(r.Context(), id); err != nil {
				s.logf("api: share page %s: %v", id, err)
				http.Error(w, "The server could not read this share; try again later.", http.StatusInternalServerError)
				return
			} else if ok {
				app.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("<!doctype html><title>Tailscope: no such share</title><p>This share link does not exist. <a href=\"/\">Open Tailscope</a>.</p>\n"))
	})
}

// shareCaching is the Cache-Control of a share: shares never change, so any cache may keep
// one for good, unless its url was made from the request's Host (no BaseURL), which a
// shared cache must not hand to requests made under another name.
func (s *Server) shareCaching() string {
	if s.cfg.BaseURL == "" {
		return "private, max-age=31536000, immutable"
	}
	return "public, max-age=31536000, immutable"
}

// readBody reads a whole body of at most limit bytes into one buffer of the size the
// client declared, so that a large body is held once, not grown by doubling.
func readBody(r io.Reader, declared, limit int64) ([]byte, error) {
	var b bytes.Buffer
	if declared > 0 {
		b.Grow(int(min(declared, limit) + 1))
	}
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
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
