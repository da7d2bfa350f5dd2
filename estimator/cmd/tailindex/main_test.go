package tailindex

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/estimator/dump"
	"gonum.org/v1/gonum/stat/distuv"
)

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunJSON(t *testing.T) {
	dir := t.TempDir()
	x := estimator.Sample(1.5, 1, 20000, 1)
	var npy bytes.Buffer
	dump.WriteNPY(&npy, x, []int{200, 100})
	good := writeFile(t, dir, "g.npy", npy.Bytes())
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	for _, v := range x[:5000] {
		zw.Write([]byte(strconv.FormatFloat(v, 'g', -1, 64) + "\n"))
	}
	zw.Close()
	gzText := writeFile(t, dir, "t.csv.gz", zb.Bytes())
	bad := writeFile(t, dir, "bad.csv", []byte("alpha\n1\n"))
	nan := writeFile(t, dir, "nan.txt", []byte("1 2 NaN 3 4 NaN"))
	missing := filepath.Join(dir, "missing.npy")

	var out, errb bytes.Buffer
	stdin := strings.NewReader("1 2 3 4 5 6 7 8 9 10 -1 -2 -3 -4 -5 -6 -7 -8 -9 -10")
	code := run([]string{"-json", good, bad, gzText, missing, nan, "-"}, stdin, &out, &errb)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d JSON lines, want 6:\n%s", len(lines), out.String())
	}
	var r result
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil {
		t.Fatal(err)
	}
	if r.File != good || r.N != 20000 || len(r.Estimates) != 5 || r.Estimates[0].Method != "mohammadi" ||
		math.Abs(r.Estimates[0].Alpha-1.5) > 0.15 {
		t.Errorf("good file: %+v", r)
	}
	// The exact field names of the contract.
	for _, k := range []string{`"file":`, `"n":`, `"zeros":`, `"estimates":[{"method":"mohammadi","alpha":`, `"lo":`, `"hi":`, `"warnings":`,
		`"tail_check":{"alpha":`, `"verdict":"stable"`} {
		if !strings.Contains(lines[0], k) {
			t.Errorf("JSON line lacks %s: %s", k, lines[0])
		}
	}
	stderr := errb.String()
	for _, want := range []string{
		bad + `: line 1: "alpha" is not a number`,
		missing + ": no such file", // node (js/wasm) says "No such file"
		nan + ": 2 non-finite values (NaN or ±Inf), first at index 2",
	} {
		if !strings.Contains(strings.ToLower(stderr), strings.ToLower(want)) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if n := strings.Count(stderr, "\n"); n != 3 {
		t.Errorf("%d error lines, want 3:\n%s", n, stderr)
	}
	if err := json.Unmarshal([]byte(lines[2]), &r); err != nil || r.N != 5000 {
		t.Errorf("gzip text line: %v %+v", err, r)
	}
	if err := json.Unmarshal([]byte(lines[5]), &r); err != nil || r.File != "-" || r.N != 20 {
		t.Errorf("stdin line: %v %+v", err, r)
	}
}

func TestRunTableAndFlags(t *testing.T) {
	dir := t.TempDir()
	x := estimator.Sample(1.2, 1, 30000, 2)
	var npy bytes.Buffer
	dump.WriteNPY(&npy, x, []int{10000, 3})
	p := writeFile(t, dir, "v.npy", npy.Bytes())
	var out, errb bytes.Buffer
	if code := run([]string{"-method", "mohammadi,mcculloch", "-vector", "-k1", "100", p}, nil, &out, &errb); code != 0 {
		t.Fatalf("status %d, stderr %s", code, errb.String())
	}
	s := out.String()
	if !strings.Contains(s, "mohammadi") || !strings.Contains(s, "mcculloch") || strings.Contains(s, "hill") || !strings.Contains(s, "n=30000") {
		t.Errorf("table:\n%s", s)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-method", "pickands", p}, `unknown method "pickands"`},
		{[]string{"-k1", "1", p}, "-k1 1"},
		{[]string{}, "usage"},
	} {
		errb.Reset()
		if code := run(c.args, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: status %d stderr %q, want 2 and %q", c.args, code, errb.String(), c.want)
		}
	}
	// -h lists every method of the table with its help, and -method takes any case.
	errb.Reset()
	run([]string{"-h"}, nil, &out, &errb)
	for _, m := range estimator.Methods {
		if !strings.Contains(errb.String(), m.Name) || !strings.Contains(errb.String(), m.Help) {
			t.Errorf("-h does not list %s with its help:\n%s", m.Name, errb.String())
		}
	}
	out.Reset()
	if code := run([]string{"-method", " Hill,KOUTROUVELIS", p}, nil, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "hill") || !strings.Contains(out.String(), "koutrouvelis") || strings.Contains(out.String(), "mcculloch") {
		t.Errorf("-method ' Hill,KOUTROUVELIS': status %d, table:\n%s", code, out.String())
	}
	one := writeFile(t, dir, "one.txt", []byte("1 2 3 4"))
	errb.Reset()
	if code := run([]string{"-vector", one}, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), "-vector needs an array of 2 or more axes") {
		t.Errorf("-vector on 1-D: %d %q", code, errb.String())
	}
}

