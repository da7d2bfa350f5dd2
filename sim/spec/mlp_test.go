package spec

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"
)

func TestAlexNetSize(t *testing.T) {
	// Parameters of sim/convnet's AlexNet (checked there against PyTorch): conv 4×4, 5×5,
	// three 3×3, with biases, then linear layers size → width → width → classes, size = ch.
	for _, tc := range []struct {
		c, h, w, ch, classes int
		params, macs         float64
	}{
		{3, 32, 32, 64, 10, (3*16*64 + 64) + (64*64*25 + 64) + 3*(64*64*9+64) + (64*448 + 448) + (448*448 + 448) + (448*10 + 10),
			64*48*17*17 + 64*1600*8*8 + 3*64*576*3*3 + 64*448 + 448*448 + 448*10},
		{1, 28, 28, 4, 10, (16*4 + 4) + (4*4*25 + 4) + 3*(4*4*9+4) + (4*12 + 12) + (12*12 + 12) + (12*10 + 10),
			4*16*15*15 + 4*100*7*7 + 3*4*36*3*3 + 4*12 + 12*12 + 12*10},
	} {
		params, macs, _ := alexNetSize(tc.c, tc.h, tc.w, tc.ch, tc.classes)
		if params != tc.params || macs != tc.macs {
			t.Errorf("alexNetSize(%d×%d×%d, ch %d) = %v parameters, %v multiply-adds; want %v, %v", tc.c, tc.h, tc.w, tc.ch, params, macs, tc.params, tc.macs)
		}
	}
}

func TestMLPCheckAlexNet(t *testing.T) {
	for _, tc := range []struct {
		name  string
		query string
		field string // "" when valid
	}{
		// On MNIST with ch 64: ~6.3e6 multiply-adds an example forward, ~6.6e12 in all.
		{"mnist", "kind=mlp&arch=alexnet", ""},
		{"cifar10-ch128", "kind=mlp&arch=alexnet&dataset=cifar10&ch=128&iters=200", ""},
		{"blobs", "kind=mlp&arch=alexnet&dataset=blobs", "arch"}, // points, not images
		{"spirals-fc", "kind=mlp&arch=fc&dataset=spirals", ""},
		// On all of CIFAR-10 for 100000 steps: ~2.5e14 in training alone.
		{"cifar10-long", "kind=mlp&arch=alexnet&dataset=cifar10&n=50000&iters=100000&evalEvery=100000", "iters"},
		{"ch-0", "kind=mlp&arch=alexnet&ch=0", "ch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseArg(tc.query, "mlp")
			if err == nil {
				err = s.Validate()
			}
			if tc.field == "" {
				if err != nil {
					t.Errorf("got %v, want valid", err)
				}
				return
			}
			fe, ok := err.(*FieldError)
			if !ok || fe.Field != tc.field {
				t.Errorf("got %v, want an error on %s", err, tc.field)
			}
		})
	}
}

