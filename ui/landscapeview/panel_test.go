package landscapeview

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	chartDot = regexp.MustCompile(`<circle cx="([-0-9.]+)" cy="([-0-9.]+)" r="4.5"><title>walker (\d+) at`)
	pathDot  = regexp.MustCompile(`M([-0-9.]+) ([-0-9.]+)a`)
)

// TestPanelDotsMatchTheChart: the dots drawn on the cached panel land where the full chart
// (LandscapeChart, with the walkers as a Scatter series) puts them, for both kinds, after
// some steps (walkers spread, some beyond the edges).
func TestPanelDotsMatchTheChart(t *testing.T) {
	for _, tt := range []struct {
		kind string
		kv   []string
	}{
		{"wells", []string{"walkers", "400", "steps", "20000", "alpha", "1.1"}},
		{"exit", []string{"walkers", "200", "steps", "20000", "eps", "0.6", "height", "0"}},
	} {
		s := mustSim(t, mkSpec(t, tt.kind, 9, tt.kv...))
		if _, err := s.Advance(3000); err != nil {
			t.Fatal(err)
		}
		for _, n := range s.Noises {
			p, err := s.panel(n)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(p.svg, `<path class="ls-dots"`) || strings.Contains(p.svg, "time ") {
				t.Errorf("%s %s: panel lacks the dots path or carries the time: %.300s", tt.kind, n.Name, p.svg)
			}
			if again, _ := s.panel(n); again != p {
				t.Errorf("%s %s: panel rebuilt on the second call", tt.kind, n.Name)
			}
			want := chartDot.FindAllStringSubmatch(s.LandscapeChart(n).SVG(), -1)
			d, beyond := s.dotsPath(n, p)
			got := pathDot.FindAllStringSubmatch(d, -1)
			if len(got) != len(want) || len(got)+beyond != min(s.Walkers, ShownWalkers) {
				t.Fatalf("%s %s: %d dots on the panel (+%d beyond), %d on the chart; want equal counts summing to %d",
					tt.kind, n.Name, len(got), beyond, len(want), min(s.Walkers, ShownWalkers))
			}
			for k := range got {
				gx, _ := strconv.ParseFloat(got[k][1], 64)
				gy, _ := strconv.ParseFloat(got[k][2], 64)
				wx, _ := strconv.ParseFloat(want[k][1], 64)
				wy, _ := strconv.ParseFloat(want[k][2], 64)
				// Both round to 0.1 view-box units; the path starts at the dot's left edge.
				if math.Abs(gx+dotR-wx) > 0.11 || math.Abs(gy-wy) > 0.11 {
					t.Errorf("%s %s walker %s: panel dot at (%v, %v), chart at (%v, %v)", tt.kind, n.Name, want[k][3], gx+dotR, gy, wx, wy)
				}
			}
			if !strings.Contains(s.BeyondText(n), " "+strconv.Itoa(beyond)+" of them are beyond") {
				t.Errorf("%s %s: %q does not count the %d beyond the edges", tt.kind, n.Name, s.BeyondText(n), beyond)
			}
		}
	}
}

func TestClipRect(t *testing.T) {
	for _, tt := range []struct {
		svg  string
		want [4]float64
		ok   bool
	}{
		{`<svg><defs><clipPath id="a"><rect x="92" y="44.8" width="608" height="300.5"/></clipPath></defs></svg>`, [4]float64{92, 44.8, 608, 300.5}, true},
		{`<svg></svg>`, [4]float64{}, false},
		{`<svg><clipPath id="a"><rect x="1" y="2" width="3"/></clipPath><rect height="9"/></svg>`, [4]float64{}, false},
		{`<svg><clipPath id="a"><rect x="1" y="2" width="w" height="4"/></clipPath></svg>`, [4]float64{}, false},
	} {
		got, err := clipRect(tt.svg)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("clipRect(%q) = %v, %v; want %v (ok %v)", tt.svg, got, err, tt.want, tt.ok)
		}
	}
}
