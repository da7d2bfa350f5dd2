package csp

import (
	"crypto/sha256"
	"encoding/base64"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestVuguHelperHash recomputes the hash of Vugu's renderer helper from the module's
// source, at the version go.mod requires.
func TestVuguHelperHash(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/vugu/vugu").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/vugu/vugu: %v", err)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), "domrender", "renderer-js-script.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var script string
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Names) == 1 && vs.Names[0].Name == "jsHelperScript" {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
				script, _ = strconv.Unquote(lit.Value)
			}
		}
		return true
	})
	if script == "" {
		t.Fatalf("no jsHelperScript constant in %s: Vugu changed how its renderer installs its helper; update csp-eval.js and the policy", path)
	}
	sum := sha256.Sum256([]byte(script))
	if got := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); got != VuguHelperHash {
		t.Errorf("Vugu's helper hashes to %s, VuguHelperHash is %s: update it (the app does not render without it)", got, VuguHelperHash)
	}
}

// TestPolicy checks the policy's directives for an index.html with one inline script.
func TestPolicy(t *testing.T) {
	index := []byte("<html><script src=\"/a.js\"></script><script>go.run()</script></html>")
	sum := sha256.Sum256([]byte("go.run()"))
	p := Policy(index)
	for _, want := range []string{"default-src 'self'", "script-src 'self' 'wasm-unsafe-eval' '" + VuguHelperHash + "' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "';",
		"worker-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(p, want) {
			t.Errorf("Policy = %q; lacks %q", p, want)
		}
	}
	for _, bad := range []string{"'unsafe-eval'", "script-src 'self' 'unsafe-inline'", "*"} {
		if strings.Contains(p, bad) {
			t.Errorf("Policy = %q; has %q", p, bad)
		}
	}
}
