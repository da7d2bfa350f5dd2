package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/store"
)

// TestEmbeddedNATSWantsItsToken: the embedded NATS server refuses a client without the token
// of its data directory, and a worker that has it runs runs.
func TestEmbeddedNATSWantsItsToken(t *testing.T) {
	f := newFixture(t, Setup{})
	e := f.engine(t)
	url := f.emb.URL
	refused := []struct {
		name  string
		creds Credentials
		url   string
	}{
		{"no credentials", Credentials{}, url},
		{"a wrong token", Credentials{Token: strings.Repeat("x", 43)}, url},
		{"a wrong token in the URL", Credentials{}, strings.Replace(url, "nats://", "nats://"+strings.Repeat("y", 43)+"@", 1)},
	}
	for _, tt := range refused {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			nc, err := Dial(tt.url, "intruder", tt.creds)
			if err == nil {
				nc.Close()
				t.Fatal("connected")
			}
			if !strings.Contains(err.Error(), "refused this client's credentials") || !strings.Contains(err.Error(), TokenEnv) {
				t.Fatalf("the error does not say what is missing: %v", err)
			}
			if strings.Contains(err.Error(), "yyyy") {
				t.Fatalf("the error shows the token of the URL: %v", err)
			}
		})
	}
	for _, tt := range []struct {
		name  string
		creds Credentials
		url   string
	}{
		{"the token", Credentials{Token: f.emb.Token}, url},
		{"the token in the URL", Credentials{}, strings.Replace(url, "nats://", "nats://"+f.emb.Token+"@", 1)},
	} {
		t.Run("a worker with "+tt.name+" runs", func(t *testing.T) {
			nc, err := Dial(tt.url, "worker", tt.creds)
			if err != nil {
				t.Fatal(err)
			}
			b := &timedBackend{}
			w := &Worker{Conn: nc, Backend: b, Name: "remote", Logf: t.Logf}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); w.Run(ctx) }()
			defer func() { cancel(); <-done; nc.Close() }()
			r, err := e.Submit(context.Background(), timed(t, 100, 7))
			if err != nil {
				t.Fatal(err)
			}
			got := waitFinal(t, e, r.ID, 20*time.Second)
			if got.State != store.Done || b.calls.Load() != 1 {
				t.Fatalf("%s %q after %d calls", got.State, got.Error, b.calls.Load())
			}
		})
	}
}

// TestTokenFile: the token is made once, private to its owner, and the same after a restart.
func TestTokenFile(t *testing.T) {
	dir := t.TempDir()
	tok1, path, err := LoadToken(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, TokenFile) || info.Mode().Perm() != 0o600 || len(tok1) != 43 {
		t.Fatalf("token %q (%d characters) in %s, mode %v: want 43 characters in %s, mode 0600", tok1, len(tok1), path, info.Mode().Perm(), TokenFile)
	}
	emb, err := StartEmbedded(dir, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	emb.Close()
	if emb.Token != tok1 {
		t.Fatalf("the server took %q, not the token of its directory %q", emb.Token, tok1)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	tok2, _, err := LoadToken(dir)
	if info, _ := os.Stat(path); err != nil || tok2 != tok1 || info.Mode().Perm() != 0o600 {
		t.Fatalf("after a chmod 644: %q, %v, mode %v; want the same token, made private again", tok2, err, info.Mode().Perm())
	}
	if err := os.WriteFile(path, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadToken(dir); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("a broken token file: %v, want an error saying to delete it", err)
	}
}

func TestRedactURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"nats://127.0.0.1:4222", "nats://127.0.0.1:4222"},
		{"nats://s3cret@127.0.0.1:4222", "nats://REDACTED@127.0.0.1:4222"},
		{"nats://u:p@a:1,nats://b:2", "nats://REDACTED@a:1,nats://b:2"},
	} {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
