package paperview

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/tailscope/tailscope/sim/spec"
)

// LinkSweep turns a sweep's URL query form (sim/sweep's: kind, the kind's parameters, a
// parameter whose value holds commas is a grid axis, seeds=1,2) into its JSON form for the API,
// e.g. kind=mlp&dataset=blobs&width=8,16&seeds=1,2. It checks what it can here (the kind, the
// parameter names, the base values); the server validates the rest when it estimates the sweep.
// It is written here, with sim/spec alone, to keep the sweep package out of main.wasm.
func LinkSweep(q url.Values) (json.RawMessage, error) {
	kind := q.Get("kind")
	base, err := spec.New(kind, 0)
	if err != nil {
		return nil, err
	}
	k, _ := spec.Lookup(kind)
	grid := map[string][]json.RawMessage{}
	seeds := []json.RawMessage{json.RawMessage("1")}
	for key, vals := range q {
		text := vals[0]
		switch key {
		case "kind", "sweep", "preset":
			continue
		case "seeds":
			seeds = seeds[:0]
			for _, f := range strings.Split(text, ",") {
				seeds = append(seeds, json.RawMessage(jsonNumber(strings.TrimSpace(f))))
			}
			continue
		}
		p := k.Param(key)
		if p == nil {
			return nil, fmt.Errorf("%s: kind %s has no such parameter", key, kind)
		}
		if !strings.Contains(text, ",") {
			if err := base.SetText(key, text); err != nil {
				return nil, err
			}
			continue
		}
		for _, f := range strings.Split(text, ",") {
			f = strings.TrimSpace(f)
			var v []byte
			switch p.Type {
			case spec.Choice:
				v, _ = json.Marshal(f)
			case spec.Bool:
				v = []byte(map[bool]string{true: "true", false: "false"}[f == "1" || f == "true"])
			default:
				v = []byte(jsonNumber(f))
			}
			grid[key] = append(grid[key], v)
		}
	}
	return json.Marshal(struct {
		Base  spec.Spec                    `json:"base"`
		Grid  map[string][]json.RawMessage `json:"grid"`
		Seeds []json.RawMessage            `json:"seeds"`
	}{base, grid, seeds})
}

// jsonNumber passes a number through and quotes anything else, so that the server names the
// field that is not a number instead of the JSON being malformed.
func jsonNumber(s string) string {
	var n json.Number
	if json.Unmarshal([]byte(s), &n) == nil {
		return s
	}
	b, _ := json.Marshal(s)
	return string(b)
}
