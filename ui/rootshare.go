package ui

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/paperview"
)

// MaxShareBytes caps the body of GET /api/shares/{id} that the page reads.
const MaxShareBytes = 8 << 20

// ShareID returns the id of a share path "/s/{id}" (false for any other path). Ids are short
// tokens of letters, digits, '-' and '_'; anything else is not a share path.
func ShareID(path string) (string, bool) {
	id, ok := strings.CutPrefix(path, "/s/")
	if !ok || id == "" || len(id) > 64 {
		return "", false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return "", false
		}
	}
	return id, true
}

// share is the part of GET /api/shares/{id}'s answer the page uses.
type share struct {
	Spec   json.RawMessage `json:"spec"`
	Result json.RawMessage `json:"result"`
}

// ApplyShare puts the share id's stored spec and result into st: the view of the spec's kind is
// shown with that spec, or the Paper view when the result is a shared sweep's figures. A body that cannot be used (an error from the fetch, bad JSON, an invalid
// spec, a kind no view shows) leaves st's state as it was and is reported in st.Ignored.
func ApplyShare(st *appstate.State, id string, body []byte, fetchErr error) {
	fail := func(format string, args ...any) {
		st.Ignored = append(st.Ignored, &spec.FieldError{Field: "share", Msg: fmt.Sprintf("%s could not be opened: ", id) + fmt.Sprintf(format, args...)})
	}
	if fetchErr != nil {
		fail("%v", fetchErr)
		return
	}
	var sh share
	if err := json.Unmarshal(body, &sh); err != nil {
		fail("the server's answer is not a share (%v)", err)
		return
	}
	sp, err := spec.Parse(sh.Spec)
	if err != nil {
		fail("its spec is invalid (%v)", err)
		return
	}
	if _, ok := paperview.ParseShared(sh.Result); ok { // a finished sweep's figures: the Paper view draws them
		st.View, st.ShareID, st.Result = appstate.PaperView, id, sh.Result
		return
	}
	for view, kinds := range appstate.ViewKinds {
		if slices.Contains(kinds, sp.Kind) {
			st.View = view
			st.Specs[view] = sp
			st.ShareID = id
			if len(sh.Result) > 0 && string(sh.Result) != "null" {
				st.Result = sh.Result
			}
			return
		}
	}
	fail("no view shows experiments of kind %q", sp.Kind)
}
