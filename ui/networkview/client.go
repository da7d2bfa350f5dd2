package networkview

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/spec"
)

// Client speaks the server's JSON API (server/api): datasets, runs and shares. Natively it
// uses net/http; under js/wasm the browser's fetch directly (net/http would add about
// 1 MB gzipped to main.wasm), so HTTP caching (the dataset routes send a strong ETag and
// max-age) applies to every request, and dataset slices are also kept in the Cache API.
type Client struct {
	Base string // e.g. "http://127.0.0.1:8080"; no trailing slash

	tokens sync.Map // run id → the cancel token Submit received: only the run's creator may cancel it
}

// APIError is an error answer of the server: {"error", "field"} with a status.
type APIError struct {
	Status int
	Msg    string
	Field  string
}

func (e *APIError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("server: %s (field %s, status %d)", e.Msg, e.Field, e.Status)
	}
	return fmt.Sprintf("server: %s (status %d)", e.Msg, e.Status)
}

// MaxAnswer bounds an answer's body (a result with many measurements, a dataset slice).
const MaxAnswer = 64 << 20

func (c *Client) do(ctx context.Context, method, path string, body any, out any, hdr ...string) error {
	var rd []byte
	if body != nil {
		var err error
		if rd, err = json.Marshal(body); err != nil {
			return err
		}
	}
	headers := map[string]string{}
	if body != nil {
		headers["Content-Type"] = "application/json"
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		headers[hdr[i]] = hdr[i+1]
	}
	status, b, err := roundTrip(ctx, method, c.Base+path, rd, headers)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if status >= 300 {
		var e struct{ Error, Field string }
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(b))
			if len(e.Error) > 200 {
				e.Error = e.Error[:200] + "…"
			}
		}
		return &APIError{Status: status, Msg: e.Error, Field: e.Field}
	}
	if out == nil {
		return nil
	}
	if raw, ok := out.(*[]byte); ok {
		*raw = b
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not what was expected: %w", method, path, err)
	}
	return nil
}

// RunStatus is the server's record of a run (GET /api/runs/{id}).
type RunStatus struct {
	ID       string           `json:"id"`
	State    string           `json:"state"` // queued, running, done, failed, cancelled
	Progress float64          `json:"progress"`
	Message  string           `json:"message"`
	Partial  []mlp.Evaluation `json:"partial"`
	Result   *mlp.Result      `json:"result"`
	Error    string           `json:"error"`
	Ran      string           `json:"ran"` // which backend and device ran it, and how long
}

// FinishedStatus is the line "Run bigger on the server" shows for a run that finished: it
// names the backend and device that ran it when the server says so.
func (r *RunStatus) FinishedStatus() string {
	if r.Ran == "" {
		return "finished on the server"
	}
	return "finished on the server (" + r.Ran + ")"
}

// Finished reports whether the run will not change any more.
func (r *RunStatus) Finished() bool {
	return r.State == "done" || r.State == "failed" || r.State == "cancelled"
}

// Submit asks the server to run sp (POST /api/runs) and returns the run's id.
func (c *Client) Submit(ctx context.Context, sp spec.Spec) (string, error) {
	var out struct{ ID, CancelToken string }
	if err := c.do(ctx, "POST", "/api/runs", sp, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("POST /api/runs: the server answered no run id")
	}
	c.tokens.Store(out.ID, out.CancelToken)
	return out.ID, nil
}

