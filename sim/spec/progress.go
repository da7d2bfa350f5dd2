package spec

// Progress is what a long run reports while it works: how far it got and, where the kind has
// them, partial results (for example the evaluations of a training run so far). Runners call a
// Reporter at most a few times a second; a nil Reporter is allowed and ignored by callers.
type Progress struct {
	Fraction float64 `json:"fraction"`          // 0 … 1
	Message  string  `json:"message,omitempty"` // e.g. "iteration 200 of 1000"
	Partial  any     `json:"partial,omitempty"` // kind-specific, JSON-encodable
}

// Reporter receives progress reports.
type Reporter func(Progress)

// Report calls r if it is not nil.
func (r Reporter) Report(p Progress) {
	if r != nil {
		r(p)
	}
}
