// Package spec describes every Tailscope run: an experiment kind, its parameters and a seed.
//
// Each kind declares its parameters once, in a table of Param values (name, type, default,
// bounds, unit, label, help). Everything else is derived from that table: defaults, validation
// with errors that name the offending field, the JSON form used by the server's job API and the
// CLI, the URL-query form used by share links, and the sliders the browser draws. Adding a
// parameter is one line in its kind's table and one tagged field in its typed struct (checked
// against each other at start-up), and a share link can never carry a value that the server
// would refuse, because both go through the same Validate.
//
// The JSON form is
//
//	{"kind": "exit", "seed": 7, "params": {"alpha": 1.5, "loss": "ce"}}
//
// and the query form is kind=exit&seed=7&alpha=1.5&loss=ce.
//
// Each kind also declares named presets beside its table (Preset): the table's defaults with a
// few values changed and a seed, such as "page", what a fresh page of the kind's view shows, or
// "paper-mnist". A spec may name one ("preset": "paper-mnist" in JSON, preset=paper-mnist in a
// query); the fields it leaves out, the seed included, then come from the preset. A spec that
// names none starts from the table's defaults and seed 0, except a link opened in the browser,
// which implies "page", so that a short link shows a fresh page with only its fields changed.
//
// Code reads a spec's values through its kind's typed struct (Spec.Exit, Spec.Wells, Spec.MLP,
// Spec.Stable), never by name, and writes them back with the struct's Spec method.
package spec