func TestMLPCheck(t *testing.T) {
	for _, tc := range []struct {
		set   map[string]float64
		field string // "" when valid
	}{
		{nil, ""},
		{map[string]float64{"n": 60000, "width": 256, "depth": 5}, ""},
		{map[string]float64{"n": 100, "batch": 51}, "batch"},
		{map[string]float64{"n": 100, "batch": 50}, ""},
		{map[string]float64{"evalBatches": 1}, "evalBatches"},
		{map[string]float64{"evalBatches": 101}, "evalBatches"}, // n/b = 10000/100
		{map[string]float64{"evalBatches": 100}, ""},
		// 1024 wide, 10 deep on all of MNIST for 100000 steps: ~2.8e15 in training alone.
		{map[string]float64{"n": 60000, "width": 1024, "depth": 10, "iters": 100000, "evalEvery": 100000}, "iters"},
		// Measured every step: the noise measurements dominate.
		{map[string]float64{"n": 60000, "width": 256, "iters": 10000, "evalEvery": 1}, "evalEvery"},
		// A tiny network measured every step: cheap, but a million evaluations (≈ 2–4 kB of JSON
		// each) would make a result far over the server's 8 MiB, refused only after the work.
		{map[string]float64{"n": 200, "batch": 50, "width": 4, "depth": 2, "testN": 100, "iters": 1000000, "evalEvery": 1}, "evalEvery"},
		{map[string]float64{"n": 200, "batch": 50, "width": 4, "depth": 2, "testN": 100, "iters": 1498, "evalEvery": 1}, ""},
		{map[string]float64{"n": 200, "batch": 50, "width": 4, "depth": 2, "testN": 100, "iters": 1499, "evalEvery": 1}, "evalEvery"},
		{map[string]float64{"n": 200, "batch": 50, "width": 4, "depth": 2, "testN": 100, "iters": 1000000, "evalEvery": 668}, ""},
	} {
		t.Run(fmt.Sprint(tc.set), func(t *testing.T) {
			s := MustNew("mlp", 1)
			for k, v := range tc.set {
				if err := s.Set(k, v); err != nil {
					t.Fatalf("%v: %v", tc.set, err)
				}
			}
			err := s.Validate()
			if tc.field == "" {
				if err != nil {
					t.Errorf("%v: got %v, want valid", tc.set, err)
				}
				return
			}
			fe, ok := err.(*FieldError)
			if !ok || fe.Field != tc.field {
				t.Errorf("%v: got %v, want an error on %s", tc.set, err, tc.field)
			}
		})
	}
}

func TestMLPCost(t *testing.T) {
	// Defaults: MNIST, n = 10000, testN = 2000, 784-100-100-10 (M = 89400), b = 100,
	// 1000 steps, measured at 0, 100, …, 1000 (the formula counts ⌊1000/100⌋ + 2 = 12)
	// on all P = 100 batches.
	s := MustNew("mlp", 1)
	bytes, work := MLPCost(s)
	const M = 784*100 + 100*100 + 100*10
	wantBytes := 28.0*M + 5*12000*784 + 8*100*(784+200+10)
	wantWork := 3.0*100*M*1000 + 12*(2*100*3*100*M+2000*M)
	if math.Abs(bytes-wantBytes) > 0.5 || math.Abs(work-wantWork) > 0.5 {
		t.Errorf("MLPCost(defaults) = %v B, %v, want %v B, %v", bytes, work, wantBytes, wantWork)
	}
}

// FuzzMLPQuery feeds share links of the mlp kind to the lenient and the strict readers: the
// lenient one must always give a valid spec (the cross-field budgets included), and whatever
// the strict one accepts must survive a JSON round trip.
func FuzzMLPQuery(f *testing.F) {
	f.Add("kind=mlp&n=60000&width=1024&depth=10&iters=100000&evalEvery=1")
	f.Add("kind=mlp&batch=5000&n=100&evalBatches=1")
	f.Add("kind=mlp&dataset=spirals&loss=hinge&lr=0.5&schedule=step&gamma=0.5")
	f.Add("kind=mlp&precision=float64&arch=alexnet&ch=8")
	f.Add("kind=mlp&precision=double")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		s, _ := FromQuery(q, "mlp", PagePreset)
		if err := s.Validate(); err != nil {
			t.Fatalf("FromQuery(%q) gave an invalid spec: %v", raw, err)
		}
		strict, err := ParseQuery(q)
		if err != nil {
			return
		}
		b, err := json.Marshal(strict)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(b)
		if err != nil || back.Key() != strict.Key() {
			t.Fatalf("round trip of %s: %v, key %q vs %q", b, err, back.Key(), strict.Key())
		}
	})
}

