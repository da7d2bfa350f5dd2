//go:build !js

// The client is tested natively: a js/wasm test binary cannot listen on a socket for the
// fake server (its fetch path is covered by the browser tests in server/).

package networkview

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/spec"
)

// fakeAPI answers the routes of server/api that the view uses, as documented there (the
// ui packages may not import server/): a run is done at its second GET, with the result
// of mlp.Run; shares are kept in memory; datasets are sim/data's binary form.
type fakeAPI struct {
	t      *testing.T
	mu     sync.Mutex
	gets   int
	spec   spec.Spec
	shares map[string][]byte
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fail := func(status int, field, msg string) {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": msg, "field": field})
	}
	switch {
	case r.Method == "POST" && r.URL.Path == "/api/runs":
		b, _ := io.ReadAll(r.Body)
		sp, err := spec.Parse(b)
		if err != nil {
			var fe *spec.FieldError
			errors.As(err, &fe)
			fail(400, fe.Field, err.Error())
			return
		}
		f.spec = sp
		w.WriteHeader(202)
		io.WriteString(w, `{"id":"run1","state":"queued"}`)
	case r.Method == "GET" && r.URL.Path == "/api/runs/run1":
		f.gets++
		if f.gets == 1 {
			io.WriteString(w, `{"id":"run1","state":"running","progress":0.5,"message":"half","partial":[{"iter":0,"alpha":1.5}]}`)
			return
		}
		res, err := mlp.Run(context.Background(), f.spec, nil)
		if err != nil {
			f.t.Error(err)
		}
		json.NewEncoder(w).Encode(map[string]any{"id": "run1", "state": "done", "progress": 1, "result": res, "ran": "cuda: NVIDIA H100 80GB HBM3, 3.1 s"})
	case r.Method == "POST" && r.URL.Path == "/api/shares":
		b, _ := io.ReadAll(r.Body)
		id := "s" + strconv.Itoa(len(f.shares))
		f.shares[id] = b
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(map[string]string{"id": id, "url": "http://x/s/" + id})
	case r.Method == "GET" && len(r.URL.Path) > len("/api/shares/") && r.URL.Path[:12] == "/api/shares/":
		b, ok := f.shares[r.URL.Path[12:]]
		if !ok {
			fail(404, "", "no such share")
			return
		}
		w.Write(b)
	case r.Method == "GET" && (r.URL.Path == "/api/datasets/blobs"):
		set, _ := data.Synthetic("blobs", 1000, 5, 0)
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		sub, err := set.Slice(off, n)
		if err != nil {
			fail(400, "n", err.Error())
			return
		}
		sub.WriteBinary(w)
	default:
		fail(404, "", "no route "+r.Method+" "+r.URL.Path)
	}
}

