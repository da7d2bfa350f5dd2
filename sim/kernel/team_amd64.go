//go:build !purego

package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The goroutines that run the parts of a split product spin between products before they
// sleep, and the caller spins while it waits for them. A product of a training step takes
// 10 µs to a few ms, and a step makes about ten split calls; a goroutine woken from sleep
// (a futex wake of an idle core) starts tens of µs later on the 2-core AMD EPYC VM these
// figures come from, which cost more than the split saved at width 256. BenchmarkHandOff
// (-cpu 2, same VM): a 100×256×64 product takes 18.5 µs on one goroutine, 26.3 µs with half
// of it on a new goroutine and a WaitGroup, 12.3 µs with half of it on the spinning team.
// Spinning for a while, as OpenMP runtimes do (GOMP_SPINCOUNT), keeps the helper on its core
// from one product to the next; past spinFor without work it sleeps, so an idle program burns
// no CPU.

// spinFor is how long a team goroutine waits for its next part before it sleeps.
const spinFor = 200 * time.Microsecond

// teamPool runs the parts of split products and updates: each part goes to one team
// goroutine of its own, started on first use.
type teamPool struct {
	mu      sync.Mutex // guards members and the order of submissions
	members []*member
}

// part is one goroutine's share of a split call: a product (gemm) or, when axpy.y is not
// nil, an Axpy. A struct, not a func value, so that posting it allocates nothing.
type part struct {
	gemm gemmTask
	axpy axpyTask
}

func (p *part) run() {
	if p.axpy.y != nil {
		axpySerial(p.axpy.y, p.axpy.x, p.axpy.alpha)
		return
	}
	p.gemm.run()
}

// stackParts is how many parts a split call holds on its stack (partsFor); more threads
// allocate.
const stackParts = 4

// partsFor returns room for t parts: buf's, when t fits, so that a split call (about ten
// per training step) allocates nothing.
func partsFor(buf *[stackParts]part, t int) []part {
	if t <= len(buf) {
		return buf[:t]
	}
	return make([]part, t)
}

// axpyTask is a range of an Axpy.
type axpyTask struct {
	y, x  []float32
	alpha float32
}

// member is one team goroutine and its mailbox: the caller writes task, then bumps posted;
// the goroutine runs it and bumps finished.
type member struct {
	task     part
	posted   atomic.Uint64
	finished atomic.Uint64
	sleeping atomic.Bool
	wake     chan struct{} // holds one token at most
}

// run calls tasks[0] … tasks[n−2] on team goroutines and the last one on the calling
// goroutine, and returns when all have returned. While another goroutine's call holds the
// team (two runs of one process, each splitting its products), it runs them all on the
// calling goroutine instead: the cores are busy anyway, and the result is the same.
func (p *teamPool) run(tasks []part) {
	if !p.mu.TryLock() {
		for i := range tasks {
			tasks[i].run()
		}
		return
	}
	defer p.mu.Unlock()
	for len(p.members) < len(tasks)-1 {
		m := &member{wake: make(chan struct{}, 1)}
		p.members = append(p.members, m)
		go m.loop()
	}
	for i, t := range tasks[:len(tasks)-1] {
		m := p.members[i]
		m.task = t
		m.posted.Add(1)
		if m.sleeping.Load() {
			select {
			case m.wake <- struct{}{}:
			default:
			}
		}
	}
	tasks[len(tasks)-1].run()
	for _, m := range p.members[:len(tasks)-1] {
		m.await()
	}
}

// await returns when m has finished every task posted to it: spinning at first, then
// yielding the processor between looks.
func (m *member) await() {
	want := m.posted.Load()
	for i := 0; m.finished.Load() != want; i++ {
		if i > 1<<12 {
			runtime.Gosched()
		}
	}
}

// loop runs m's tasks as they are posted.
func (m *member) loop() {
	var seen uint64
	for {
		var start time.Time
		for i := 0; m.posted.Load() == seen; i++ {
			if i&255 != 255 {
				continue
			}
			// Let another goroutine have this processor if one waits for it (with fewer
			// processors than threads, the caller itself may be the one waiting).
			runtime.Gosched()
			if start.IsZero() {
				start = time.Now()
				continue
			}
			if time.Since(start) < spinFor {
				continue
			}
			// Sleep. A task posted after the second look finds sleeping set and sends a
			// token; a token left from an earlier wake only makes the loop look again.
			m.sleeping.Store(true)
			if m.posted.Load() == seen {
				<-m.wake
			}
			m.sleeping.Store(false)
			start = time.Time{}
		}
		seen++
		m.task.run()
		m.task = part{} // drop the references to the caller's matrices
		m.finished.Add(1)
	}
}
