package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/server/store/boltstore"
)

// TestDBCommand runs `tailscope db check|backup|compact` on a database, then on a damaged one.
func TestDBCommand(t *testing.T) {
	dir := t.TempDir()
	st, err := boltstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	id := store.NewID()
	if err := st.PutShare(context.Background(), store.Share{ID: id, Spec: json.RawMessage(`{"kind":"stable"}`)}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	damaged := t.TempDir()
	if err := os.WriteFile(filepath.Join(damaged, boltstore.FileName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	tests := []struct {
		name   string
		args   []string
		status int
		out    string // in stdout, or stderr when status ≠ 0
	}{
		{"no action", []string{"db"}, 2, "usage: tailscope db check"},
		{"unknown action", []string{"db", "repair", "-data", dir}, 2, `unknown action "repair"`},
		{"check", []string{"db", "check", "-data", dir}, 0, "ok: "},
		{"backup", []string{"db", "backup", "-data", dir, backup}, 0, "bytes written to " + backup},
		{"backup over a file", []string{"db", "backup", "-data", dir, backup}, 1, "file exists"},
		{"backup without a file", []string{"db", "backup", "-data", dir}, 2, "usage"},
		{"compact", []string{"db", "compact", "-data", dir}, 0, "compacted from"},
		{"check after compact", []string{"db", "check", "-data", dir}, 0, "ok: "},
		{"check damaged", []string{"db", "check", "-data", damaged}, 1, "is damaged (the file is empty"},
		{"check missing", []string{"db", "check", "-data", filepath.Join(dir, "nothing")}, 2, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status, handled := dispatch(context.Background(), tt.args, nil, &stdout, &stderr)
			out := stdout.String()
			if tt.status != 0 {
				out = stderr.String()
			}
			if !handled || status != tt.status || !strings.Contains(out, tt.out) {
				t.Errorf("tailscope %s: handled %v, status %d, stdout %q, stderr %q; want status %d saying %q", strings.Join(tt.args, " "), handled, status, stdout.String(), stderr.String(), tt.status, tt.out)
			}
		})
	}
	st, err = boltstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if ok, err := st.ShareExists(context.Background(), id); !ok || err != nil {
		t.Errorf("after compact, the share is gone: %v, %v", ok, err)
	}
}
