package networkview

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/noise"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/worker"
)

// The noise measurement over Web Workers: the batches are cut into one range per worker, and
// each pass of noise.MeasureSplit asks a worker for its range's part. A worker loads the
// spec's data itself (MNIST from the server, through the same Cache API store as the page) and
// keeps it for the next measurements; the weights travel once per measurement, as float32
// bytes, and pass 2 finds them in the worker's cache (or sends them again to a worker that
// lacks them).

// EvalJob is the name of the worker job that computes one range's part of a measurement.
const EvalJob = "network-noise"

func init() { worker.Handle(EvalJob, handleEval) }

// EvalRequest asks for one part: its JSON is the job input's first line, followed by the
// weights (Weights float32 values, little-endian) and ḡ (Mean float64 values, pass 2).
type EvalRequest struct {
	Spec      spec.Spec   `json:"spec"`
	Test      bool        `json:"test,omitempty"` // the test set's batches
	Pass      int         `json:"pass"`           // 1 or 2
	Lo        int         `json:"lo"`
	Hi        int         `json:"hi"`
	Start     noise.Start `json:"start"`
	Batch     int         `json:"batch"`
	Batches   int         `json:"batches"`
	KeepLast  bool        `json:"keep_last,omitempty"`
	Subsample int         `json:"subsample"`
	Coords    int         `json:"coords"`
	Seed      uint64      `json:"seed"`
	Key       string      `json:"key"`     // identifies the weights
	Weights   int         `json:"weights"` // weights that follow (0: the cached ones of Key)
	Mean      int         `json:"mean"`    // values of ḡ that follow
}

// errNoWeights starts the error of a worker that was not sent the weights and has not got them.
const errNoWeights = "network-noise: no weights cached for key"

// evalCache is a worker's cache: the data of one spec and the weights of one measurement.
var evalCache struct {
	sync.Mutex
	dataKey     string
	train, test *data.Set
	weightsKey  string
	weights     []float32
}

// sentKey is the key of the weights a measurement last sent to the workers: a second
// measurement at the same weights (the test set's) tries without sending them.
var sentKey struct {
	sync.Mutex
	key string
}

// evalData loads a spec's data in a worker: from the server in a browser, here natively.
var evalData Loader = LocalData

// dataKey identifies a spec's data: the synthetic sets depend on the seed, the served ones not.
func dataKey(s spec.Spec) (string, error) {
	p, err := s.MLP()
	if err != nil {
		return "", err
	}
	k := fmt.Sprintf("%s/%s/%d/%d", p.Dataset, p.Subset, p.N, p.TestN)
	if n, _ := p.Dataset.Examples(); n == 0 {
		k += "/" + strconv.FormatUint(s.Seed, 10)
	}
	return k, nil
}

func handleEval(ctx context.Context, input []byte, report spec.Reporter) ([]byte, error) {
	head, payload, ok := bytes.Cut(input, []byte{'\n'})
	var r EvalRequest
	if !ok {
		return nil, errors.New("network-noise: a request without its header line")
	}
	if err := json.Unmarshal(head, &r); err != nil {
		return nil, fmt.Errorf("network-noise: bad request: %w", err)
	}
	if r.Weights < 0 || r.Mean < 0 || len(payload) != 4*r.Weights+8*r.Mean {
		return nil, fmt.Errorf("network-noise: %d bytes for %d weights and %d values of ḡ", len(payload), r.Weights, r.Mean)
	}
	key, err := dataKey(r.Spec)
	if err != nil {
		return nil, err
	}
	evalCache.Lock()
	if evalCache.dataKey != key {
		evalCache.dataKey, evalCache.train, evalCache.test = "", nil, nil
		train, test, err := evalData(ctx, r.Spec)
		if err != nil {
			evalCache.Unlock()
			return nil, fmt.Errorf("loading the data: %w", err)
		}
		evalCache.dataKey, evalCache.train, evalCache.test = key, train, test
	}
	if r.Weights > 0 {
		w := make([]float32, r.Weights)
		for i := range w {
			w[i] = math.Float32frombits(binary.LittleEndian.Uint32(payload[4*i:]))
		}
		evalCache.weightsKey, evalCache.weights = r.Key, w
	}
	train, set, weights, wkey := evalCache.train, evalCache.train, evalCache.weights, evalCache.weightsKey
	if r.Test {
		set = evalCache.test
	}
	evalCache.Unlock()
	if wkey != r.Key {
		return nil, errors.New(errNoWeights + " " + r.Key)
	}
	model, err := mlp.NoiseModel(r.Spec, train.Dim, train.Classes, weights)
	if err != nil {
		return nil, err
	}
	cfg := noise.Config{Batch: r.Batch, Batches: r.Batches, KeepLast: r.KeepLast, Subsample: r.Subsample,
		Coords: r.Coords, Seed: r.Seed, Workers: 1}
	n := float64(r.Hi - r.Lo)
	progress := func(done int) {
		if report != nil {
			report.Report(spec.Progress{Fraction: float64(done) / n})
		}
	}
	switch r.Pass {
	case 1:
		g, err := noise.GradientPart(ctx, model, set, cfg, r.Lo, r.Hi, progress)
		if err != nil {
			return nil, err
		}
		return g.MarshalBinary()
	case 2:
		mean := make([]float64, r.Mean)
		for i := range mean {
			mean[i] = math.Float64frombits(binary.LittleEndian.Uint64(payload[4*r.Weights+8*i:]))
		}
		p, err := noise.NoisePart(ctx, model, set, cfg, mean, r.Start, r.Lo, r.Hi, progress)
		if err != nil {
			return nil, err
		}
		return p.MarshalBinary()
	}
	return nil, fmt.Errorf("network-noise: pass %d, want 1 or 2", r.Pass)
}

