package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestDispatch runs each kind of command line through the subcommand table and checks
// what it prints and its exit status.
func TestDispatch(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		handled bool
		status  int
		stdout  []string // substrings of stdout
		stderr  []string // substrings of stderr
	}{
		{name: "no arguments serve", args: nil},
		{name: "flags serve", args: []string{"-addr", "127.0.0.1:0"}},
		{name: "serve serves", args: []string{"serve", "-addr", "127.0.0.1:0"}},
		{name: "help lists every command", args: []string{"help"}, handled: true,
			stdout: []string{"usage: tailscope", "\n  serve ", "\n  run ", "\n  kinds ", "\n  mlp ", "\n  tailindex ", "\n  accuracy ", "\n  exitcompare ", "\n  data ", "\n  help "}},
		{name: "unknown command", args: []string{"nope"}, handled: true, status: 2,
			stderr: []string{`unknown command "nope"`, "usage: tailscope"}},
		{name: "kinds", args: []string{"kinds"}, handled: true,
			stdout: []string{"exit — ", "wells — ", "stable — ", "mlp — ", "  alpha "}},
		{name: "kinds takes no arguments", args: []string{"kinds", "x"}, handled: true, status: 2,
			stderr: []string{"takes no arguments"}},
		{name: "run -kinds", args: []string{"run", "-kinds"}, handled: true, stdout: []string{"stable — "}},
		{name: "run without a spec", args: []string{"run"}, handled: true, status: 2, stderr: []string{"usage: tailscope run"}},
		{name: "run with a bad spec", args: []string{"run", "kind=nope"}, handled: true, status: 2, stderr: []string{"invalid spec"}},
		{name: "mlp refuses another kind", args: []string{"mlp", "-q", "kind=stable"}, handled: true, status: 2,
			stderr: []string{`kind "stable"`}},
		{name: "tailindex without files", args: []string{"tailindex"}, handled: true, status: 2,
			stderr: []string{"usage: tailscope tailindex"}},
		{name: "accuracy rejects a bad size", args: []string{"accuracy", "-n", "5"}, handled: true, status: 2,
			stderr: []string{"not a sample size"}},
		{name: "data get names the sets", args: []string{"data", "get", "-data", "/nonexistent", "imagenet"}, handled: true, status: 2,
			stderr: []string{`no dataset "imagenet" to download (known: cifar10, cifar100)`}},
		{name: "exitcompare rejects arguments", args: []string{"exitcompare", "x"}, handled: true, status: 2,
			stderr: []string{"flags only"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			status, handled := dispatch(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
			if handled != tt.handled || status != tt.status {
				t.Fatalf("status %d handled %v, want %d %v\nstdout:\n%s\nstderr:\n%s", status, handled, tt.status, tt.handled, out.String(), errb.String())
			}
			for _, want := range tt.stdout {
				if !strings.Contains(out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out.String())
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(errb.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, errb.String())
				}
			}
		})
	}
}

// TestRunCommand runs a small spec through `tailscope run` and reads back its JSON: the
// same spec and seed give the same result.
func TestRunCommand(t *testing.T) {
	args := []string{"run", "-q", "kind=stable&n=2000&alpha=1.2&seed=4"}
	var first string
	for i := range 2 {
		var out, errb bytes.Buffer
		if status, _ := dispatch(context.Background(), args, nil, &out, &errb); status != 0 {
			t.Fatalf("status %d: %s", status, errb.String())
		}
		var got struct {
			Spec struct {
				Kind string `json:"kind"`
				Seed uint64 `json:"seed"`
			} `json:"spec"`
			Result json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out.String())
		}
		if got.Spec.Kind != "stable" || got.Spec.Seed != 4 || len(got.Result) < 10 {
			t.Fatalf("spec %+v, result %.80s", got.Spec, got.Result)
		}
		if i == 0 {
			first = out.String()
		} else if out.String() != first {
			t.Errorf("same spec, different output")
		}
	}
}

// TestMLPCommand trains a tiny network through `tailscope mlp` and reads its table: a header
// and one row per evaluation (iterations 0, 2 and 4).
func TestMLPCommand(t *testing.T) {
	var out, errb bytes.Buffer
	args := []string{"mlp", "-q", "dataset=blobs&n=200&testN=100&width=8&iters=4&evalEvery=2"}
	if status, _ := dispatch(context.Background(), args, nil, &out, &errb); status != 0 {
		t.Fatalf("status %d: %s", status, errb.String())
	}
	text := out.String()
	if !strings.Contains(text, `"kind":"mlp"`) || !strings.Contains(text, "| iter | train loss |") {
		t.Fatalf("no spec line or table header:\n%s", text)
	}
	if !strings.Contains(text, "| coord α̂ median | non-Gaussian coords | α̂ standardised |") {
		t.Errorf("no per-coordinate columns in the header:\n%s", text)
	}
	for _, iter := range []string{"\n| 0 |", "\n| 2 |", "\n| 4 |"} {
		if !strings.Contains(text, iter) {
			t.Errorf("no row %q in:\n%s", strings.TrimSpace(iter), text)
		}
	}
}
