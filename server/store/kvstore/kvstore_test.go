package kvstore

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/store"
)

func TestShares(t *testing.T) {
	ctx := context.Background()
	s := &Store{KV: new(Memory)}
	sh := store.Share{ID: store.NewID(), Spec: json.RawMessage(`{"kind":"stable","seed":1,"params":{}}`), Result: json.RawMessage(`{"a":1}`)}
	if err := s.PutShare(ctx, sh); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetShare(ctx, sh.ID)
	if err != nil || string(got.Spec) != string(sh.Spec) || string(got.Result) != string(sh.Result) {
		t.Errorf("GetShare = %+v, %v; want %+v", got, err, sh)
	}
	if err := s.PutShare(ctx, sh); !errors.Is(err, store.ErrExists) {
		t.Errorf("second PutShare: %v, want ErrExists", err)
	}
	for _, id := range []string{store.NewID(), "../../etc/passwd", "", strings.Repeat("a", 600)} {
		if _, err := s.GetShare(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetShare(%.20q): %v, want ErrNotFound", id, err)
		}
	}
	if err := s.PutShare(ctx, store.Share{ID: "bad/id"}); err == nil {
		t.Error("PutShare accepted an invalid id")
	}
	if _, err := s.GetRun(ctx, store.NewID()); !errors.Is(err, ErrNoRuns) {
		t.Errorf("GetRun: %v, want ErrNoRuns", err)
	}
}

// corruptKV returns a stored value that is not JSON, as a damaged KV entry would be.
type corruptKV struct{ Memory }

func (c *corruptKV) Get(ctx context.Context, key string) ([]byte, bool, error) {
	return []byte("<null>"), true, nil
}

func TestCorruptValueIsAnError(t *testing.T) {
	s := &Store{KV: new(corruptKV)}
	if _, err := s.GetShare(context.Background(), store.NewID()); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("GetShare of a corrupt value: %v, want an error saying corrupt", err)
	}
}

// TestAPIOverKV checks the Worker's configuration of the shared handlers: shares work,
// runs answer with the API's error shape and name the native server.
func TestAPIOverKV(t *testing.T) {
	srv, err := api.New(api.Config{Store: &Store{KV: new(Memory)}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	resp, err := http.Post(ts.URL+"/api/shares", "application/json", strings.NewReader(`{"spec":{"kind":"stable","seed":4}}`))
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID, URL string }
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || !store.ValidID(created.ID) {
		t.Fatalf("POST /api/shares: %d %+v", resp.StatusCode, created)
	}
	resp, err = http.Get(ts.URL + "/api/shares/" + created.ID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"seed":4`) {
		t.Errorf("GET share: %d %s", resp.StatusCode, body)
	}

	tests := []struct {
		method, path, body string
		status             int
		errContains        string
	}{
		{"POST", "/api/runs", `{"kind":"stable"}`, http.StatusNotImplemented, "native server"},
		{"POST", "/api/shares", `{"spec":{"kind":"stable","params":{"alpha":7}}}`, http.StatusBadRequest, "alpha"},
		{"GET", "/api/shares/AAAAAAAAAAAAAAAA", "", http.StatusNotFound, "not found"},
		{"GET", "/api/shares/..%2f..%2fx", "", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, ts.URL+tt.path, strings.NewReader(tt.body))
			if tt.method == "POST" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var e struct{ Error, Field string }
			json.NewDecoder(resp.Body).Decode(&e)
			resp.Body.Close()
			if resp.StatusCode != tt.status || !strings.Contains(e.Error, tt.errContains) || e.Error == "" {
				t.Errorf("%s %s: %d %+v, want %d with an error containing %q", tt.method, tt.path, resp.StatusCode, e, tt.status, tt.errContains)
			}
		})
	}
}