// TestRunBadFiles: truncated, oversized and wrong-dtype files each give one
// error line naming the file, and the good file between them is analysed.
func TestRunBadFiles(t *testing.T) {
	dir := t.TempDir()
	var npy bytes.Buffer
	dump.WriteNPY(&npy, estimator.Sample(1.5, 1, 5000, 3), nil)
	b := npy.Bytes()
	trunc := writeFile(t, dir, "trunc.npy", b[:len(b)-100])
	good := writeFile(t, dir, "good.npy", b)
	big := writeFile(t, dir, "big.txt", []byte(strings.Repeat("1.5 -2.5\n", 3000)))
	var out, errb bytes.Buffer
	code := run([]string{"-max-values", "5000", "-method", "mohammadi", trunc, good, big}, nil, &out, &errb)
	if code != 1 {
		t.Errorf("status %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if len(lines) != 2 ||
		!strings.Contains(lines[0], trunc+": npy: truncated data: shape [5000] needs 40000 bytes") ||
		!strings.Contains(lines[1], big+": more than 5000 values") {
		t.Errorf("stderr:\n%s", errb.String())
	}
	if !strings.Contains(out.String(), good+": n=5000") {
		t.Errorf("good file not analysed:\n%s", out.String())
	}
}

// TestNoEstimateFails: when every requested method refuses the data, the file's warnings
// are printed and the exit status is 1, not 0 with an empty table.
func TestNoEstimateFails(t *testing.T) {
	dir := t.TempDir()
	var npy bytes.Buffer
	dump.WriteNPY(&npy, estimator.Sample(1.5, 1, 2000, 3), []int{2000})
	f := writeFile(t, dir, "s.npy", npy.Bytes())
	tests := []struct {
		args       []string
		wantStatus int
	}{
		{[]string{"-method", "mohammadi", "-k1", "5000", f}, 1},
		{[]string{"-json", "-method", "hill", "-hill-k", "1000000", f}, 1},
		{[]string{"-method", "mohammadi,hill", "-hill-k", "1000000", f}, 0}, // mohammadi still runs
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(tt.args, nil, &out, &errb)
		if code != tt.wantStatus {
			t.Errorf("tailindex %q: exit status %d, want %d\nstdout: %s\nstderr: %s", tt.args, code, tt.wantStatus, out.String(), errb.String())
		}
		if tt.wantStatus == 1 && !strings.Contains(errb.String(), "no estimate") {
			t.Errorf("tailindex %q: stderr %q, want a line saying no estimate was made", tt.args, errb.String())
		}
		if slices.Contains(tt.args, "-json") && !strings.Contains(out.String(), `"estimates":[]`) {
			t.Errorf("tailindex %q: JSON %s, want \"estimates\":[] (a list, not null)", tt.args, out.String())
		}
		if !strings.Contains(out.String(), "want") { // the method's warning explains the refusal
			t.Errorf("tailindex %q: stdout %q lacks the method's warning", tt.args, out.String())
		}
	}
}

// TestRunTailCheck: on Student-t(3) values the table warns that the tails are lighter than the
// α-stable fit's; on SαS values it prints the check's sentence; -no-tail-check leaves it out.
func TestRunTailCheck(t *testing.T) {
	dir := t.TempDir()
	st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 3, Src: rand.NewPCG(5, 6)}
	var b strings.Builder
	for range 20000 {
		b.WriteString(strconv.FormatFloat(st.Rand(), 'g', -1, 64) + "\n")
	}
	tFile := writeFile(t, dir, "t3.txt", []byte(b.String()))
	var npy bytes.Buffer
	dump.WriteNPY(&npy, estimator.Sample(1.5, 1, 20000, 9), []int{20000})
	sFile := writeFile(t, dir, "s.npy", npy.Bytes())
	for _, c := range []struct {
		name    string
		args    []string
		want    string
		wantNot string
	}{
		{"Student-t", []string{tFile}, "warning: The tails are lighter", "tail check:"},
		{"SαS", []string{sFile}, "tail check: The tails agree", "warning"},
		{"no check", []string{"-no-tail-check", tFile}, "", "tails"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(c.args, nil, &out, &errb); code != 0 {
				t.Fatalf("status %d: %s", code, errb.String())
			}
			if !strings.Contains(out.String(), c.want) || strings.Contains(out.String(), c.wantNot) {
				t.Errorf("want %q and no %q in:\n%s", c.want, c.wantNot, out.String())
			}
		})
	}
}
