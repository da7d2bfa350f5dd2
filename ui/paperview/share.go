package paperview

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Shared is the result stored with the share of a finished sweep: POST /api/shares takes the
// sweep's base spec as the share's spec (a valid spec of one run) and this as its result, so a
// shared sweep lives in the same store, under the same size limits, as every share. A page
// opened from the share (/s/{id}) draws the figures from Table without asking for the sweep
// or recomputing anything.
type Shared struct {
	SweepID string          `json:"sweep_id"`
	Sweep   json.RawMessage `json:"sweep"`  // the sweep's JSON form (base, grid, seeds)
	Counts  map[string]int  `json:"counts"` // its runs per state when it was shared
	Table   *Table          `json:"paper_table"`
}

// ParseShared reads a share's result as a shared sweep; false when it is not one (a share
// of a single run, or a table whose rows do not have a value for each parameter: anyone may
// store a share, so its table is checked before it is drawn).
func ParseShared(result []byte) (*Shared, bool) {
	var sh Shared
	if json.Unmarshal(result, &sh) != nil || sh.Table == nil || len(sh.Table.Params) == 0 {
		return nil, false
	}
	for _, r := range sh.Table.Rows {
		if len(r.Values) != len(sh.Table.Params) {
			return nil, false
		}
	}
	return &sh, true
}

// shareBody is the body of POST /api/shares for sweep id: its base spec and the Shared result.
func shareBody(id string, st *Status, tab *Table) (json.RawMessage, error) {
	if st == nil || tab == nil || !st.Finished {
		return nil, errors.New("only a finished sweep can be shared")
	}
	var sw struct {
		Base json.RawMessage `json:"base"`
	}
	if err := json.Unmarshal(st.Sweep, &sw); err != nil || len(sw.Base) == 0 {
		return nil, fmt.Errorf("the server's answer holds no sweep to share (%v)", err)
	}
	return json.Marshal(struct {
		Spec   json.RawMessage `json:"spec"`
		Result Shared          `json:"result"`
	}{sw.Base, Shared{SweepID: id, Sweep: st.Sweep, Counts: st.Counts, Table: tab}})
}

// Text says what a page opened from the share shows.
func (sh *Shared) Text(shareID string) string {
	done, all := sh.Table.Points()
	return fmt.Sprintf("Shared sweep %s (share %s): %d runs done, %d of %d grid points drawn from the stored results — nothing is recomputed.",
		sh.SweepID, shareID, sh.Counts["done"], done, all)
}
