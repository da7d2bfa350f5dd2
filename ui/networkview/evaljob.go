package networkview

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"unsafe"

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
// weights (Weights float32 values) and ḡ (Mean float64 values, pass 2), as raw bytes.
type EvalRequest struct {
	Spec    spec.Spec    `json:"spec"`
	Cfg     noise.Config `json:"cfg"`
	Test    bool         `json:"test,omitempty"` // the test set's batches
	Pass    int          `json:"pass"`           // 1 or 2
	Lo      int          `json:"lo"`
	Hi      int          `json:"hi"`
	Start   noise.Start  `json:"start"`
	Key     string       `json:"key"`     // identifies the weights
	Weights int          `json:"weights"` // weights that follow (0: the cached ones of Key)
	Mean    int          `json:"mean"`    // values of ḡ that follow
}

// errNoWeights starts the error of a worker that was not sent the weights and has not got them.
const errNoWeights = "network-noise: no weights cached for key"

// evalCache is a worker's cache: a trainer of one spec (its data and network) and the key of
// the weights it holds.
var evalCache struct {
	sync.Mutex
	specKey    string
	tr         *mlp.Trainer
	train      *data.Set
	test       *data.Set
	weightsKey string
}

// sentKey is the key of the weights a measurement last sent to the workers: a second
// measurement at the same weights (the test set's) tries without sending them.
var sentKey struct {
	sync.Mutex
	key string
}

// EvalData loads a spec's data in a worker: from the server in a browser, here natively (a
// benchmark page sets a loader of its own in the page and in its workers).
var EvalData Loader = LocalData

// bytesOf is v's memory as bytes. Vectors cross between the page and its workers as raw bytes
// (both ends are the same main.wasm, little-endian): no copy, and no formatting of a million
// numbers as JSON text.
func bytesOf[T float32 | float64](v []T) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*int(unsafe.Sizeof(v[0])))
}

// fromBytes copies b into a new vector.
func fromBytes[T float32 | float64](b []byte) []T {
	var z T
	v := make([]T, len(b)/int(unsafe.Sizeof(z)))
	copy(bytesOf(v), b)
	return v
}

func handleEval(ctx context.Context, input []byte, report spec.Reporter) ([]byte, error) {
	head, payload, _ := bytes.Cut(input, []byte{'\n'})
	var r EvalRequest
	if err := json.Unmarshal(head, &r); err != nil || r.Pass < 1 || r.Pass > 2 {
		return nil, fmt.Errorf("network-noise: bad request (pass %d): %v", r.Pass, err)
	}
	if r.Weights < 0 || r.Mean < 0 || len(payload) != 4*r.Weights+8*r.Mean {
		return nil, errors.New("network-noise: the bytes do not hold the weights and ḡ announced")
	}
	evalCache.Lock()
	defer evalCache.Unlock() // natively the parts run one at a time (a browser worker runs one job at a time anyway)
	if key := r.Spec.Key(); evalCache.specKey != key {
		evalCache.specKey = ""
		train, test, err := EvalData(ctx, r.Spec)
		if err != nil {
			return nil, fmt.Errorf("loading the data: %w", err)
		}
		tr, err := mlp.NewTrainer(r.Spec, train, test)
		if err != nil {
			return nil, err
		}
		evalCache.specKey, evalCache.tr, evalCache.train, evalCache.test, evalCache.weightsKey = key, tr, train, test, ""
	}
	if r.Weights > 0 {
		if err := evalCache.tr.SetWeights(fromBytes[float32](payload[:4*r.Weights])); err != nil {
			return nil, err
		}
		evalCache.weightsKey = r.Key
	}
	if evalCache.weightsKey != r.Key {
		return nil, errors.New(errNoWeights + " " + r.Key)
	}
	set, model := evalCache.train, evalCache.tr.NoiseModel()
	if r.Test {
		set = evalCache.test
	}
	r.Cfg.Workers = 1
	progress := func(done int) { report.Report(spec.Progress{Fraction: float64(done) / float64(r.Hi-r.Lo)}) }
	var ans evalAnswer
	var err error
	if r.Pass == 1 {
		var g *noise.GradientSums
		if g, err = noise.GradientPart(ctx, model, set, r.Cfg, r.Lo, r.Hi, progress); err == nil {
			ans.Part, ans.vecs = g, [][]float64{g.Sum}
		}
	} else {
		var p *noise.NoiseSums
		if p, err = noise.NoisePart(ctx, model, set, r.Cfg, fromBytes[float64](payload[4*r.Weights:]), r.Start, r.Lo, r.Hi, progress); err == nil {
			ans.Part, ans.vecs = p, append([][]float64{p.Norms, p.Sample}, p.Coords...)
		}
	}
	if err != nil {
		return nil, err
	}
	var raw []byte
	for _, v := range ans.vecs {
		ans.Lens = append(ans.Lens, len(v))
		raw = append(raw, bytesOf(v)...)
	}
	out, err := json.Marshal(ans)
	if err != nil { // a loss or a block sum that is NaN or infinite
		return nil, fmt.Errorf("the measurement is not finite (training diverged: lower lr): %w", err)
	}
	return append(append(out, '\n'), raw...), nil
}

