// Package appstate is the state of the page that a share link carries: which view is shown and
// the experiment spec behind each view. It reads and writes the URL fragment, in the form
//
//	#landscape?kind=wells&seed=3&alpha=1.2&…
//
// that is, the view's name, then the spec of that view as a query (sim/spec's query form).
// Only the shown view's spec is written, so a link reopens exactly what its sender saw. The tour
// (view "tour", which shows the other views' widgets) carries its step instead: #tour?step=3.
// Fields a link leaves out come from the preset it names (preset=paper-mnist) or else the kind's
// page preset, the seed included, so that a short link such as #estimator?alpha=0.9 shows
// exactly a fresh page with α changed. A fragment that a person edited is not trusted: each
// malformed or out-of-range field keeps the preset's value and is reported in Ignored, so the
// page can say which fields it dropped.
//
// The package is plain Go (no DOM) so that it is tested natively; the wasm entry point and the
// Vugu views share one *State.
package appstate

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tailscope/tailscope/sim/spec"
)

// ViewKinds lists, for each view, the experiment kinds it can show; the first is its default.
var ViewKinds = map[string][]string{
	"estimator": {"stable"},
	"landscape": {"wells", "exit"},
	"network":   {"mlp"},
	"iterates":  {"iterates"},
	TourView:    nil, // shows the other views' widgets; its link carries the step
	PaperView:   nil, // no spec kind: its fragment is a plain query (Queries), e.g. sweep=<id>
}

// PaperView is the Paper view's name; its fragment is a sweep's query, read by the view.
const PaperView = "paper"

// TourView is the guided tour's view; its fragment is "#tour?step=N", N from 1.
const TourView = "tour"

// DefaultView is the view of an empty fragment.
const DefaultView = "estimator"

// MaxFragment is the longest fragment read; a longer one is ignored whole.
const MaxFragment = spec.MaxQuery + 64

// State is what the page shows.
type State struct {
	View    string               // one of the keys of ViewKinds
	Specs   map[string]spec.Spec // the spec of each view whose kinds are registered
	Ignored []*spec.FieldError   // fields of the last parsed fragment that were not trusted
	ShareID string               // set when the page was opened from a stored share (/s/{id})
	Result  json.RawMessage      // the stored share's result (GET /api/shares/{id}), for the view to compare
	Step    int                  // the tour's step, from 1 (0: none chosen, the first)
	Queries map[string]string    // the fragment's query of each view without a spec kind (the view parses it)

	// OnChange, if set, is called after SetSpec or SetView, e.g. to rewrite the URL.
	OnChange func(*State)

	actions  map[string]Actions    // what the shell's keys call on each view (SetActions)
	keys     map[string]KeyHandler // views that answer keys of their own (SetKeys)
	unlinked map[string]string     // what each view shows that its link cannot carry (SetUnlinked)
}

// SetUnlinked records what view shows that its link cannot carry, e.g. "your file data.npy"
// (a file stays in the browser); "" clears it. Copy link then says that the link leaves it out.
func (s *State) SetUnlinked(view, what string) {
	if s.unlinked == nil {
		s.unlinked = map[string]string{}
	}
	if what == "" {
		delete(s.unlinked, view)
		return
	}
	s.unlinked[view] = what
}

// Unlinked is what view shows that its link cannot carry ("" when the link carries it all).
func (s *State) Unlinked(view string) string { return s.unlinked[view] }

// Actions are what the page's keyboard asks of a view that plays a run (Space, → and R in
// present mode). A view registers itself with SetActions; the shell calls the shown view's.
type Actions interface {
	PlayPause() // start the run, or pause it when it plays
	Step()      // advance the run by one step of its Step button
	Reset()     // start the run over from its spec and seed
}

// SetActions records a's actions as view's (nil removes them).
func (s *State) SetActions(view string, a Actions) { register(&s.actions, view, a) }

// Actions returns the actions view registered, or nil.
func (s *State) Actions(view string) Actions { return s.actions[view] }

// KeyHandler is a view that answers keys of its own (the tour's ← and →). The page has one
// keyboard listener, the shell's: it offers the shown view's KeyHandler every key first, with
// the same rules (not while a person types in a field or works a control that uses the key).
type KeyHandler interface {
	Key(key string) bool // handle key (KeyboardEvent.key); report whether it did something
}

// SetKeys records h as view's key handler (nil removes it).
func (s *State) SetKeys(view string, h KeyHandler) { register(&s.keys, view, h) }

// Keys returns the key handler view registered, or nil.
func (s *State) Keys(view string) KeyHandler { return s.keys[view] }

// register records v as view's in *m, making the map on first use; nil removes view's entry.
// (Comparing v with nil does not panic whatever v's dynamic type: the types differ.)
func register[T comparable](m *map[string]T, view string, v T) {
	var none T
	if v == none {
		delete(*m, view)
		return
	}
	if *m == nil {
		*m = map[string]T{}
	}
	(*m)[view] = v
}

