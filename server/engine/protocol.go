// Package engine runs specs on NATS JetStream: the server publishes every run, alone or as one
// of a sweep's, to one work-queue stream; workers (in the server's process, or `tailscope
// worker` processes on any machine that reaches the NATS server) take runs from it, report
// progress, and publish how each run ended; the server records that in its store, exactly once
// per run.
//
// What lives where (server/README.md argues the choice):
//
//   - stream TAILSCOPE_WORK (work queue, subjects tailscope.work.<backend>): one message per run,
//     {id, spec}, published with the run id as Nats-Msg-Id so that publishing twice queues once.
//     A durable pull consumer per backend, shared by all its workers, with explicit acks, an ack
//     wait that workers extend (InProgress) while a run works, and a bounded number of
//     deliveries.
//   - stream TAILSCOPE_EVENTS (work queue, subjects tailscope.event.<run id>): how runs started
//     and ended (started, done, failed, cancelled), consumed by the server, which applies each
//     to its store and acks it only then: events survive a restart of the server.
//   - object store tailscope-results: a finished run's result, under its id, until the server
//     has copied it into its store (results may be megabytes, more than one message carries).
//   - key-value bucket tailscope-stops: a run id → "cancelled", "done" or "failed" once the run
//     must not (or need not) run any more. Workers check it before starting a run and watch it
//     to stop a run that is going.
//   - key-value bucket tailscope-sweeps: the sweeps, each with the ids of its runs.
//   - subject tailscope.progress.<run id> (core NATS, not stored): progress reports.
//
// The server's store (bbolt) stays the system of record of runs and shares: JetStream holds
// only work in flight.
package engine

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/tailscope/tailscope/server/store"
)

// Names of the streams, buckets and subjects.
const (
	WorkStream    = "TAILSCOPE_WORK"
	EventStream   = "TAILSCOPE_EVENTS"
	ResultBucket  = "tailscope-results"
	StopBucket    = "tailscope-stops"
	SweepBucket   = "tailscope-sweeps"
	workPrefix    = "tailscope.work."
	eventPrefix   = "tailscope.event."
	progressPfx   = "tailscope.progress."
	recorderName  = "recorder"
	workersPrefix = "workers-"
)

// DefaultBackend is the backend runs are published for when none is named.
const DefaultBackend = "cpu"

// workMsg is a message of the work stream.
type workMsg struct {
	ID   string          `json:"id"`
	Spec json.RawMessage `json:"spec"`
}

// Kinds of events.
const (
	evStarted   = "started"
	evDone      = "done"
	evFailed    = "failed"
	evCancelled = "cancelled"
)

// event is a message of the event stream, sent by a worker.
type event struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Attempt int    `json:"attempt"` // the delivery of the work message, 1 for the first
	Worker  string `json:"worker"`
	Error   string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`
}

// msgID is the Nats-Msg-Id of an event: a worker retrying a publish sends it once.
func (e event) msgID() string { return e.ID + "." + e.Type + "." + strconv.Itoa(e.Attempt) }

// progressMsg is a progress report on tailscope.progress.<id>.
type progressMsg struct {
	ID       string          `json:"id"`
	Fraction float64         `json:"fraction"`
	Message  string          `json:"message,omitempty"`
	Partial  json.RawMessage `json:"partial,omitempty"`
}

// runID derives the id of a sweep's run i from the sweep's id, so that submitting a sweep again
// after a crash gives its runs the same ids and the streams' deduplication holds. The form is that
// of store.NewID: 96 bits in 16 characters of URL-safe base64.
func runID(sweepID string, i int) string {
	h := sha256.Sum256([]byte("tailscope sweep run\x00" + sweepID + "\x00" + strconv.Itoa(i)))
	id := base64.RawURLEncoding.EncodeToString(h[:12])
	if !store.ValidID(id) {
		panic("engine: derived run id " + id + " is not a valid id")
	}
	return id
}
