package accuracy

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestRunSmall runs a small table and checks its numbers are sane: at
// N = 2000, α = 1.5, Mohammadi's RMSE over 4 samples is below 0.3.
func TestRunSmall(t *testing.T) {
	tab, err := Run(context.Background(), []int{2000}, 4, 7, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := tab.Cells[0][0][2]
	if c.n != 4 || c.sum2/4 > 0.3*0.3 {
		t.Errorf("mohammadi α=1.5 N=2000: %+v", c)
	}
	var b bytes.Buffer
	tab.Markdown(&b)
	out := b.String()
	for _, want := range []string{"| N | method | α = 0.6 |", "| 2000 | mohammadi |", "| 2000 | koutrouvelis |"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Same seed, same table.
	tab2, _ := Run(context.Background(), []int{2000}, 4, 7, 1, nil)
	var b2 bytes.Buffer
	tab2.Markdown(&b2)
	if b2.String() != out {
		t.Errorf("not reproducible:\n%s\n%s", out, b2.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, []int{2000}, 100, 1, 1, nil); err == nil {
		t.Errorf("cancelled run: no error")
	}
}
