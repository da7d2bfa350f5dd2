package spec

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestTypedStructsMatchTables proves that every kind's typed struct has exactly one field per
// parameter of its table, of the matching type: a parameter added to one and not the other fails.
func TestTypedStructsMatchTables(t *testing.T) {
	want := map[string]reflect.Type{
		"exit":     reflect.TypeFor[ExitParams](),
		"wells":    reflect.TypeFor[WellsParams](),
		"mlp":      reflect.TypeFor[MLPParams](),
		"stable":   reflect.TypeFor[StableParams](),
		"iterates": reflect.TypeFor[IteratesParams](),
	}
	for _, k := range Kinds() {
		t.Run(k.Name, func(t *testing.T) {
			if k.typ != want[k.Name] {
				t.Fatalf("kind %s is registered with typed struct %v, want %v", k.Name, k.typ, want[k.Name])
			}
			fields, err := bindTyped(k, k.typ)
			if err != nil {
				t.Fatal(err)
			}
			if len(fields) != len(k.Params) {
				t.Fatalf("%d fields bound for %d parameters", len(fields), len(k.Params))
			}
			for i, f := range fields {
				if f.param != &k.Params[i] {
					t.Errorf("field %d is bound to %s, want %s", i, f.param.Name, k.Params[i].Name)
				}
			}
		})
	}
	if len(want) != len(Kinds()) {
		t.Errorf("%d kinds registered, %d typed structs known to this test", len(Kinds()), len(want))
	}
}

func TestBindTypedRefusesMismatches(t *testing.T) {
	k, _ := Lookup("stable")
	type missing struct {
		Dist  Dist    `spec:"dist"`
		Alpha float64 `spec:"alpha"`
		Nu    float64 `spec:"nu"`
		N     int     `spec:"n"`
	}
	type extra struct {
		StableParams
		Extra float64 `spec:"extra"`
	}
	type wrongType struct {
		Dist  Dist    `spec:"dist"`
		Alpha float64 `spec:"alpha"`
		Nu    float64 `spec:"nu"`
		N     float64 `spec:"n"`
		K1    int     `spec:"k1"`
	}
	type untagged struct {
		StableParams
		Note string
	}
	type twice struct {
		StableParams
		Again float64 `spec:"alpha"`
	}
	tests := []struct {
		name string
		typ  reflect.Type
		want string
	}{
		{"missing field", reflect.TypeFor[missing](), `no field tagged "k1"`},
		{"extra field", reflect.TypeFor[extra](), "extra"},
		{"wrong type", reflect.TypeFor[wrongType](), `field "n"`},
		{"untagged field", reflect.TypeFor[untagged](), "Note"},
		{"duplicate tag", reflect.TypeFor[twice](), `tagged "alpha"`},
		{"not a struct", reflect.TypeFor[int](), "not a struct"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bindTyped(k, tt.typ)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("bindTyped = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestTypedDecodeEncode(t *testing.T) {
	s := MustNew("mlp", 9)
	for name, text := range map[string]string{"dataset": "spirals", "width": "32", "lr": "0.05", "evalBatches": "4", "order": "shuffle"} {
		if err := s.SetText(name, text); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.MLP()
	if err != nil {
		t.Fatal(err)
	}
	want := MLPParams{Dataset: DatasetSpirals, Subset: SubsetFirst, N: 10000, TestN: 2000, Width: 32, Depth: 3, Arch: ArchFC, Ch: 64,
		Loss: LossCE, Batch: 100, LR: 0.05, Schedule: ScheduleConstant, StepEvery: 1000, Gamma: 0.1,
		Order: OrderShuffle, Iters: 1000, EvalEvery: 100, EvalBatches: 4}
	want.LastBatch, want.Zeros, want.Count, want.Precision = LastBatchDrop, ZerosSkip, CountExact, PrecisionFloat32
	if p != want {
		t.Errorf("MLP() = %+v, want %+v", p, want)
	}
	back, err := p.Spec(9)
	if err != nil {
		t.Fatal(err)
	}
	if back.Key() != s.Key() {
		t.Errorf("MLPParams.Spec = %s, want %s", back.Key(), s.Key())
	}

	w := MustNew("wells", 3)
	wp, err := w.Wells()
	if err != nil {
		t.Fatal(err)
	}
	if wp.WL != 0.5 || wp.HR != 0.5 || wp.Start != StartLeft || wp.Alpha != 1.5 || wp.Steps != 200000 || wp.Noise != NoiseBoth {
		t.Errorf("Wells() of the defaults = %+v", wp)
	}
	wp.Noise, wp.Walkers = NoiseLevy, 7
	w2, err := wp.Spec(3)
	if err != nil || w2.Text("noise") != "levy" || w2.Text("walkers") != "7" {
		t.Errorf("WellsParams.Spec = %s, %v", w2.Key(), err)
	}

	t.Run("wrong kind", func(t *testing.T) {
		if _, err := MustNew("stable", 1).Exit(); err == nil {
			t.Error("Exit() of a stable spec succeeded")
		}
		var fe *FieldError
		if _, err := (Spec{Kind: "nope"}).Stable(); !errors.As(err, &fe) || fe.Field != "kind" {
			t.Errorf("Stable() of an unknown kind = %v, want a kind error", err)
		}
	})
	t.Run("encode validates", func(t *testing.T) {
		sp, _ := MustNew("stable", 1).Stable()
		sp.N, sp.K1 = 1000, 600
		var fe *FieldError
		if _, err := sp.Spec(1); !errors.As(err, &fe) || fe.Field != "k1" {
			t.Errorf("StableParams.Spec with k1 > n/2 = %v, want a k1 error", err)
		}
		sp.K1, sp.Dist = 0, "cauchy"
		if _, err := sp.Spec(1); !errors.As(err, &fe) || fe.Field != "dist" {
			t.Errorf("StableParams.Spec with dist cauchy = %v, want a dist error", err)
		}
	})
}

func TestMLPParamsDerived(t *testing.T) {
	tests := []struct {
		name                         string
		n, batch, evalBatches, iters int
		evalEvery                    int
		wantBatches, wantEvaluations int
	}{
		{"all batches", 10000, 100, 0, 1000, 100, 100, 12},
		{"some batches", 10000, 100, 7, 1000, 100, 7, 12},
		{"uneven", 1000, 300, 0, 10, 3, 3, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := MLPParams{N: tt.n, Batch: tt.batch, EvalBatches: tt.evalBatches, Iters: tt.iters, EvalEvery: tt.evalEvery}
			if got := p.NoiseBatches(); got != tt.wantBatches {
				t.Errorf("NoiseBatches = %d, want %d", got, tt.wantBatches)
			}
			if got := p.Evaluations(); got != tt.wantEvaluations {
				t.Errorf("Evaluations = %d, want %d", got, tt.wantEvaluations)
			}
		})
	}
}
