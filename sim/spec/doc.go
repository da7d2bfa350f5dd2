// Package spec describes every Tailscope run: an experiment kind, its parameters and a seed.
//
// Each kind declares its parameters once, in a table of Param values (name, type, default,
// bounds, unit, label, help). Everything else is derived from that table: defaults, validation
// with errors that name the offending field, the JSON form used by the server's job API and the
// CLI, the URL-query form used by share links, and the sliders the browser draws. Adding a
// parameter is one line in its kind's table, and a share link can never carry a value that the
// server would refuse, because both go through the same Validate.
//
// The JSON form is
//
//	{"kind": "exit", "seed": 7, "params": {"alpha": 1.5, "loss": "ce"}}
//
// and the query form is kind=exit&seed=7&alpha=1.5&loss=ce.
package spec