// evalAnswer is a part as a job's output: its JSON is the first line, followed by its vectors
// (of lengths Lens) as raw float64 bytes.
type evalAnswer struct {
	Part any   `json:"part"`
	Lens []int `json:"lens"`
	vecs [][]float64
}

// decode reads a job's output into part and returns its vectors.
func (a *evalAnswer) decode(out []byte, part any) ([][]float64, error) {
	a.Part = part
	head, raw, _ := bytes.Cut(out, []byte{'\n'})
	if err := json.Unmarshal(head, a); err != nil {
		return nil, fmt.Errorf("network-noise: a worker's answer: %w", err)
	}
	var vecs [][]float64
	for _, n := range a.Lens {
		if n < 0 || 8*n > len(raw) {
			return nil, errors.New("network-noise: a worker's answer ends early")
		}
		vecs, raw = append(vecs, fromBytes[float64](raw[:8*n])), raw[8*n:]
	}
	return vecs, nil
}

// WorkerMeasurer returns the mlp.Measurer of a trainer of spec s that spreads each
// measurement over parts Web Workers (in the calling goroutine where there are none).
func WorkerMeasurer(s spec.Spec, parts int) mlp.Measurer {
	return func(ctx context.Context, model noise.Model, set *data.Set, test bool, weights []float32, cfg noise.Config) (*noise.Measurement, error) {
		wb := bytesOf(weights)
		h := fnv.New64a()
		h.Write(wb)
		key := fmt.Sprintf("%x", h.Sum64())
		defer func() {
			sentKey.Lock()
			sentKey.key = key
			sentKey.Unlock()
		}()
		// call asks a worker for a part and decodes the answer into part.
		call := func(ctx context.Context, r EvalRequest, mean []float64, progress func(int), part any) ([][]float64, error) {
			r.Spec, r.Cfg, r.Test, r.Key, r.Mean = s, cfg, test, key, len(mean)
			sentKey.Lock()
			send := r.Pass == 1 && sentKey.key != key
			sentKey.Unlock()
			for {
				r.Weights = 0
				if send {
					r.Weights = len(weights)
				}
				head, _ := json.Marshal(r)
				in := append(append(append(head, '\n'), wb[:4*r.Weights]...), bytesOf(mean)...)
				out, err := worker.Run(ctx, EvalJob, in, func(p spec.Progress) { progress(int(p.Fraction*float64(r.Hi-r.Lo) + 0.5)) })
				if err != nil && !send && strings.Contains(err.Error(), errNoWeights) {
					send = true // a worker started since pass 1
					continue
				}
				if err != nil {
					return nil, err
				}
				return new(evalAnswer).decode(out, part)
			}
		}
		return noise.MeasureSplit(ctx, model, set, cfg, parts, noise.Parts{
			Gradient: func(ctx context.Context, lo, hi int, progress func(int)) (*noise.GradientSums, error) {
				var g noise.GradientSums
				v, err := call(ctx, EvalRequest{Pass: 1, Lo: lo, Hi: hi}, nil, progress, &g)
				if err == nil && len(v) != 1 {
					err = errors.New("network-noise: a worker's pass 1 lacks the gradient sum")
				}
				if err != nil {
					return nil, err
				}
				g.Sum = v[0]
				return &g, nil
			},
			Noise: func(ctx context.Context, mean []float64, start noise.Start, lo, hi int, progress func(int)) (*noise.NoiseSums, error) {
				var p noise.NoiseSums
				v, err := call(ctx, EvalRequest{Pass: 2, Lo: lo, Hi: hi, Start: start}, mean, progress, &p)
				if err == nil && len(v) < 2 {
					err = errors.New("network-noise: a worker's pass 2 lacks its vectors")
				}
				if err != nil {
					return nil, err
				}
				p.Norms, p.Sample, p.Coords = v[0], v[1], v[2:]
				return &p, nil
			},
		})
	}
}
