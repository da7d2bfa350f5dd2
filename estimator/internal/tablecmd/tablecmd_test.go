package tablecmd

import (
	"bytes"
	"flag"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want Flags
		msg  string // in the error output when Parse fails
	}{
		{"defaults", nil, Flags{Reps: 100, Seed: 1, Ns: []int{1000, 10000}}, ""},
		{"all", []string{"-reps", "3", "-seed", "7", "-n", "20, 500"}, Flags{Reps: 3, Seed: 7, Ns: []int{20, 500}}, ""},
		{"small-n", []string{"-n", "19"}, Flags{}, `demo: -n: "19" is not a sample size ≥ 20`},
		{"not-a-number", []string{"-n", "1e3"}, Flags{}, `"1e3" is not a sample size`},
		{"no-reps", []string{"-reps", "0"}, Flags{}, "demo: -reps 0: want ≥ 1"},
		{"extra", []string{"x"}, Flags{}, `demo: unexpected arguments ["x"] (flags only)`},
		{"unknown-flag", []string{"-q"}, Flags{}, "flag provided but not defined: -q"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			fs := flag.NewFlagSet("demo", flag.ContinueOnError)
			fs.SetOutput(&out)
			got, ok := Parse(fs, "demo", "samples per cell", "1000,10000", tc.args)
			if ok != (tc.msg == "") {
				t.Fatalf("ok = %v, output %q", ok, out.String())
			}
			if !ok {
				if !strings.Contains(out.String(), tc.msg) {
					t.Errorf("output %q lacks %q", out.String(), tc.msg)
				}
				return
			}
			if got.Reps != tc.want.Reps || got.Seed != tc.want.Seed || !slices.Equal(got.Ns, tc.want.Ns) {
				t.Errorf("Parse = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestFormatN(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{10, "1e1"}, {1000, "1e3"}, {100000, "1e5"}, {20, "20"}, {5000, "5000"}} {
		t.Run(tc.want, func(t *testing.T) {
			if got := FormatN(tc.n); got != tc.want {
				t.Errorf("FormatN(%d) = %q, want %q", tc.n, got, tc.want)
			}
		})
	}
}
