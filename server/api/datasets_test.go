package api_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/data"
)

func newDataEnv(t *testing.T) *env {
	srv, err := api.New(api.Config{Store: new(store.Memory), Datasets: new(api.DataCatalog), Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, h: srv}
}

func TestListDatasets(t *testing.T) {
	e := newDataEnv(t)
	w := e.do("GET", "/api/datasets", "")
	if w.Code != 200 {
		t.Fatalf("GET /api/datasets: %d %s", w.Code, w.Body)
	}
	var got []data.Info
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	// MNIST's sizes are published: 60000 training and 10000 test images of 28×28 pixels, 10 classes.
	want := map[string]data.Info{
		"mnist-train": {Name: "mnist-train", Examples: 60000, Shape: []int{28, 28}, Classes: 10, Bytes: 24 + 11 + 60000 + 60000*784 + 4},
		"mnist-test":  {Name: "mnist-test", Examples: 10000, Shape: []int{28, 28}, Classes: 10, Bytes: 24 + 10 + 10000 + 10000*784 + 4},
	}
	names := []string{}
	for _, d := range got {
		names = append(names, d.Name)
		if w, ok := want[d.Name]; ok && (d.Examples != w.Examples || !slices.Equal(d.Shape, w.Shape) || d.Classes != w.Classes || d.Bytes != w.Bytes) {
			t.Errorf("dataset %s = %+v, want %+v", d.Name, d, w)
		}
	}
	for _, n := range []string{"mnist-train", "mnist-test", "blobs", "spirals"} {
		if !slices.Contains(names, n) {
			t.Errorf("GET /api/datasets lists %v, want it to include %s", names, n)
		}
	}
}

// TestGetDataset reads slices in the binary form and compares them with sim/data's own.
func TestGetDataset(t *testing.T) {
	e := newDataEnv(t)
	ts := httptest.NewServer(e.h)
	defer ts.Close()
	full, err := data.Load("spirals")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query        string
		offset, n    int
		acceptGzip   bool
		wantGzipSent bool
	}{
		{"", 0, full.Len(), false, false},
		{"?offset=10&n=25", 10, 25, true, true},
		{"?n=1", 0, 1, false, false},
		{"?offset=" + strconv.Itoa(full.Len()-3), full.Len() - 3, 3, true, true},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", ts.URL+"/api/datasets/spirals"+tt.query, nil)
		if !tt.acceptGzip {
			req.Header.Set("Accept-Encoding", "identity") // else Go's client asks for gzip and decodes it
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("ETag") == "" {
			t.Fatalf("%s: %d, ETag %q; want 200 with an ETag", tt.query, resp.StatusCode, resp.Header.Get("ETag"))
		}
		if gz := resp.Uncompressed; gz != tt.wantGzipSent {
			t.Errorf("%s: sent gzipped %v, want %v", tt.query, gz, tt.wantGzipSent)
		}
		got, err := data.ReadBinary(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: ReadBinary: %v", tt.query, err)
		}
		want, _ := full.Slice(tt.offset, tt.n)
		if got.Len() != tt.n || !slices.Equal(got.Y, want.Y) || !slices.Equal(got.X, want.X) {
			t.Errorf("%s: got %d examples (labels %v…), want examples [%d, %d) of spirals", tt.query, got.Len(), got.Y[:min(5, got.Len())], tt.offset, tt.offset+tt.n)
		}
		// Revalidation.
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		resp2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp2.Body.Close()
		if resp2.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: %d, want 304", tt.query, resp2.StatusCode)
		}
	}
}

// TestGetMNIST reads the first ten test images' labels, which are published:
// 7 2 1 0 4 1 4 9 5 9.
func TestGetMNIST(t *testing.T) {
	if _, err := data.MNISTDir(); err != nil {
		t.Skipf("MNIST files not found: %v", err)
	}
	e := newDataEnv(t)
	w := e.do("GET", "/api/datasets/mnist-test?n=10", "", "Accept-Encoding", "gzip")
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET mnist-test?n=10: %d %q %s", w.Code, w.Header().Get("Content-Encoding"), w.Body)
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	set, err := data.ReadBinary(zr)
	if err != nil {
		t.Fatal(err)
	}
	if want := []uint8{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}; !slices.Equal(set.Y, want) || set.Dim != 784 {
		t.Errorf("mnist-test labels %v dim %d, want %v and 784", set.Y, set.Dim, want)
	}
}

func TestDatasetErrors(t *testing.T) {
	e := newDataEnv(t)
	tests := []struct {
		path   string
		status int
		field  string
	}{
		{"/api/datasets/cifar", 404, "name"},
		{"/api/datasets/..%2F..%2Fetc%2Fpasswd", 404, "name"},
		{"/api/datasets/blobs?n=0", 400, "n"},
		{"/api/datasets/blobs?n=-5", 400, "n"},
		{"/api/datasets/blobs?n=1e3", 400, "n"},
		{"/api/datasets/blobs?offset=99999999", 400, "offset"},
		{"/api/datasets/blobs?offset=-1", 400, "offset"},
		{"/api/datasets/blobs?offset=10&n=99999999", 400, "n"},
	}
	for _, tt := range tests {
		checkError(t, tt.path, e.do("GET", tt.path, ""), tt.status, tt.field)
	}
	none := newEnv(t, false, 0)
	checkError(t, "no datasets", none.do("GET", "/api/datasets", ""), http.StatusNotImplemented, "")
	checkError(t, "no datasets", none.do("GET", "/api/datasets/blobs", ""), http.StatusNotImplemented, "")
}