// WorkerMeasurer returns the mlp.Measurer of a trainer of spec s that spreads each
// measurement over parts Web Workers (in the calling goroutine where there are none).
func WorkerMeasurer(s spec.Spec, parts int) mlp.Measurer {
	return func(ctx context.Context, model noise.Model, set *data.Set, test bool, weights []float32, cfg noise.Config) (*noise.Measurement, error) {
		wb := make([]byte, 4*len(weights))
		h := uint64(14695981039346656037) // FNV-1a of the weights: a measurement's key
		for i, w := range weights {
			bits := math.Float32bits(w)
			binary.LittleEndian.PutUint32(wb[4*i:], bits)
			h = (h ^ uint64(bits)) * 1099511628211
		}
		key := fmt.Sprintf("%x-%d", h, len(weights))
		call := func(ctx context.Context, r EvalRequest, mean []float64, progress func(int)) ([]byte, error) {
			r.Spec, r.Test, r.Key = s, test, key
			r.Batch, r.Batches, r.KeepLast, r.Subsample, r.Coords, r.Seed = cfg.Batch, cfg.Batches, cfg.KeepLast, cfg.Subsample, cfg.Coords, cfg.Seed
			r.Mean = len(mean)
			send := func(withWeights bool) ([]byte, error) {
				r.Weights = 0
				if withWeights {
					r.Weights = len(weights)
				}
				head, err := json.Marshal(r)
				if err != nil {
					return nil, err
				}
				in := make([]byte, 0, len(head)+1+4*r.Weights+8*len(mean))
				in = append(append(head, '\n'), wb[:4*r.Weights]...)
				for _, v := range mean {
					in = binary.LittleEndian.AppendUint64(in, math.Float64bits(v))
				}
				n := float64(r.Hi - r.Lo)
				return worker.Run(ctx, EvalJob, in, func(p spec.Progress) { progress(int(p.Fraction*n + 0.5)) })
			}
			sentKey.Lock()
			sent := sentKey.key == key
			sentKey.Unlock()
			out, err := send(r.Pass == 1 && !sent)
			if err != nil && strings.Contains(err.Error(), errNoWeights) {
				out, err = send(true) // a worker started since pass 1
			}
			return out, err
		}
		defer func() {
			sentKey.Lock()
			sentKey.key = key
			sentKey.Unlock()
		}()
		return noise.MeasureSplit(ctx, model, set, cfg, parts, noise.Parts{
			Gradient: func(ctx context.Context, lo, hi int, progress func(int)) (*noise.GradientSums, error) {
				out, err := call(ctx, EvalRequest{Pass: 1, Lo: lo, Hi: hi}, nil, progress)
				if err != nil {
					return nil, err
				}
				var g noise.GradientSums
				return &g, g.UnmarshalBinary(out)
			},
			Noise: func(ctx context.Context, mean []float64, start noise.Start, lo, hi int, progress func(int)) (*noise.NoiseSums, error) {
				out, err := call(ctx, EvalRequest{Pass: 2, Lo: lo, Hi: hi, Start: start}, mean, progress)
				if err != nil {
					return nil, err
				}
				var p noise.NoiseSums
				return &p, p.UnmarshalBinary(out)
			},
		})
	}
}
