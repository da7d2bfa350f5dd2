// Package store keeps what the server must not lose: shares, runs and their results.
//
// Store is the interface the HTTP handlers and the job manager use. It has no
// operating-system dependencies, so that the same handlers build for a Cloudflare
// Worker (GOOS=js GOARCH=wasm) backed by Workers KV. Memory is an in-memory
// implementation for tests and for deployments that do not need persistence; the
// embedded, durable implementation lives in the boltstore sub-package.
package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is returned (possibly wrapped) when no record has the id asked for.
var ErrNotFound = errors.New("not found")

// State is the state of a run.
type State string

// The states of a run. A run moves queued → running → done|failed|cancelled; a run
// interrupted by a server stop goes back to queued and is started again.
const (
	Queued    State = "queued"
	Running   State = "running"
	Done      State = "done"
	Failed    State = "failed"
	Cancelled State = "cancelled"
)

// Terminal reports whether a run in state s will not change any more.
func (s State) Terminal() bool { return s == Done || s == Failed || s == Cancelled }

// Share is a saved state of the app: a spec and, optionally, its result, so that a link
// shows the result without recomputing it.
type Share struct {
	ID      string          `json:"id"`
	Spec    json.RawMessage `json:"spec"`
	Result  json.RawMessage `json:"result,omitempty"`
	Created time.Time       `json:"created"`
}

// Run is the record of one run. Spec, Result and Partial are kept as JSON so that a
// record stays readable even when the code that produced it changes.
type Run struct {
	ID       string          `json:"id"`
	Spec     json.RawMessage `json:"spec"`
	State    State           `json:"state"`
	Progress float64         `json:"progress"`          // 0 … 1
	Message  string          `json:"message,omitempty"` // the last progress message, or why the run stopped
	Partial  json.RawMessage `json:"partial,omitempty"` // the last partial result reported
	Result   json.RawMessage `json:"result,omitempty"`  // when Done
	Error    string          `json:"error,omitempty"`   // when Failed
	Created  time.Time       `json:"created"`
	Updated  time.Time       `json:"updated"`
	Restarts int             `json:"restarts,omitempty"` // times the run was found running after a crash
	// Ran says which backend and device ran the run and for how long, when Done, e.g.
	// "cuda: NVIDIA H100 80GB HBM3, 3.1 s" or "cpu: AMD EPYC 7B13, 2 cores, 3.1 s".
	Ran string `json:"ran,omitempty"`
}

// Store persists shares and runs. A nil error from a Put means the record is durable
// (for the durable implementations): it survives a crash of the process.
// Implementations are safe for concurrent use.
type Store interface {
	// PutShare saves a new share; the id must not exist yet.
	PutShare(ctx context.Context, s Share) error
	// GetShare returns the share with the given id, or an error wrapping ErrNotFound.
	GetShare(ctx context.Context, id string) (Share, error)
	// ShareExists reports whether a share has the given id, without decoding it: what a
	// share link or a revalidation needs, at a fraction of GetShare's cost for large results.
	ShareExists(ctx context.Context, id string) (bool, error)
	// PutRun creates or replaces a run record.
	PutRun(ctx context.Context, r Run) error
	// GetRun returns the run with the given id, or an error wrapping ErrNotFound.
	GetRun(ctx context.Context, id string) (Run, error)
	// UnfinishedRuns returns every run not in a terminal state, oldest first:
	// what a restarting server must resume or mark failed.
	UnfinishedRuns(ctx context.Context) ([]Run, error)
	// Close releases the store.
	Close() error
}

// ErrExists is returned by PutShare when the id is taken.
var ErrExists = errors.New("id already exists")

// FullError is returned (possibly wrapped) by a Put that would take the store past its
// quota. Records already kept are not affected; updates of runs already recorded are
// still accepted, so that runs in progress can finish.
type FullError struct {
	Used, Max int64 // bytes
}

func (e *FullError) Error() string {
	return fmt.Sprintf("the server's storage is full (%d MiB used of the %d MiB allowed); nothing new can be saved until an operator makes room", e.Used>>20, e.Max>>20)
}

// InsufficientStorage makes the API answer 507.
func (e *FullError) InsufficientStorage() bool { return true }

// idBytes is the number of random bytes in an id: 96 bits, which no one will guess.
const idBytes = 12

// IDLen is the length of the ids NewID returns.
var IDLen = base64.RawURLEncoding.EncodedLen(idBytes)

// NewID returns a fresh random id: 16 characters of the URL-safe base64 alphabet
// carrying 96 random bits from crypto/rand, so that ids are neither sequential nor guessable.
func NewID() string {
	var b [idBytes]byte
	rand.Read(b[:]) // never returns an error (crypto/rand, Go ≥ 1.24)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidID reports whether id has the form NewID gives: exactly IDLen characters from
// A–Z, a–z, 0–9, '-' and '_'. Checking ids before using them as keys keeps path
// separators, dots and other surprises out of every store.
func ValidID(id string) bool {
	if len(id) != IDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
