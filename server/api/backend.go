package api

import "net/http"

// getBackend: GET /api/backend → {"backend": "backend: cuda on NVIDIA H100 …"}, what runs the
// server's runs, as its start line says.
func (s *Server) getBackend(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Backend == "" {
		writeError(w, http.StatusNotImplemented, "", "this deployment does not execute runs; the native server (go run ./server) does")
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]string{"backend": s.cfg.Backend})
}