func TestMLPEvaluationsMessage(t *testing.T) {
	s := MustNew("mlp", 1)
	for k, v := range map[string]float64{"dataset": 0, "n": 200, "batch": 50, "width": 4, "depth": 2, "testN": 100, "iters": 1000000, "evalEvery": 10} {
		if k == "dataset" {
			if err := s.SetChoice("dataset", "blobs"); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := s.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	want := "evalEvery: the run would record 100002 evaluations, more than the 1500 a result may hold; take evalEvery ≥ 668"
	if err := s.Validate(); err == nil || err.Error() != want {
		t.Errorf("iters 1000000, evalEvery 10: got %v, want %s", err, want)
	}
}

func TestMLPCIFAR(t *testing.T) {
	for _, tc := range []struct {
		query   string
		field   string // "" when valid
		dim, cl int
	}{
		{"dataset=cifar10&n=50000&testN=10000", "", 3072, 10},
		{"dataset=cifar100&n=50000&testN=10000&subset=balanced", "", 3072, 100},
		{"dataset=cifar10&n=50001", "n", 3072, 10},
		{"dataset=cifar100&n=60000", "n", 3072, 100},
		{"dataset=mnist&n=60000", "", 784, 10},
		{"dataset=blobs&n=60000", "", 2, 3},
	} {
		t.Run(tc.query, func(t *testing.T) {
			s, err := ParseArg("kind=mlp&"+tc.query, "")
			if err == nil {
				err = s.Validate()
			}
			if tc.field == "" && err != nil {
				t.Fatalf("got %v, want valid", err)
			}
			if tc.field != "" {
				if fe, ok := err.(*FieldError); !ok || fe.Field != tc.field {
					t.Fatalf("got %v, want an error on %s", err, tc.field)
				}
				return
			}
			p, _ := s.MLP()
			if dim, cl := p.Dataset.Shape(); dim != tc.dim || cl != tc.cl {
				t.Errorf("shape %d, %d classes; want %d, %d", dim, cl, tc.dim, tc.cl)
			}
		})
	}
}

// TestMLPReferenceOptions: the reference protocol's options change the batch count, the
// step count, the evaluations, the cost and the checks as documented.
func TestMLPReferenceOptions(t *testing.T) {
	for _, tc := range []struct {
		query                        string
		field                        string // "" when valid
		batches, steps, evals, testB int
		moreWork                     bool // costs more than the same spec without the options
	}{
		{"n=620&batch=50", "", 12, 1000, 12, 40, false},
		{"n=620&batch=50&lastBatch=keep", "", 13, 1000, 12, 40, true},
		{"n=620&batch=50&count=reference", "", 12, 1002, 12, 40, true},
		{"n=620&batch=50&testNoise=1", "", 12, 1000, 12, 40, true},
		{"n=620&batch=50&testN=2150&lastBatch=keep&testNoise=1", "", 13, 1000, 12, 43, true},
		{"n=620&batch=50&momentum=0.9&weightDecay=0.0005&zeros=keep&stopAtFit=1", "", 12, 1000, 12, 40, false},
		{"n=620&batch=60&testN=100&testNoise=1", "testNoise", 0, 0, 0, 0, false},
		{"n=620&batch=50&lastBatch=keep&evalBatches=14", "evalBatches", 0, 0, 0, 0, false},
		{"n=620&batch=50&lastBatch=keep&evalBatches=13", "", 13, 1000, 12, 40, false}, // 13 batches asked for either way
		{"n=620&batch=50&iters=100000&evalEvery=100&testNoise=1", "evalEvery", 0, 0, 0, 0, false},
		{"n=620&batch=50&momentum=1", "momentum", 0, 0, 0, 0, false},
	} {
		t.Run(tc.query, func(t *testing.T) {
			s, err := ParseArg("kind=mlp&dataset=blobs&"+tc.query, "")
			if err == nil {
				err = s.Validate()
			}
			if tc.field != "" {
				if fe, ok := err.(*FieldError); !ok || fe.Field != tc.field {
					t.Fatalf("got %v, want an error on %s", err, tc.field)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v, want valid", err)
			}
			p, _ := s.MLP()
			if p.NoiseBatches() != tc.batches || p.Steps() != tc.steps || p.Evaluations() != tc.evals || p.TestBatches() != tc.testB {
				t.Errorf("batches %d, steps %d, evaluations %d, test batches %d; want %d, %d, %d, %d",
					p.NoiseBatches(), p.Steps(), p.Evaluations(), p.TestBatches(), tc.batches, tc.steps, tc.evals, tc.testB)
			}
			plain := p
			plain.LastBatch, plain.Count, plain.TestNoise = LastBatchDrop, CountExact, false
			_, w := p.Cost()
			_, w0 := plain.Cost()
			if (w > w0) != tc.moreWork {
				t.Errorf("work %.4g, without the options %.4g: more = %v, want %v", w, w0, w > w0, tc.moreWork)
			}
		})
	}
}

// TestMLPThirdsLR: milestones ⌊iters/3⌋ and twice that, a step late as the reference steps
// its scheduler after each step; iters < 3 puts both milestones at 0.
func TestMLPThirdsLR(t *testing.T) {
	p := MLPParams{LR: 0.1, Gamma: 0.5, Iters: 300}
	for k, want := range map[int]float64{0: 0.1, 100: 0.1, 101: 0.05, 200: 0.05, 201: 0.025, 301: 0.025} {
		if got := p.ThirdsLR(k); got != want {
			t.Errorf("iters 300, step %d: %v, want %v", k, got, want)
		}
	}
	p.Iters = 2
	for k, want := range map[int]float64{0: 0.025, 1: 0.025, 3: 0.025} {
		if got := p.ThirdsLR(k); got != want {
			t.Errorf("iters 2, step %d: %v, want %v", k, got, want)
		}
	}
}

// TestMLPReferencePreset: the preset picks every reference choice the kind offers.
func TestMLPReferencePreset(t *testing.T) {
	p, err := MustPreset("mlp", "reference").MLP()
	if err != nil {
		t.Fatal(err)
	}
	got := []any{p.Dataset, p.N, p.TestN, p.Width, p.Depth, p.Loss, p.Batch, p.LR, p.Schedule, p.Gamma, p.Order, p.Iters, p.EvalEvery,
		p.EvalBatches, p.Momentum, p.WeightDecay, p.LastBatch, p.StopAtFit, p.TestNoise, p.Zeros, p.Count}
	want := []any{DatasetMNIST, 60000, 10000, 100, 3, LossCE, 100, 0.1, ScheduleConstant, 0.5, OrderFixed, 1000, 100,
		0, 0.0, 0.0, LastBatchKeep, true, true, ZerosKeep, CountReference}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("reference preset %v\nwant %v", got, want)
	}
	if p.Steps() != 1002 || p.TestBatches() != 100 || p.NoiseBatches() != 600 {
		t.Errorf("steps %d, test batches %d, batches %d; want 1002, 100, 600", p.Steps(), p.TestBatches(), p.NoiseBatches())
	}
}

// TestMLPWorkLimit: a process may raise the mlp kind's bound on a run's multiply-adds (a server
// bounding runs by time); the default comes back with 0.
func TestMLPWorkLimit(t *testing.T) {
	// Width 512, depth 4 on 50 000 MNIST examples, 65 000 steps measured every 6500: ≈ 2.2e13.
	s := MustNew("mlp", 1)
	for name, v := range map[string]string{"n": "50000", "testN": "10000", "iters": "65000", "evalEvery": "6500", "width": "512", "depth": "4"} {
		if err := s.SetText(name, v); err != nil {
			t.Fatal(err)
		}
	}
	_, work := MLPCost(s)
	if work < MLPMaxWork || work > 1.2*MLPMaxWork {
		t.Fatalf("the spec needs %.3g multiply-adds, want just over %.3g", work, float64(MLPMaxWork))
	}
	t.Cleanup(func() { SetMLPWorkLimit(0) })
	for _, tt := range []struct {
		name  string
		limit float64
		want  string // "" valid
	}{
		{"the default", 0, "more than the 2e+13 a run may use"},
		{"raised", 3e13, ""},
		{"raised too little", 2.1e13, "more than the 2.1e+13 a run may use"},
		{"back to the default", 0, "more than the 2e+13 a run may use"},
		{"a negative limit is the default", -1, "more than the 2e+13 a run may use"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			SetMLPWorkLimit(tt.limit)
			err := s.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("limit %g: %v, want %q", tt.limit, err, tt.want)
			}
		})
	}
}

