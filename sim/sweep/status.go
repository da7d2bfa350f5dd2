package sweep

import (
	"encoding/json"
	"time"
)

// RunStatus is where one run of a sweep stands.
type RunStatus struct {
	Index    int             `json:"index"`
	ID       string          `json:"id,omitempty"` // the run's id where a server runs it
	Label    string          `json:"label"`        // its grid values and seed, e.g. "width=64 depth=3 seed=2"
	State    string          `json:"state"`        // queued, running, done, failed, cancelled
	Progress float64         `json:"progress"`     // 0 … 1
	Message  string          `json:"message,omitempty"`
	Error    string          `json:"error,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"` // when done, where asked for
}

// Status is where a sweep stands: its runs, and how many are in each state.
type Status struct {
	ID       string         `json:"id"`
	Sweep    Sweep          `json:"sweep"`
	Created  time.Time      `json:"created"`
	Estimate []Cost         `json:"estimate"`
	Counts   map[string]int `json:"counts"` // runs per state
	Finished bool           `json:"finished"`
	Runs     []RunStatus    `json:"runs"`
}

// Tally fills Counts and Finished from Runs.
func (s *Status) Tally() {
	s.Counts = map[string]int{}
	s.Finished = true
	for _, r := range s.Runs {
		s.Counts[r.State]++
		if r.State != "done" && r.State != "failed" && r.State != "cancelled" {
			s.Finished = false
		}
	}
}
