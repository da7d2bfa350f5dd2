package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/spec"
)

func TestWriteSynthetic(t *testing.T) {
	dir := t.TempDir()
	if err := writeSynthetic(dir, 1003, 7, 1); err != nil {
		t.Fatal(err)
	}
	trainN, testN, err := data.CIFAR10.Present(dir)
	if err != nil || trainN != 1003 || testN != 7 {
		t.Fatalf("Present = %d, %d, %v; want 1003, 7", trainN, testN, err)
	}
	folder := filepath.Join(data.DatasetsDir(dir), data.CIFAR10.Folder)
	first, err := os.ReadFile(filepath.Join(folder, "data_batch_1.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if want := 200 * data.CIFAR10.RecordSize(); len(first) != want { // 1003·1/5 = 200
		t.Fatalf("data_batch_1.bin holds %d bytes, want %d", len(first), want)
	}
	t.Run("same seed, same bytes", func(t *testing.T) {
		again := t.TempDir()
		if err := writeSynthetic(again, 1003, 7, 1); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(data.DatasetsDir(again), data.CIFAR10.Folder, "data_batch_1.bin"))
		if !bytes.Equal(b, first) {
			t.Error("a second set from seed 1 differs")
		}
	})
	t.Run("labels cover the classes", func(t *testing.T) {
		var seen [10]int
		for i := 0; i < len(first); i += data.CIFAR10.RecordSize() {
			seen[first[i]]++
		}
		for c, k := range seen {
			if k < 5 {
				t.Errorf("class %d: %d of 200 examples", c, k)
			}
		}
	})
	t.Run("too small", func(t *testing.T) {
		if err := writeSynthetic(t.TempDir(), 4, 1, 1); err == nil || !strings.Contains(err.Error(), "n ≥ 5") {
			t.Errorf("n = 4: err = %v", err)
		}
	})
}

func TestPairAndSummary(t *testing.T) {
	ts := []point{{Iter: 0, TrainAlpha: 1.50, TestAlpha: 1.40}, {Iter: 25, TrainAlpha: 1.45, TestAlpha: 1.42}, {Iter: 26, TrainAlpha: 1.44, TestAlpha: 1.41}}
	ref := []point{{Iter: 0, TrainAlpha: 1.48, TestAlpha: 1.43}, {Iter: 25, TrainAlpha: 1.46, TestAlpha: 1.40}, {Iter: 50, TrainAlpha: 1.47, TestAlpha: 1.39}}
	rows := pair("FC", 0, ts, ref)
	var iters []int
	for _, r := range rows {
		iters = append(iters, r.Iter)
	}
	if want := []int{0, 25, 26, 50}; !slices.Equal(iters, want) {
		t.Fatalf("paired iterations %v, want %v", iters, want)
	}
	if !math.IsNaN(rows[2].Reference.TrainAlpha) || !math.IsNaN(rows[3].Tailscope.TestAlpha) {
		t.Errorf("an evaluation only one code made must leave the other's NaN: %+v", rows[2:])
	}
	// A second seed, to give each code a spread over seeds.
	rows = append(rows, pair("FC", 1, []point{{Iter: 0, TrainAlpha: 1.40, TestAlpha: 1.40}}, []point{{Iter: 0, TrainAlpha: 1.45, TestAlpha: 1.43}})...)
	s := summarise(rows)
	if len(s) != 2 || s[0].Set != "training set" || s[1].Set != "test set" {
		t.Fatalf("summaries %+v", s)
	}
	train := s[0]
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	// training-set pairs: +0.02, −0.01, −0.05 → largest 0.05, mean −0.04/3
	if train.Pairs != 3 || !near(train.MaxAbsDiff, 0.05) || !near(train.MeanDiff, -0.04/3) {
		t.Errorf("training set: %+v; want 3 pairs, largest |Δ| 0.05, mean Δ %.4f", train, -0.04/3)
	}
	// spreads over seeds at iteration 0: Tailscope 1.50 − 1.40, reference 1.48 − 1.45
	if !near(train.SpreadT, 0.10) || !near(train.SpreadR, 0.03) {
		t.Errorf("training set spreads %.4f, %.4f; want 0.10, 0.03", train.SpreadT, train.SpreadR)
	}
	var out bytes.Buffer
	writeTable(&out, rows)
	if !strings.Contains(out.String(), "| FC | 0 | 26 | 0.000 / — | 1.4400 | — | — |") {
		t.Errorf("table row for an evaluation only Tailscope made is missing:\n%s", out.String())
	}
}

// TestDouble: -double asks both codes for float64, and the query stays a valid spec.
func TestDouble(t *testing.T) {
	for _, double := range []bool{false, true} {
		t.Run(fmt.Sprint("double=", double), func(t *testing.T) {
			c := config{Arch: "fc", Width: 100, Depth: 3, Ch: 64, N: 1000, TestN: 500, Batch: 100, LR: 0.1, Iters: 100, Every: 25, Double: double}
			s, err := spec.ParseArg(c.query(0), "mlp")
			if err != nil {
				t.Fatal(err)
			}
			p, _ := s.MLP()
			if want := map[bool]spec.Precision{false: spec.PrecisionFloat32, true: spec.PrecisionFloat64}[double]; p.Precision != want {
				t.Errorf("Tailscope precision %q, want %q", p.Precision, want)
			}
			if got := slices.Contains(c.referenceArgs(0, "p", "d"), "--double"); got != double {
				t.Errorf("reference --double %v, want %v", got, double)
			}
		})
	}
}
