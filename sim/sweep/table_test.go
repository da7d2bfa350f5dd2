package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
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
