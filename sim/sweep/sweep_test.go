package sweep

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
)

const small = `{"base":{"kind":"mlp","params":{"dataset":"blobs","n":400,"iters":50}},"grid":{"depth":[2,3],"width":[8,16,32]},"seeds":[7,9]}`

func TestParseExpandsInOrder(t *testing.T) {
	sw, err := Parse([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	if got := sw.Count(); got != 12 {
		t.Fatalf("Count = %d, want 3 widths × 2 depths × 2 seeds = 12", got)
	}
	// The kind's table lists width before depth, so width is the outer axis, seeds innermost.
	want := []struct {
		width, depth int
		seed         uint64
	}{{8, 2, 7}, {8, 2, 9}, {8, 3, 7}, {8, 3, 9}, {16, 2, 7}, {16, 2, 9}, {16, 3, 7}, {16, 3, 9}, {32, 2, 7}, {32, 2, 9}, {32, 3, 7}, {32, 3, 9}}
	for i, w := range want {
		r := sw.Run(i)
		if int(r.Get("width").Num) != w.width || int(r.Get("depth").Num) != w.depth || r.Seed != w.seed {
			t.Errorf("run %d = width %d depth %d seed %d, want %+v", i, int(r.Get("width").Num), int(r.Get("depth").Num), r.Seed, w)
		}
		if int(r.Get("n").Num) != 400 || int(r.Get("iters").Num) != 50 || r.Get("dataset").Str != "blobs" {
			t.Errorf("run %d lost the base parameters: %s", i, r.Key())
		}
	}
	if got := sw.Label(5); got != "width=16 depth=2 seed=9" {
		t.Errorf("Label(5) = %q", got)
	}
}

func TestRoundTrips(t *testing.T) {
	sw, err := Parse([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("json", func(t *testing.T) {
		b, err := json.Marshal(sw)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(b)
		if err != nil {
			t.Fatalf("Parse(%s): %v", b, err)
		}
		sameRuns(t, sw, back)
	})
	t.Run("query", func(t *testing.T) {
		text := sw.Encode()
		if !strings.Contains(text, "width=8,16,32") || !strings.Contains(text, "seeds=7,9") {
			t.Errorf("query %s lacks the grid's lists", text)
		}
		q, _ := url.ParseQuery(text)
		back, err := ParseQuery(q)
		if err != nil {
			t.Fatalf("ParseQuery(%s): %v", text, err)
		}
		sameRuns(t, sw, back)
	})
	t.Run("arg", func(t *testing.T) {
		back, err := ParseArg("kind=mlp&dataset=blobs&n=400&iters=50&width=8,16,32&depth=2,3&seeds=7,9")
		if err != nil {
			t.Fatal(err)
		}
		sameRuns(t, sw, back)
	})
}

func sameRuns(t *testing.T, a, b Sweep) {
	t.Helper()
	if a.Count() != b.Count() {
		t.Fatalf("counts %d and %d", a.Count(), b.Count())
	}
	for i := range a.Count() {
		if ka, kb := a.Run(i).Key(), b.Run(i).Key(); ka != kb {
			t.Fatalf("run %d: %s != %s", i, ka, kb)
		}
	}
}

func TestRefusals(t *testing.T) {
	cases := []struct {
		name, in, field, msg string
	}{
		{"unknown field", `{"base":{"kind":"mlp"},"seeds":[1],"extra":1}`, "sweep", "unknown field"},
		{"no base", `{"grid":{},"seeds":[1]}`, "base", "missing"},
		{"unknown kind", `{"base":{"kind":"nope"},"seeds":[1]}`, "kind", "unknown kind"},
		{"unknown parameter", `{"base":{"kind":"mlp"},"grid":{"height":[1,2]},"seeds":[1]}`, "height", "no such parameter"},
		{"seed in grid", `{"base":{"kind":"mlp"},"grid":{"seed":[1,2]},"seeds":[1]}`, "grid", "seeds"},
		{"no seeds", `{"base":{"kind":"mlp"},"grid":{"width":[8]}}`, "seeds", "at least one"},
		{"repeated seed", `{"base":{"kind":"mlp"},"seeds":[1,1]}`, "seeds", "twice"},
		{"negative seed", `{"base":{"kind":"mlp"},"seeds":[-1]}`, "seeds", "integers"},
		{"out of range", `{"base":{"kind":"mlp"},"grid":{"width":[8,2048]},"seeds":[1]}`, "width", "must be in [4, 1024]"},
		{"repeated value", `{"base":{"kind":"mlp"},"grid":{"width":[8,8.0]},"seeds":[1]}`, "width", "twice"},
		{"wrong type", `{"base":{"kind":"mlp"},"grid":{"loss":[1]},"seeds":[1]}`, "loss", "strings"},
		{"empty axis", `{"base":{"kind":"mlp"},"grid":{"width":[]},"seeds":[1]}`, "width", "no value"},
		{"a run over the budget", `{"base":{"kind":"mlp","params":{"n":60000,"iters":65000,"evalEvery":6500}},"grid":{"width":[64,1024],"depth":[2,10]},"seeds":[1]}`,
			"iters", "1 of 4 runs are refused; the first is run 3 (width=1024 depth=10 seed=1)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.in))
			field, msg := fieldOf(err)
			if err == nil || field != c.field || !strings.Contains(msg, c.msg) {
				t.Fatalf("Parse(%s) = %v (field %q), want field %q and %q", c.in, err, field, c.field, c.msg)
			}
		})
	}
	t.Run("too many runs", func(t *testing.T) {
		_, err := ParseArg("kind=stable&n=100,200,300,400,500,600,700,800,900,1000&alpha=" + strings.Repeat("1.1,", 30) + "1.2" +
			"&nu=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20&seeds=1,2")
		if field, _ := fieldOf(err); field != "alpha" && field != "grid" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("query seed", func(t *testing.T) {
		if field, _ := fieldOf(mustErr(ParseArg("kind=mlp&seed=3"))); field != "seed" {
			t.Fatal("a single seed= in a sweep query was accepted")
		}
	})
}

func mustErr(_ Sweep, err error) error { return err }

func fieldOf(err error) (string, string) {
	var se *Error
	var fe *spec.FieldError
	switch {
	case errors.As(err, &se):
		return se.Field, se.Msg
	case errors.As(err, &fe):
		return fe.Field, fe.Msg
	case err != nil:
		return "", err.Error()
	}
	return "", ""
}

func TestPresets(t *testing.T) {
	t.Run("cpu", func(t *testing.T) {
		p, _ := LookupPreset("cpu")
		sw := p.Sweep()
		if err := sw.Validate(); err != nil {
			t.Fatal(err)
		}
		if sw.Count() != 30 {
			t.Errorf("Count = %d, want 5 widths × 3 depths × 2 seeds = 30", sw.Count())
		}
		c := sw.Estimate()[0]
		// Under ten minutes on 2 cores, by the estimate (the README measures it).
		if w := c.Wall(2); w > 10*time.Minute || w < time.Second {
			t.Errorf("estimated wall time on 2 workers %v, want within (1 s, 10 min)", w)
		}
	})
	t.Run("batch", func(t *testing.T) {
		p, _ := LookupPreset("batch")
		sw := p.Sweep()
		if err := sw.Validate(); err != nil {
			t.Fatal(err)
		}
		if sw.Count() != 10 || len(sw.Grid) != 1 || sw.Grid[0].Param != "batch" {
			t.Fatalf("Count = %d, grid %+v; want 5 batch sizes × 2 seeds", sw.Count(), sw.Grid)
		}
		for i := range sw.Count() {
			r := sw.Run(i)
			// Every run measures the test-set noise and has at least 8 noise batches (the
			// Gaussianity test needs 8 values per coordinate).
			if r.Get("testNoise").Num == 0 || r.Get("n").Num/r.Get("batch").Num < 8 {
				t.Errorf("run %d: testNoise %v, n/b = %g", i, r.Get("testNoise").Num != 0, r.Get("n").Num/r.Get("batch").Num)
			}
		}
		if w := sw.Estimate()[0].Wall(2); w > 10*time.Minute || w < time.Second {
			t.Errorf("estimated wall time on 2 workers %v, want within (1 s, 10 min)", w)
		}
	})
	t.Run("paper", func(t *testing.T) {
		p, _ := LookupPreset("paper")
		sw := p.Sweep()
		datasets := 1
		if k, _ := spec.Lookup("mlp"); strings.Contains(strings.Join(k.Param("dataset").Choices, ","), "cifar10") {
			datasets = 2
		}
		if want := 9 * 9 * 2 * 3 * datasets; sw.Count() != want {
			t.Errorf("Count = %d, want %d", sw.Count(), want)
		}
		// The widest and deepest networks for 65 000 steps exceed the mlp kind's per-run work budget:
		// the sweep is refused, saying how many runs and which first.
		err := sw.Validate()
		var se *Error
		if !errors.As(err, &se) || se.Refused == 0 || se.Refused >= sw.Count() || !strings.Contains(se.Msg, "runs are refused") {
			t.Fatalf("Validate = %v, want some runs refused", err)
		}
		// Known answer: width 4, depth 2 on MNIST is M = 784·4 + 4·10 = 3176 weights; 65 000 steps of
		// 3·100·M multiply-adds, and 65000/6500 + 2 = 12 measurements (as sim/spec counts them) of
		// 2·P·3·100·M + 10000·M, with P = n/100 batches.
		M := 3176.0
		P := sw.Run(0).Get("n").Num / 100
		want := 3*100*M*65000 + 12*(2*P*3*100*M+10000*M)
		if _, got := spec.MLPCost(sw.Run(0)); abs(got-want) > 1e-9*want {
			t.Errorf("run 0's work %g, want %g", got, want)
		}
		if sec := CPU.RunSeconds(sw.Run(0)); abs(sec-(want/2e9+0.05)) > 1e-6 {
			t.Errorf("run 0's estimated seconds %g", sec)
		}
	})
	if _, ok := LookupPreset("nope"); ok {
		t.Error("an unknown preset was found")
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestBudget(t *testing.T) {
	sw, err := Parse([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	total := sw.Estimate()[0].Seconds
	cases := []struct {
		name   string
		budget Budget
		want   string
	}{
		{"within", Budget{MaxRuns: 12, MaxSeconds: total * 1.01}, ""},
		{"too many runs", Budget{MaxRuns: 11}, "the sweep has 12 runs, more than the 11"},
		{"too long", Budget{MaxSeconds: total / 2}, "the sweep's 12 runs would take about"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.budget.Check(sw)
			if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
				t.Fatalf("Check = %v, want %q", err, c.want)
			}
		})
	}
}

func TestHuman(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{{45 * time.Second, "45 s"}, {12 * time.Minute, "12 min"}, {210 * time.Minute, "3.5 h"}, {100 * time.Hour, "4.2 days"}} {
		if got := Human(c.d); got != c.want {
			t.Errorf("Human(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

// FuzzParse checks that any input either parses into a valid sweep that survives a round trip,
// or is refused with an error naming a field.
func FuzzParse(f *testing.F) {
	f.Add([]byte(small))
	f.Add([]byte(`{"base":{"kind":"exit"},"grid":{"alpha":[1.2,1.5,2]},"seeds":[1,2]}`))
	f.Add([]byte(`{"base":{"kind":"stable"},"grid":{"dist":["sas","gauss"]},"seeds":[0]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sw, err := Parse(data)
		if err != nil {
			if field, _ := fieldOf(err); field == "" {
				t.Fatalf("error without a field: %v", err)
			}
			return
		}
		if err := sw.Validate(); err != nil {
			t.Fatalf("Parse gave an invalid sweep: %v", err)
		}
		b, err := json.Marshal(sw)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(b)
		if err != nil {
			t.Fatalf("round trip of %s: %v", b, err)
		}
		sameRuns(t, sw, back)
	})
}

// FuzzParseQuery is FuzzParse for the query form.
func FuzzParseQuery(f *testing.F) {
	f.Add("kind=mlp&dataset=blobs&n=400&iters=50&width=8,16,32&depth=2,3&seeds=7,9")
	f.Add("kind=exit&alpha=1.1,1.9&seeds=3")
	f.Add("kind=wells&noise=levy,gauss")
	f.Fuzz(func(t *testing.T, text string) {
		q, err := url.ParseQuery(text)
		if err != nil {
			return
		}
		sw, err := ParseQuery(q)
		if err != nil {
			if field, _ := fieldOf(err); field == "" {
				t.Fatalf("error without a field: %v", err)
			}
			return
		}
		q2, _ := url.ParseQuery(sw.Encode())
		back, err := ParseQuery(q2)
		if err != nil {
			t.Fatalf("round trip of %s: %v", sw.Encode(), err)
		}
		sameRuns(t, sw, back)
	})
}
