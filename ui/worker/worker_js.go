//go:build js && wasm

package worker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
)

// Script is the URL of the worker's bootstrap script (wasm/assets/worker.js).
const Script = "/worker.js"

// maxIdle is how many started workers are kept for the next runs: a worker's first run of a job
// pays its one-time set-up (tables, caches), later runs do not.
const maxIdle = 2

// IsWorker reports whether this instance runs in a Web Worker (it has no document).
func IsWorker() bool {
	return js.Global().Get("document").IsUndefined() && !js.Global().Get("WorkerGlobalScope").IsUndefined()
}

// msg is a message from a worker to the page.
type msg struct {
	kind     string // "progress", "done", "error"
	fraction float64
	text     string
	output   []byte
}

// conn is one Web Worker.
type conn struct {
	w       js.Value
	onMsg   js.Func
	onErr   js.Func
	replies chan msg
}

var (
	poolMu sync.Mutex
	idle   []*conn
	nextID int
)

func available() bool {
	g := js.Global()
	return !IsWorker() && !g.Get("Worker").IsUndefined() && !g.Get("document").IsUndefined()
}

func newConn() (c *conn, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker: cannot start a Web Worker: %v", r)
		}
	}()
	c = &conn{replies: make(chan msg, 64)}
	c.w = js.Global().Get("Worker").New(Script)
	c.onMsg = js.FuncOf(func(_ js.Value, args []js.Value) any {
		d := args[0].Get("data")
		m := msg{kind: d.Get("type").String()}
		switch m.kind {
		case "progress":
			m.fraction = d.Get("fraction").Float()
			m.text = d.Get("message").String()
		case "done":
			out := d.Get("output")
			m.output = make([]byte, out.Get("length").Int())
			js.CopyBytesToGo(m.output, out)
		default:
			m.kind = "error"
			m.text = d.Get("message").String()
		}
		select {
		case c.replies <- m:
		default: // progress is dropped when the reader lags; done and error never are (see Run)
			if m.kind != "progress" {
				go func() { c.replies <- m }()
			}
		}
		return nil
	})
	c.onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		text := "the worker failed"
		if e := args[0]; e.Type() == js.TypeObject && e.Get("message").Type() == js.TypeString {
			text += ": " + e.Get("message").String()
		}
		go func() { c.replies <- msg{kind: "error", text: text} }()
		return nil
	})
	c.w.Set("onmessage", c.onMsg)
	c.w.Set("onerror", c.onErr)
	// Hand over the module the page compiled, so the worker does not download and compile it again.
	mod := js.Global().Get("tailscopeModule")
	if mod.IsUndefined() {
		mod = js.Null()
	}
	c.w.Call("postMessage", map[string]any{"type": "module", "module": mod})
	return c, nil
}

func (c *conn) close() {
	c.w.Call("terminate")
	// Messages the worker posted before it ended may still wait in the page's event queue:
	// unhook the handlers before releasing them, or such a message calls a released function.
	c.w.Set("onmessage", js.Null())
	c.w.Set("onerror", js.Null())
	c.onMsg.Release()
	c.onErr.Release()
}

// Run runs job on input in a Web Worker and returns its output, relaying the worker's progress to
// report. Cancelling ctx terminates the worker and returns ctx.Err() at once. Where Web Workers
// are missing (node) it runs the job in the calling goroutine.
func Run(ctx context.Context, job string, input []byte, report spec.Reporter) ([]byte, error) {
	if !available() {
		return runHere(ctx, job, input, report)
	}
	if _, err := lookup(job); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	poolMu.Lock()
	var c *conn
	for n := len(idle); n > 0 && c == nil; n = len(idle) {
		c, idle = idle[n-1], idle[:n-1]
		if len(c.replies) > 0 {
			// It posted after its last run ended: its Go program ended while idle (worker.js
			// says so), from a goroutine a job left behind. Not reused.
			c.close()
			c = nil
		}
	}
	nextID++
	id := nextID
	poolMu.Unlock()
	if c == nil {
		var err error
		if c, err = newConn(); err != nil {
			return nil, err
		}
	}
	u8 := js.Global().Get("Uint8Array").New(len(input))
	js.CopyBytesToJS(u8, input)
	c.w.Call("postMessage", map[string]any{"type": "run", "id": id, "job": job, "input": u8})
	for {
		select {
		case <-ctx.Done():
			c.close()
			return nil, ctx.Err()
		case m := <-c.replies:
			switch m.kind {
			case "progress":
				report.Report(spec.Progress{Fraction: m.fraction, Message: m.text})
				continue
			case "done":
				release(c)
				return m.output, nil
			}
			if m.text == "" {
				m.text = "the worker failed"
			}
			// A job's error leaves the worker usable; a crashed worker is not reused.
			if strings.HasPrefix(m.text, "worker:") {
				c.close()
			} else {
				release(c)
			}
			return nil, errors.New(m.text)
		}
	}
}

func release(c *conn) {
	poolMu.Lock()
	defer poolMu.Unlock()
	if len(idle) < maxIdle {
		idle = append(idle, c)
		return
	}
	c.close()
}

// progressEvery is the shortest time between two progress messages of a job: 20 a second are
// enough for a progress line.
const progressEvery = 50 * time.Millisecond

// Serve is the main loop of a worker instance: it takes run requests from the page one at a time,
// runs their handler, and posts progress, then the output or the error. It never returns.
func Serve() {
	type req struct {
		id    int
		job   string
		input []byte
	}
	reqs := make(chan req, 16)
	listen := js.FuncOf(func(_ js.Value, args []js.Value) any {
		d := args[0]
		if d.Get("type").String() != "run" {
			return nil
		}
		in := d.Get("input")
		r := req{id: d.Get("id").Int(), job: d.Get("job").String(), input: make([]byte, in.Get("length").Int())}
		js.CopyBytesToGo(r.input, in)
		reqs <- r
		return nil
	})
	self := js.Global()
	self.Call("tailscopeWorkerListen", listen)
	for r := range reqs {
		post := func(m map[string]any) {
			m["id"] = r.id
			self.Call("postMessage", m)
		}
		var last time.Time
		out, err := serveOne(r.job, r.input, func(p spec.Progress) {
			// At most one progress message per progressEvery: each costs the page a callback into
			// Go and, in a view, a render, and a job reports after every batch.
			if now := time.Now(); now.Sub(last) >= progressEvery {
				last = now
				post(map[string]any{"type": "progress", "fraction": p.Fraction, "message": p.Message})
			}
		})
		if err != nil {
			post(map[string]any{"type": "error", "message": err.Error()})
			continue
		}
		u8 := js.Global().Get("Uint8Array").New(len(out))
		js.CopyBytesToJS(u8, out)
		post(map[string]any{"type": "done", "output": u8})
	}
}

// serveOne runs one job, turning a panic into an error so the worker survives a bug in one job.
func serveOne(job string, input []byte, report spec.Reporter) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker: job %s panicked: %v", job, r)
		}
	}()
	return runHere(context.Background(), job, input, report)
}
