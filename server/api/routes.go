package api

// routes registers every route of the API: this table is the API's outline.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /api/backend", s.getBackend)
	s.mux.HandleFunc("GET /api/datasets", s.listDatasets)
	s.mux.HandleFunc("GET /api/datasets/{name}", s.getDataset)

	s.mux.HandleFunc("POST /api/runs", s.createRun)
	s.mux.HandleFunc("GET /api/runs/{id}", s.getRun)
	s.mux.HandleFunc("GET /api/runs/{id}/events", s.runEvents)
	s.mux.HandleFunc("DELETE /api/runs/{id}", s.cancelRun)

	s.mux.HandleFunc("GET /api/sweeps/presets", s.listSweepPresets)
	s.mux.HandleFunc("POST /api/sweeps/estimate", s.estimateSweep)
	s.mux.HandleFunc("POST /api/sweeps", s.createSweep)
	s.mux.HandleFunc("GET /api/sweeps/{id}", s.getSweep)
	s.mux.HandleFunc("GET /api/sweeps/{id}/events", s.sweepEvents)
	s.mux.HandleFunc("GET /api/sweeps/{id}/table", s.sweepTable)
	s.mux.HandleFunc("DELETE /api/sweeps/{id}", s.cancelSweep)

	s.mux.HandleFunc("POST /api/shares", s.createShare)
	s.mux.HandleFunc("GET /api/shares/{id}", s.getShare)
}