// New returns the state of an empty fragment: the default view, every view's spec at its
// kind's page preset (what a fresh page shows).
func New() *State {
	s := &State{View: DefaultView, Specs: map[string]spec.Spec{}, Queries: map[string]string{}}
	for view, kinds := range ViewKinds {
		for _, k := range kinds {
			if sp, err := spec.NewPreset(k, spec.PagePreset); err == nil {
				s.Specs[view] = sp
				break
			}
		}
	}
	return s
}

// Parse reads a fragment (with or without its leading '#'). It never fails: what it cannot
// trust it reports in the result's Ignored and replaces by the preset's values.
func Parse(fragment string) *State {
	s := New()
	fragment = strings.TrimPrefix(fragment, "#")
	if len(fragment) > MaxFragment {
		s.Ignored = append(s.Ignored, &spec.FieldError{Field: "link", Msg: "is too long; the whole link was ignored"})
		return s
	}
	view, query, hasQuery := strings.Cut(fragment, "?")
	if view != "" {
		if _, ok := ViewKinds[view]; ok {
			s.View = view
		} else {
			s.Ignored = append(s.Ignored, &spec.FieldError{Field: "view", Msg: "unknown view " + quote(view) + "; showing " + DefaultView})
		}
	}
	if !hasQuery || s.Ignored != nil {
		return s
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		s.Ignored = append(s.Ignored, &spec.FieldError{Field: "link", Msg: "is not a valid query: " + err.Error()})
		return s
	}
	if s.View == TourView {
		if text := q.Get("step"); text != "" {
			n, err := strconv.Atoi(text)
			if err != nil || n < 1 || n > MaxTourStep {
				s.Ignored = append(s.Ignored, &spec.FieldError{Field: "step", Msg: "must be an integer in [1, " + strconv.Itoa(MaxTourStep) + "], got " + quote(text)})
			} else {
				s.Step = n
			}
		}
		return s
	}
	kinds := ViewKinds[s.View]
	if len(kinds) == 0 {
		s.Queries[s.View] = q.Encode()
		return s
	}
	if k := q.Get("kind"); k != "" && !slices.Contains(kinds, k) {
		s.Ignored = append(s.Ignored, &spec.FieldError{Field: "kind", Msg: "kind " + quote(k) + " is not shown by the " + s.View + " view"})
		return s
	}
	def, ok := s.Specs[s.View]
	if !ok {
		return s
	}
	sp, ignored := spec.FromQuery(q, def.Kind, spec.PagePreset)
	s.Specs[s.View] = sp
	s.Ignored = append(s.Ignored, ignored...)
	return s
}

// Fragment returns the fragment that reopens s: "#view?spec-query".
func (s *State) Fragment() string {
	if s.View == TourView {
		return "#" + TourView + "?step=" + strconv.Itoa(max(1, s.Step))
	}
	sp, ok := s.Specs[s.View]
	if !ok {
		if q := s.Queries[s.View]; q != "" {
			return "#" + s.View + "?" + q
		}
		return "#" + s.View
	}
	return "#" + s.View + "?" + sp.Query().Encode()
}

// Spec returns the spec of view.
func (s *State) Spec(view string) (spec.Spec, bool) {
	sp, ok := s.Specs[view]
	return sp, ok
}

// SetSpec records the spec shown by view (a view calls it after every control change).
func (s *State) SetSpec(view string, sp spec.Spec) {
	s.Specs[view] = sp
	s.changed()
}

// SetQuery records the query of a view without a spec kind (rewriting the link like SetSpec).
func (s *State) SetQuery(view, query string) {
	if s.Queries == nil {
		s.Queries = map[string]string{}
	}
	s.Queries[view] = query
	s.changed()
}

// MaxTourStep bounds the step a link may name (the tour itself has fewer; it shows its last).
const MaxTourStep = 100

// SetStep shows the tour's step n (from 1).
func (s *State) SetStep(n int) {
	s.Step = min(max(n, 1), MaxTourStep)
	s.changed()
}

// SetView shows view; an unknown view is ignored.
func (s *State) SetView(view string) {
	if _, ok := ViewKinds[view]; !ok {
		return
	}
	s.View = view
	s.changed()
}

func (s *State) changed() {
	if s.OnChange != nil {
		s.OnChange(s)
	}
}

// IgnoredText describes Ignored in one sentence for the page, or "" when nothing was ignored.
func (s *State) IgnoredText() string {
	if len(s.Ignored) == 0 {
		return ""
	}
	parts := make([]string, len(s.Ignored))
	for i, e := range s.Ignored {
		parts[i] = e.Error()
	}
	return "Some fields of this link were not trusted and keep a fresh page's values: " + strings.Join(parts, "; ") + "."
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}