// Run returns the server's record of run id.
func (c *Client) Run(ctx context.Context, id string) (*RunStatus, error) {
	var st RunStatus
	if err := c.do(ctx, "GET", "/api/runs/"+url.PathEscape(id), nil, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// Cancel stops run id on the server, with the cancel token Submit received for it (the
// server refuses others' cancellations).
func (c *Client) Cancel(ctx context.Context, id string) error {
	tok, _ := c.tokens.Load(id)
	s, _ := tok.(string)
	return c.do(ctx, "DELETE", "/api/runs/"+url.PathEscape(id), nil, nil, "Authorization", "Bearer "+s)
}

// Share stores sp and, if not nil, its result on the server (POST /api/shares) and returns
// the share's id and the URL that opens it.
func (c *Client) Share(ctx context.Context, sp spec.Spec, res *mlp.Result) (id, link string, err error) {
	body := struct {
		Spec   spec.Spec   `json:"spec"`
		Result *mlp.Result `json:"result,omitempty"`
	}{sp, res}
	var out struct{ ID, URL string }
	if err := c.do(ctx, "POST", "/api/shares", body, &out); err != nil {
		return "", "", err
	}
	return out.ID, out.URL, nil
}

// GetShare returns a stored share's spec and result (nil when it has none).
func (c *Client) GetShare(ctx context.Context, id string) (spec.Spec, *mlp.Result, error) {
	var out struct {
		Spec   spec.Spec       `json:"spec"`
		Result json.RawMessage `json:"result"`
	}
	if err := c.do(ctx, "GET", "/api/shares/"+url.PathEscape(id), nil, &out); err != nil {
		return spec.Spec{}, nil, err
	}
	if out.Spec.Kind != "mlp" {
		return out.Spec, nil, fmt.Errorf("share %s holds a %q spec, not a network run", id, out.Spec.Kind)
	}
	if len(out.Result) == 0 || string(out.Result) == "null" {
		return out.Spec, nil, nil
	}
	var res mlp.Result
	if err := json.Unmarshal(out.Result, &res); err != nil {
		return out.Spec, nil, fmt.Errorf("share %s: its result is not a network run's: %w", id, err)
	}
	return out.Spec, &res, nil
}

// Dataset fetches n examples of a served dataset from offset (GET /api/datasets/{name}).
func (c *Client) Dataset(ctx context.Context, name string, offset, n int) (*data.Set, error) {
	path := "/api/datasets/" + url.PathEscape(name) + "?offset=" + strconv.Itoa(offset) + "&n=" + strconv.Itoa(n)
	b, err := cachedGet(ctx, c.Base+path)
	if err != nil {
		return nil, err
	}
	set, err := data.ReadBinary(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", name, err)
	}
	return set, nil
}

// Data returns a Loader that draws the synthetic sets locally and fetches MNIST and CIFAR
// from the server (its /api/datasets/{dataset}-train and -test): the first n (and testN)
// examples, or for the "balanced" subset twice as many (the whole set if that is not
// enough), cut by mlp.Subsets. A CIFAR set the server lacks fails with the server's
// message, which names the command that gets it.
func (c *Client) Data() Loader { return c.load }

// load is Data's Loader (a method, so that the page and its workers share one copy of it).
func (c *Client) load(ctx context.Context, s spec.Spec) (*data.Set, *data.Set, error) {
	p, err := s.MLP()
	if err != nil {
		return nil, nil, err
	}
	trainSize, testSize := p.Dataset.Examples()
	if trainSize == 0 { // synthetic: drawn here
		return mlp.LoadData(s)
	}
	trainName, testName := string(p.Dataset)+"-train", string(p.Dataset)+"-test"
	balanced := p.Subset == spec.SubsetBalanced
	fetch := func(name string, n, size int) (*data.Set, error) {
		if balanced {
			n = min(2*n, size)
		}
		return c.Dataset(ctx, name, 0, n)
	}
	train, err := fetch(trainName, p.N, trainSize)
	if err != nil {
		return nil, nil, err
	}
	test, err := fetch(testName, p.TestN, testSize)
	if err != nil {
		return nil, nil, err
	}
	tr, te, err := mlp.Subsets(s, train, test)
	if err != nil && balanced {
		// Too few of some class among the first 2n: take the whole sets.
		if train, err = c.Dataset(ctx, trainName, 0, trainSize); err != nil {
			return nil, nil, err
		}
		if test, err = c.Dataset(ctx, testName, 0, testSize); err != nil {
			return nil, nil, err
		}
		return mlp.Subsets(s, train, test)
	}
	return tr, te, err
}

// getBody GETs url and returns its body, or the server's error.
func getBody(ctx context.Context, url string) ([]byte, error) {
	status, b, err := roundTrip(ctx, "GET", url, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if status >= 300 {
		var e struct{ Error, Field string }
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = fmt.Sprintf("GET %s answered %d", url, status)
		}
		return nil, &APIError{Status: status, Msg: e.Error, Field: e.Field}
	}
	return b, nil
}
