package tailcheck

import (
	"context"
	"strings"
	"testing"
)

// TestRunSmall runs 3 samples of every law at N = 5000 and checks the table's
// counts and a few known answers: the tail check never fails on SαS α = 1.5
// here, and always fails on Laplace (tails far lighter than the fit's).
func TestRunSmall(t *testing.T) {
	tab, err := Run(context.Background(), []int{5000}, 3, 1, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for il, l := range tab.Laws {
		c := tab.Cells[il][0]
		if c.Samples != 3 || len(c.Zs) != 3 || len(c.Alphas) != 3 {
			t.Errorf("%s: %+v, want 3 samples each with z and α̂", l.Name, c)
		}
		switch l.Name {
		case "SαS α = 1.5":
			if c.Lighter+c.Heavier != 0 {
				t.Errorf("%s: %d alarms in 3 samples", l.Name, c.Lighter+c.Heavier)
			}
		case "Laplace":
			if c.Lighter != 3 {
				t.Errorf("%s: %d of 3 found lighter than the fit", l.Name, c.Lighter)
			}
		}
	}
	var b strings.Builder
	tab.Markdown(&b)
	if n := strings.Count(b.String(), "\n"); n != len(tab.Laws)+2 {
		t.Errorf("%d lines, want %d:\n%s", n, len(tab.Laws)+2, b.String())
	}
	if !strings.Contains(b.String(), "| Laplace | **finite** | 5000 | 100% (100% / 0%) |") {
		t.Errorf("no Laplace row as expected:\n%s", b.String())
	}
}

func TestMainFlags(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"bad size", []string{"-n", "5"}, `"5" is not a sample size`},
		{"bad reps", []string{"-reps", "0"}, "-reps 0"},
		{"argument", []string{"x"}, "unexpected arguments"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errb strings.Builder
			if code := Main(context.Background(), c.args, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), c.want) {
				t.Errorf("status %d, stderr %q; want 2 and %q", code, errb.String(), c.want)
			}
		})
	}
	var out, errb strings.Builder
	if code := Main(context.Background(), []string{"-reps", "1", "-n", "2000"}, nil, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "1 samples per row, seed 1;") || !strings.Contains(out.String(), "| SαS α = 2 | finite (α-stable) | 2000 |") {
		t.Errorf("status %d, stdout:\n%s", code, out.String())
	}
}
