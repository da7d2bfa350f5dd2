package estimator

import (
	"fmt"
	"strings"
	"testing"
)

// TestMethodsTable checks that every row of the table builds an estimator of
// its own name, that Analyze gives what each estimator gives alone (zeros
// left out by default and kept with KeepZeros), and the lookups.
func TestMethodsTable(t *testing.T) {
	x := Sample(1.4, 1, 5000, 21)
	for i := 0; i < len(x); i += 7 {
		x[i] = 0
	}
	for _, keep := range []bool{false, true} {
		r, err := Analyze(x, Options{KeepZeros: keep, K1: 50, HillK: 40})
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range Methods {
			t.Run(fmt.Sprintf("%s/keepZeros=%v", m.Name, keep), func(t *testing.T) {
				est := m.New(Config{KeepZeros: keep, K1: 50, HillK: 40})
				if est.Name() != m.Name || MethodNames[i] != m.Name {
					t.Fatalf("row %q builds %q, MethodNames[%d] = %q", m.Name, est.Name(), i, MethodNames[i])
				}
				e, err := est.Estimate(x)
				if err != nil {
					t.Fatal(err)
				}
				got := r.Estimates[i]
				if got.Method != m.Name || got.Alpha != e.Alpha || got.Lo != e.Lo || got.Hi != e.Hi || got.N != e.N {
					t.Errorf("keepZeros=%v: Analyze gives %+v, the method alone %+v", keep, got, e)
				}
				// The quantile methods use every value (the others complete blocks or the top ones).
				quantile := m.Name == "mcculloch" || m.Name == "koutrouvelis"
				if want := len(x) - (len(x)+6)/7; !keep && quantile && e.N != want {
					t.Errorf("N = %d, want the %d non-zero values", e.N, want)
				}
			})
		}
	}
	if m, err := LookupMethod(" McCulloch "); err != nil || m.Name != "mcculloch" {
		t.Errorf("LookupMethod(\" McCulloch \") = %q, %v", m.Name, err)
	}
	if _, err := LookupMethod("pickands"); err == nil || !strings.Contains(err.Error(), `"pickands"`) || !strings.Contains(err.Error(), "koutrouvelis") {
		t.Errorf("LookupMethod(pickands): %v, want an error naming it and the known methods", err)
	}
	if MethodLabel("hill") != "Hill 1975, largest values" || MethodLabel("other") != "other" {
		t.Errorf("MethodLabel: %q, %q", MethodLabel("hill"), MethodLabel("other"))
	}
}
