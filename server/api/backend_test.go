package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/store"
)

func TestGetBackend(t *testing.T) {
	tests := []struct {
		name, backend string
		status        int
	}{
		{"native", "backend: cpu: AMD EPYC 7B13, 2 cores", http.StatusOK},
		{"worker", "", http.StatusNotImplemented},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := api.New(api.Config{Store: new(store.Memory), Backend: tt.backend})
			if err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, httptest.NewRequest("GET", "/api/backend", nil))
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.status == http.StatusOK {
				var got map[string]string
				if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got["backend"] != tt.backend {
					t.Fatalf("body %s, want backend %q", w.Body, tt.backend)
				}
			}
		})
	}
}
