package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	sw, err := ParseArg("kind=mlp&dataset=blobs&n=400&iters=50&width=8,16&seeds=1,2,3")
	if err != nil {
		t.Fatal(err)
	}
	// Results with known last evaluations: α̂ = 1.1, 1.3, 1.5 for width 8; for width 16 the
	// third run failed and the second has no test accuracy.
	result := func(alpha, acc float64, withTest bool) json.RawMessage {
		last := fmt.Sprintf(`{"iter":50,"alpha":%g,"train_acc":%g`, alpha, acc)
		if withTest {
			last += fmt.Sprintf(`,"test_acc":%g`, acc-0.1)
		}
		return json.RawMessage(`{"evaluations":[{"iter":0,"alpha":1.9,"train_acc":0.1,"test_acc":0.1},` + last + `}]}`)
	}
	st := Status{Sweep: sw, Runs: []RunStatus{
		{Index: 0, State: "done", Result: result(1.1, 0.9, true)},
		{Index: 1, State: "done", Result: result(1.3, 0.8, true)},
		{Index: 2, State: "done", Result: result(1.5, 0.7, true)},
		{Index: 3, State: "done", Result: result(1.0, 0.5, true)},
		{Index: 4, State: "done", Result: result(1.2, 0.5, false)},
		{Index: 5, State: "failed"},
	}}
	tab := Summarize(st)
	if len(tab.Rows) != 2 || tab.Params[0] != "width" || tab.Rows[0].Values[0] != "8" || tab.Rows[1].Values[0] != "16" {
		t.Fatalf("table %+v", tab)
	}
	cases := []struct {
		name   string
		row    int
		metric string
		want   Stat
	}{
		{"alpha over 3 seeds", 0, "alpha", Stat{Mean: 1.3, SD: 0.2, N: 3}},
		{"accuracy over 3 seeds", 0, "train_acc", Stat{Mean: 0.8, SD: 0.1, N: 3}},
		{"alpha without the failed run", 1, "alpha", Stat{Mean: 1.1, SD: math.Sqrt(0.02), N: 2}},
		{"test accuracy from one run", 1, "test_acc", Stat{Mean: 0.4, SD: 0, N: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := tab.Rows[c.row].Metrics[c.metric]
			if got.N != c.want.N || math.Abs(got.Mean-c.want.Mean) > 1e-12 || math.Abs(got.SD-c.want.SD) > 1e-12 {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
	var b bytes.Buffer
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := "width,alpha_mean,alpha_sd,alpha_n,train_acc_mean,train_acc_sd,train_acc_n,test_acc_mean,test_acc_sd,test_acc_n\n" +
		"8,1.3,0.2,3,0.8,0.1,3,0.7,0.1,3\n" +
		"16,1.1,0.141421,2,0.5,0,2,0.4,0,1\n"
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestSummarizeTestAndPerCoordinate(t *testing.T) {
	sw, err := ParseArg("kind=mlp&dataset=blobs&n=400&iters=50&testNoise=1&batch=10,50&seeds=1,2")
	if err != nil {
		t.Fatal(err)
	}
	// The last evaluation of a run with test-set noise and the per-coordinate analysis.
	result := func(alpha, testAlpha, median, rejected, std float64) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"evaluations":[{"iter":50,"alpha":%g,"train_acc":0.9,"test_acc":0.8,"test_alpha":%g,
			"noise":{"per_coord":{"coords":256,"tested":250,"alpha_quartiles":[1.1,1.5,%g,1.9,2],"rejected":%g,"standardised":{"alpha":%g}}}}]}`,
			alpha, testAlpha, median, rejected, std))
	}
	st := Status{Sweep: sw, Runs: []RunStatus{
		{State: "done", Result: result(1.2, 1.4, 1.7, 0.30, 1.6)},
		{State: "done", Result: result(1.4, 1.6, 1.9, 0.10, 1.8)},
		{State: "done", Result: result(1.5, 1.7, 1.95, 0.06, 1.9)},
		// no per-coordinate analysis (too few batches): only the pooled numbers count
		{State: "done", Result: json.RawMessage(`{"evaluations":[{"iter":50,"alpha":1.7,"test_alpha":1.8,"noise":{"per_coord":{"coords":0}}}]}`)},
	}}
	tab := Summarize(st)
	if want := "alpha train_acc test_acc test_alpha coord_alpha_median coord_rejected coord_std_alpha"; strings.Join(tab.Metrics, " ") != want {
		t.Fatalf("Metrics = %v, want %s", tab.Metrics, want)
	}
	cases := []struct {
		name   string
		row    int
		metric string
		want   Stat
	}{
		{"test alpha", 0, "test_alpha", Stat{Mean: 1.5, SD: math.Sqrt(0.02), N: 2}},
		{"median per-coordinate alpha", 0, "coord_alpha_median", Stat{Mean: 1.8, SD: math.Sqrt(0.02), N: 2}},
		{"fraction rejected", 0, "coord_rejected", Stat{Mean: 0.2, SD: math.Sqrt(0.02), N: 2}},
		{"standardised pooled alpha", 0, "coord_std_alpha", Stat{Mean: 1.7, SD: math.Sqrt(0.02), N: 2}},
		{"test alpha of both seeds", 1, "test_alpha", Stat{Mean: 1.75, SD: math.Sqrt(0.005), N: 2}},
		{"per-coordinate of one seed", 1, "coord_rejected", Stat{Mean: 0.06, N: 1}},
		{"pooled alpha of both seeds", 1, "alpha", Stat{Mean: 1.6, SD: math.Sqrt(0.02), N: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := tab.Rows[c.row].Metrics[c.metric]
			if got.N != c.want.N || math.Abs(got.Mean-c.want.Mean) > 1e-12 || math.Abs(got.SD-c.want.SD) > 1e-12 {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
	var b bytes.Buffer
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(b.String(), "\n"); !strings.HasSuffix(head, ",coord_std_alpha_mean,coord_std_alpha_sd,coord_std_alpha_n") {
		t.Errorf("CSV header %q lacks the per-coordinate columns", head)
	}
}
