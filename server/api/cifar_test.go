package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/jobs"
	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/data"
)

// TestCIFARDatasets: a missing CIFAR set is listed with the command that gets it, and a run
// or a slice of it is refused naming that command; once its files are in the data directory
// it is listed with its size and served normalised per plane.
func TestCIFARDatasets(t *testing.T) {
	dir := t.TempDir()
	data.SetDir(dir)
	defer data.SetDir("")
	st := new(store.Memory)
	m, err := jobs.New(context.Background(), jobs.Config{Backend: seedBackend, Store: st, Workers: 1, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		m.Shutdown(ctx)
	}()
	srv, err := api.New(api.Config{Store: st, Runs: m, Datasets: new(api.DataCatalog), Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{srv: srv, h: srv}
	list := func() map[string]data.Info {
		w := e.do("GET", "/api/datasets", "")
		var got []data.Info
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 {
			t.Fatalf("GET /api/datasets: %d %s", w.Code, w.Body)
		}
		out := map[string]data.Info{}
		for _, d := range got {
			out[d.Name] = d
		}
		return out
	}
	if d := list()["cifar100-test"]; d.Get != "tailscope data get cifar100" || d.Examples != 10000 || d.Classes != 100 || !slices.Equal(d.Shape, []int{3, 32, 32}) {
		t.Errorf("a missing set is listed as %+v, want the official size and the command to get it", d)
	}
	w := e.do("GET", "/api/datasets/cifar10-train?n=5", "")
	if w.Code != 404 || !strings.Contains(w.Body.String(), "run `tailscope data get cifar10` on it") {
		t.Errorf("a slice of a missing set: %d %s, want 404 naming the command", w.Code, w.Body)
	}
	w = e.do("POST", "/api/runs", `{"kind":"mlp","params":{"dataset":"cifar10"}}`)
	if w.Code != 400 || !strings.Contains(w.Body.String(), `"field":"dataset"`) || !strings.Contains(w.Body.String(), "tailscope data get cifar10") {
		t.Errorf("a run on a missing set: %d %s, want 400 on the dataset naming the command", w.Code, w.Body)
	}

	// The set's files, 20 examples each, in the official layout.
	c := data.CIFAR10
	folder := filepath.Join(data.DatasetsDir(dir), c.Folder)
	os.MkdirAll(folder, 0o755)
	for k, f := range append(append([]string{}, c.Train...), c.Test) {
		pixels, labels := make([]uint8, 20*data.CIFARPixels), make([]uint8, 20)
		for i := range pixels {
			pixels[i] = uint8(i*7 + k)
		}
		for i := range labels {
			labels[i] = uint8((i + k) % 10)
		}
		var b bytes.Buffer
		c.WriteRecords(&b, pixels, labels)
		if err := os.WriteFile(filepath.Join(folder, f), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if d := list()["cifar10-train"]; d.Get != "" || d.Examples != 100 {
		t.Errorf("a present set is listed as %+v, want 100 examples and no command", d)
	}
	w = e.do("GET", "/api/datasets/cifar10-train?offset=18&n=4", "")
	if w.Code != 200 {
		t.Fatalf("GET cifar10-train?offset=18&n=4: %d %s", w.Code, w.Body)
	}
	got, err := data.ReadBinary(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	full, err := data.LoadCIFAR(c, true)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := full.Slice(18, 4)
	// Examples 18, 19 end the first file, 20, 21 start the second (labels (i+k) mod 10).
	if !slices.Equal(got.Y, []uint8{8, 9, 1, 2}) || !slices.Equal(got.X, want.X) || !slices.Equal(got.PlaneStd, c.Std[:]) {
		t.Errorf("served slice: labels %v, planes %v; want labels [8 9 1 2] and the set's normalised features", got.Y, got.PlaneStd)
	}
	if w := e.do("POST", "/api/runs", `{"kind":"mlp","params":{"dataset":"cifar10","n":100,"testN":100,"batch":10}}`); w.Code != 202 {
		t.Errorf("a run on a present set: %d %s, want 202", w.Code, w.Body)
	}
}