// TestMLPMemoryLimit: a native process may raise the mlp kind's memory bound (a browser tab's);
// the default comes back with 0.
func TestMLPMemoryLimit(t *testing.T) {
	s := MustNew("mlp", 1)
	for name, v := range map[string]string{"dataset": "cifar10", "n": "50000", "testN": "10000", "iters": "100", "evalEvery": "100", "width": "1024", "depth": "5"} {
		if err := s.SetText(name, v); err != nil {
			t.Fatal(err)
		}
	}
	bytes, _ := MLPCost(s)
	if bytes < MLPMaxBytes || bytes > 1.2*MLPMaxBytes {
		t.Fatalf("the spec needs %.0f MiB, want just over %d", bytes/(1<<20), MLPMaxBytes>>20)
	}
	t.Cleanup(func() { SetMLPMemoryLimit(0) })
	for _, tt := range []struct {
		name  string
		limit int64
		want  string
	}{
		{"the default", 0, "more than the 1024 MiB a run may use"},
		{"raised", 2 << 30, ""},
		{"back to the default", 0, "more than the 1024 MiB a run may use"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			SetMLPMemoryLimit(tt.limit)
			err := s.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("limit %d: %v, want %q", tt.limit, err, tt.want)
			}
		})
	}
}

// TestMLPPrecision: precision reads float32 (the default) and float64, refuses anything else
// naming the parameter, survives the JSON and share-link round trips, and float64 doubles
// the work by Float64WorkFactor and adds the float64 copies to the memory; the reference
// preset stays valid in float64.
func TestMLPPrecision(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  Precision
		bad   bool
	}{
		{"", PrecisionFloat32, false},
		{"precision=float32", PrecisionFloat32, false},
		{"precision=float64", PrecisionFloat64, false},
		{"precision=float64&arch=alexnet&ch=8&dataset=mnist", PrecisionFloat64, false},
		{"precision=double", "", true},
		{"precision=Float64", "", true},
	} {
		t.Run(tc.query, func(t *testing.T) {
			s, err := ParseArg("kind=mlp&"+tc.query, "")
			if err == nil {
				err = s.Validate()
			}
			if tc.bad {
				if err == nil || !strings.Contains(err.Error(), "precision") {
					t.Fatalf("got %v, want an error naming precision", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p, _ := s.MLP()
			if p.Precision != tc.want {
				t.Fatalf("precision %q, want %q", p.Precision, tc.want)
			}
			js, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse(js)
			if err != nil {
				t.Fatalf("JSON %s: %v", js, err)
			}
			fromURL, err := ParseQuery(s.Query())
			if err != nil {
				t.Fatalf("query %s: %v", s.Query().Encode(), err)
			}
			for what, r := range map[string]Spec{"JSON": back, "URL": fromURL} {
				if q, _ := r.MLP(); q != p {
					t.Errorf("%s round trip: %+v, want %+v", what, q, p)
				}
			}
			single := p
			single.Precision = PrecisionFloat32
			b64, w64 := p.Cost()
			b32, w32 := single.Cost()
			if tc.want == PrecisionFloat64 && (w64 != Float64WorkFactor*w32 || b64 <= b32) {
				t.Errorf("float64 cost %.4g B, %.4g; float32 %.4g B, %.4g: want %d times the work and more bytes", b64, w64, b32, w32, Float64WorkFactor)
			}
		})
	}
	ref := MustPreset("mlp", "reference")
	if err := ref.SetText("precision", "float64"); err != nil {
		t.Fatal(err)
	}
	if err := ref.Validate(); err != nil {
		t.Errorf("the reference preset in float64: %v", err)
	}
}
