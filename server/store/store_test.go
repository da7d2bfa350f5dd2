package store_test

import (
	"strings"
	"testing"

	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/server/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return new(store.Memory) })
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := store.NewID()
		if len(id) != 16 || !store.ValidID(id) {
			t.Fatalf("NewID() = %q: want 16 characters that ValidID accepts", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q within 1000 calls", id)
		}
		seen[id] = true
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"AAAAAAAAAAAAAAAA", true},
		{"abc-_09XYZabc-_0", true},
		{"", false},
		{"AAAAAAAAAAAAAAA", false},   // 15
		{"AAAAAAAAAAAAAAAAA", false}, // 17
		{"../../etc/passwd", false},  // 16 characters, with dots and slashes
		{"AAAAAAAAAAAAAAA.", false},
		{"AAAAAAAAAAAAAAA/", false},
		{"AAAAAAAAAAAAAA%2", false},
		{"AAAAAAAAAAAAAAé", false}, // 16 bytes, not ASCII
		{strings.Repeat("A", 1000), false},
	}
	for _, tt := range tests {
		if got := store.ValidID(tt.id); got != tt.want {
			t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}
