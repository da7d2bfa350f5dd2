package landscapeview

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tailscope/tailscope/sim/spec"
)

// Export is a file the page offers for download.
type Export struct {
	Name string // file name, e.g. "landscape-levy.svg"
	MIME string
	Text string
}

// Exports lists the files Export writes, by key: the bar chart as SVG and its data as CSV,
// every walker's position as CSV, and the whole run as JSON. (The landscape and histogram
// charts have their own SVG/CSV/JSON buttons, from ui/chart.)
func (s *Sim) Exports() []string {
	return []string{"where.svg", "where.csv", "walkers.csv", "run.json"}
}

// ExportID is the HTML id of the button that downloads the export key.
func ExportID(key string) string { return "ls-export-" + strings.ReplaceAll(key, ".", "-") }

// Export writes the file of key (one of Exports), named "tailscope-landscape-" + key.
func (s *Sim) Export(key string) (Export, error) {
	name := "tailscope-landscape-" + key
	switch key {
	case "where.svg":
		return Export{name, "image/svg+xml", s.BarsSVG()}, nil
	case "where.csv":
		return Export{name, "text/csv", s.whereCSV()}, nil
	case "walkers.csv":
		return Export{name, "text/csv", s.walkersCSV()}, nil
	case "run.json":
		b, err := json.MarshalIndent(s.Snapshot(), "", " ")
		if err != nil {
			return Export{}, fmt.Errorf("landscapeview: encoding the snapshot: %w", err)
		}
		return Export{name, "application/json", string(b)}, nil
	}
	return Export{}, fmt.Errorf("landscapeview: no export called %q (have %s)", key, strings.Join(s.Exports(), ", "))
}

func writeCSV(rows [][]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll(rows) // a strings.Builder does not fail
	return b.String()
}

func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func (s *Sim) basinName(b int) string {
	if b >= 0 && b < len(s.Basins) {
		return s.Basins[b]
	}
	if s.Kind == "exit" {
		return "left the basin"
	}
	return "outside"
}

func (s *Sim) walkersCSV() string {
	head := []string{"noise", "walker", "w"}
	if s.Dim == 2 {
		head = append(head, "y")
	}
	rows := [][]string{append(head, "basin")}
	for _, n := range s.Noises {
		pos := n.Ens.Positions()
		for i := range s.Walkers {
			r := []string{n.Name, strconv.Itoa(i)}
			for j := range s.Dim {
				r = append(r, num(pos[i*s.Dim+j]))
			}
			rows = append(rows, append(r, s.basinName(n.Ens.Basin(i))))
		}
	}
	return writeCSV(rows)
}

func (s *Sim) whereCSV() string {
	rows := [][]string{{"noise", "basin", "walkers", "share", "long_run_theory"}}
	for _, n := range s.Noises {
		for b, c := range s.Occupancy(n) {
			th := ""
			if n.LongRun != nil && b < len(n.LongRun) {
				th = num(n.LongRun[b])
			}
			rows = append(rows, []string{n.Name, s.basinName(min(b, len(s.Basins))), strconv.Itoa(c), num(float64(c) / float64(s.Walkers)), th})
		}
	}
	return writeCSV(rows)
}

// NoiseSnapshot is one noise's numbers at a moment of the run.
type NoiseSnapshot struct {
	Noise      string      `json:"noise"`
	Alpha      float64     `json:"alpha"`
	Occupancy  []int       `json:"occupancy"` // walkers per basin now; last: outside / left
	Exited     int         `json:"exited"`
	MeanExit   *float64    `json:"meanExit"` // over the walkers that left; null if none
	TheoryMean *float64    `json:"theoryMean"`
	TheoryNote string      `json:"theoryNote,omitempty"`
	Theory     []Component `json:"theory,omitempty"`
	LongRun    []float64   `json:"longRun,omitempty"`
	Hist       Hist        `json:"hist"`
	Positions  []float64   `json:"positions"` // walker-major, Dim numbers each
}

// Snapshot is the whole state of a run at a moment: what run.json holds.
type Snapshot struct {
	Spec    spec.Spec       `json:"spec"`
	Step    int64           `json:"step"`
	Time    float64         `json:"time"`
	Steps   int64           `json:"steps"`
	Walkers int             `json:"walkers"`
	Dim     int             `json:"dim"`
	Basins  []string        `json:"basins"`
	Noises  []NoiseSnapshot `json:"noises"`
}

func ptr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// Snapshot returns the run's numbers now.
func (s *Sim) Snapshot() Snapshot {
	out := Snapshot{Spec: s.Spec, Step: s.Step(), Time: s.Time(), Steps: s.Steps, Walkers: s.Walkers, Dim: s.Dim, Basins: s.Basins}
	for _, n := range s.Noises {
		_, st := s.Exits(n)
		out.Noises = append(out.Noises, NoiseSnapshot{
			Noise: n.Name, Alpha: n.Alpha, Occupancy: s.Occupancy(n), Exited: st.Exited,
			MeanExit: ptr(st.Mean), TheoryMean: ptr(n.TheoryMean()), TheoryNote: n.TheoryNote, Theory: n.Theory,
			LongRun: n.LongRun, Hist: s.ExitHist(n), Positions: append([]float64(nil), n.Ens.Positions()...),
		})
	}
	return out
}

// Summary is a one-line account of the numbers a person compares between two runs of the
// same link: the step reached and, per noise, the walkers in each basin and the mean exit time.
func (s *Sim) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "step %d", s.Step())
	for _, n := range s.Noises {
		_, st := s.Exits(n)
		fmt.Fprintf(&b, "; %s: in basins %v, %d exits, mean exit %s", n.Name, s.Occupancy(n), st.Exited, num(st.Mean))
	}
	return b.String()
}