func TestClient(t *testing.T) {
	api := &fakeAPI{t: t, shares: map[string][]byte{}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	c := &Client{Base: srv.URL}
	ctx := context.Background()
	sp := smallSpec(t)

	id, err := c.Submit(ctx, sp)
	if err != nil || id != "run1" {
		t.Fatalf("Submit = %q, %v", id, err)
	}
	if api.spec.Key() != sp.Key() {
		t.Errorf("the server got spec %s; sent %s", api.spec.Key(), sp.Key())
	}
	st, err := c.Run(ctx, id)
	if err != nil || st.Finished() || st.Progress != 0.5 || len(st.Partial) != 1 || st.Partial[0].Alpha != 1.5 {
		t.Fatalf("first Run = %+v, %v; want running at 0.5 with one partial measurement α̂ = 1.5", st, err)
	}
	st, err = c.Run(ctx, id)
	if err != nil || !st.Finished() || st.Result == nil {
		t.Fatalf("second Run = %+v, %v; want done with a result", st, err)
	}
	if got, want := st.FinishedStatus(), "finished on the server (cuda: NVIDIA H100 80GB HBM3, 3.1 s)"; got != want {
		t.Errorf("FinishedStatus = %q, want %q", got, want)
	}
	if got := (&RunStatus{State: "done"}).FinishedStatus(); got != "finished on the server" {
		t.Errorf("FinishedStatus without ran = %q", got)
	}
	want, _ := mlp.Run(ctx, sp, nil)
	if got := st.Result.Evaluations; len(got) != len(want.Evaluations) || got[2].Alpha != want.Evaluations[2].Alpha {
		t.Errorf("result with %d measurements; want %d, with α̂ at 20 = %v", len(got), len(want.Evaluations), want.Evaluations[2].Alpha)
	}

	// A share round trip keeps the spec and every measurement's numbers.
	sid, link, err := c.Share(ctx, sp, st.Result)
	if err != nil || link != "http://x/s/"+sid {
		t.Fatalf("Share = %q, %q, %v", sid, link, err)
	}
	gsp, res, err := c.GetShare(ctx, sid)
	if err != nil || gsp.Key() != sp.Key() || res == nil || len(res.Evaluations) != len(want.Evaluations) {
		t.Fatalf("GetShare = %v, %v, %v", gsp.Key(), res, err)
	}
	for i, e := range res.Evaluations {
		if w := want.Evaluations[i]; e.Alpha != w.Alpha || e.Lo != w.Lo || e.TestAcc != w.TestAcc || !slices.Equal(e.LayerAlpha, w.LayerAlpha) {
			t.Errorf("shared measurement %d: %+v; want %+v", i, e, w)
		}
	}
	sid2, _, err := c.Share(ctx, sp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, res, err := c.GetShare(ctx, sid2); err != nil || res != nil {
		t.Errorf("share without a result: %v, %v; want nil, nil", res, err)
	}

	// Errors of the server come back with their status and field.
	_, _, err = c.GetShare(ctx, "nope")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Msg != "no such share" {
		t.Errorf("GetShare(nope): %v; want a 404 APIError", err)
	}
	bad := sp.Clone()
	bad.Params["batch"] = spec.Value{Num: 1e9}
	if _, err := c.Submit(ctx, bad); !errors.As(err, &ae) || ae.Status != 400 || ae.Field != "batch" {
		t.Errorf("Submit(batch 1e9): %v; want a 400 naming batch", err)
	}

	// Datasets: the binary form, decoded.
	set, err := c.Dataset(ctx, "blobs", 10, 20)
	whole, _ := data.Synthetic("blobs", 1000, 5, 0)
	if err != nil || set.Len() != 20 || !slices.Equal(set.X, whole.X[20:60]) || !slices.Equal(set.Y, whole.Y[10:30]) {
		t.Errorf("Dataset(blobs, 10, 20) = %v; want examples 10…29 of the set", err)
	}
	if _, err := c.Dataset(ctx, "cifar", 0, 1); !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("Dataset(cifar): %v; want a 404", err)
	}
}

// TestClientDataMNIST: the loader fetches the first n MNIST examples from the server and
// gives the same sets as loading them here.
func TestClientDataMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("reads MNIST")
	}
	train, err := data.MNIST(true)
	if err != nil {
		t.Skipf("MNIST is not readable here: %v", err)
	}
	test, err := data.MNIST(false)
	if err != nil {
		t.Fatal(err)
	}
	var requests []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.URL.String())
		set := train
		if r.URL.Path == "/api/datasets/mnist-test" {
			set = test
		}
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		sub, err := set.Slice(off, n)
		if err != nil {
			t.Error(err)
			return
		}
		sub.WriteBinary(w)
	}))
	defer srv.Close()
	sp := spec.MustPreset("mlp", spec.PagePreset)
	for _, subset := range []string{"first", "balanced"} {
		requests = nil
		sp.SetChoice("subset", subset)
		gotTr, gotTe, err := (&Client{Base: srv.URL}).Data()(context.Background(), sp)
		if err != nil {
			t.Fatal(err)
		}
		wantTr, wantTe, err := mlp.LoadData(sp)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(gotTr.X, wantTr.X) || !slices.Equal(gotTr.Y, wantTr.Y) || !slices.Equal(gotTe.Y, wantTe.Y) {
			t.Errorf("%s: the fetched sets differ from mlp.LoadData's", subset)
		}
		t.Logf("%s: requests %v", subset, requests)
	}
}

// TestClientDataCIFAR: the loader fetches CIFAR's first examples from the server, named
// {dataset}-train and -test, and gives the same sets as loading them here.
func TestClientDataCIFAR(t *testing.T) {
	dir := t.TempDir()
	data.SetDir(dir)
	defer data.SetDir("")
	c := data.CIFAR100
	folder := filepath.Join(data.DatasetsDir(dir), c.Folder)
	os.MkdirAll(folder, 0o755)
	for k, f := range []string{c.Train[0], c.Test} {
		pixels, labels := make([]uint8, 300*data.CIFARPixels), make([]uint8, 300)
		for i := range pixels {
			pixels[i] = uint8(i*13 + k)
		}
		for i := range labels {
			labels[i] = uint8((i*7 + k) % 100)
		}
		var b bytes.Buffer
		c.WriteRecords(&b, pixels, labels)
		os.WriteFile(filepath.Join(folder, f), b.Bytes(), 0o644)
	}
	var requests []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.URL.Path)
		set, err := data.Load(strings.TrimPrefix(r.URL.Path, "/api/datasets/"))
		if err != nil {
			t.Error(err)
			return
		}
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		sub, _ := set.Slice(0, n)
		sub.WriteBinary(w)
	}))
	defer srv.Close()
	sp := spec.MustNew("mlp", 1)
	for k, v := range map[string]string{"dataset": "cifar100", "n": "200", "testN": "100", "batch": "50"} {
		if err := sp.SetText(k, v); err != nil {
			t.Fatal(err)
		}
	}
	gotTr, gotTe, err := (&Client{Base: srv.URL}).Data()(context.Background(), sp)
	if err != nil {
		t.Fatal(err)
	}
	wantTr, wantTe, err := mlp.LoadData(sp)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(gotTr.X, wantTr.X) || !slices.Equal(gotTr.Y, wantTr.Y) || !slices.Equal(gotTe.X, wantTe.X) || gotTr.Classes != 100 {
		t.Errorf("the fetched sets differ from mlp.LoadData's")
	}
	if !slices.Equal(requests, []string{"/api/datasets/cifar100-train", "/api/datasets/cifar100-test"}) {
		t.Errorf("requests %v, want cifar100-train then cifar100-test", requests)
	}
}
