//go:build !js && !wasip1

package torchpeer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakePython writes a stand-in for python that runs body (a shell script) whatever its arguments.
func fakePython(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "python")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr string // "" for no error
	}{
		{"openblas", "echo True", ""},
		{"reference BLAS", "echo False", "does not run its products on OpenBLAS"},
		{"no torch", "echo 'ModuleNotFoundError: torch' >&2; exit 1", "cannot import torch"},
		{"no output", "exit 0", "does not run its products on OpenBLAS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(context.Background(), fakePython(t, tt.body))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Check: %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Check: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
	t.Run("missing python", func(t *testing.T) {
		if err := Check(context.Background(), filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "cannot import torch") {
			t.Fatalf("Check: %v, want a 'cannot import torch' error", err)
		}
	})
}

// TestEnsureWithoutInstall checks that Ensure, not allowed to install, passes a ready peer and
// names the install command for one that is not (it must not run apt-get).
func TestEnsureWithoutInstall(t *testing.T) {
	var log strings.Builder
	if err := Ensure(context.Background(), fakePython(t, "echo True"), false, &log); err != nil {
		t.Fatalf("Ensure on a ready peer: %v", err)
	}
	err := Ensure(context.Background(), fakePython(t, "echo False"), false, &log)
	if err == nil || !strings.Contains(err.Error(), InstallCommand()) {
		t.Fatalf("Ensure on the reference BLAS: %v, want an error naming %q", err, InstallCommand())
	}
	if log.Len() != 0 {
		t.Errorf("Ensure without install wrote %q", log.String())
	}
	if want := "apt-get install -y python3-torch libopenblas0-openmp"; InstallCommand() != want {
		t.Errorf("InstallCommand() = %q, want %q", InstallCommand(), want)
	}
}
