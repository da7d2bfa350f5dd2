package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/tailscope/tailscope/server/engine"

	simrun "github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/sweep"
)

// The fault tests run the tailscope binary as a server and as three worker processes on
// loopback, submit a 48-run sweep, break something in the middle, and check from the server's
// own log that every run was recorded exactly once. Each prints submitted, completed,
// duplicated (recorded more than once: must be 0) and lost (never recorded: must be 0), with
// the redeliveries the fault caused and the duplicate results the server discarded.

// faultSweep is 48 runs of about 0.08 s of CPU each.
const faultSweep = "kind=stable&n=150000&dist=sas,student&alpha=1.2,1.5,1.8&seeds=1,2,3,4,5,6,7,8"

var (
	faultBinOnce sync.Once
	faultBin     string
	faultBinErr  error
)

// tailscopeBinary returns the tailscope command to start as a process: a link named serverName to
// this test binary, which TestMain then runs as the command (made once per test binary).
func tailscopeBinary(t *testing.T) string {
	t.Helper()
	faultBinOnce.Do(func() {
		self, err := os.Executable()
		if err != nil {
			faultBinErr = err
			return
		}
		dir, err := os.MkdirTemp("", "tailscope-fault-")
		if err != nil {
			faultBinErr = err
			return
		}
		faultBin = filepath.Join(dir, serverName)
		if err := os.Symlink(self, faultBin); err != nil {
			faultBinErr = fmt.Errorf("linking the test binary as the command: %w", err)
		}
	})
	if faultBinErr != nil {
		t.Fatal(faultBinErr)
	}
	return faultBin
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// proc is a running tailscope process whose output is collected.
type proc struct {
	cmd *exec.Cmd
	mu  sync.Mutex
	log strings.Builder
	url chan string
}

func (p *proc) text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

func startProc(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(tailscopeBinary(t), args...), url: make(chan string, 1)}
	pr, pw := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = pw, pw
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { p.cmd.Wait(); pw.Close(); close(done) }()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-done })
	re := regexp.MustCompile(`running at (http://\S+?)/? `)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.log.WriteString(line + "\n")
			p.mu.Unlock()
			if m := re.FindStringSubmatch(line); m != nil {
				p.url <- m[1]
			}
		}
	}()
	_ = name
	return p
}

// startServer starts a server with no local workers, its NATS on natsPort (embedded) or at
// natsURL, a short ack wait so that a lost worker's run moves on quickly.
func startServer(t *testing.T, dataDir string, natsPort int, natsURL string) (*proc, string) {
	t.Helper()
	args := []string{"-addr", "127.0.0.1:0", "-data", dataDir, "-workers", "0", "-grace", "200ms", "-ack-wait", "2s", "-attempts", "5", "-log-runs"}
	if natsURL != "" {
		args = append(args, "-nats", natsURL)
	} else {
		args = append(args, "-nats-listen", "127.0.0.1:"+strconv.Itoa(natsPort))
	}
	p := startProc(t, "server", args...)
	select {
	case u := <-p.url:
		return p, u
	case <-time.After(60 * time.Second):
		t.Fatalf("the server did not start within 60 s:\n%s", p.text())
	}
	return nil, ""
}

// embeddedNATS is the URL of the embedded NATS server of a server started on dataDir, with the
// token of its data directory in the URL form a worker accepts.
func embeddedNATS(t *testing.T, dataDir string, port int) string {
	t.Helper()
	tok, err := os.ReadFile(filepath.Join(dataDir, engine.TokenFile))
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("nats://%s@127.0.0.1:%d", strings.TrimSpace(string(tok)), port)
}

func startWorkers(t *testing.T, natsURL string, n int) []*proc {
	t.Helper()
	var ws []*proc
	for i := range n {
		ws = append(ws, startProc(t, "worker", "worker", "-nats", natsURL, "-workers", "1", "-grace", "0s", "-name", "w"+strconv.Itoa(i+1)))
	}
	return ws
}

func submitSweep(t *testing.T, base string) (string, sweep.Sweep) {
	t.Helper()
	sw, err := sweep.ParseArg(faultSweep)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(sw)
	code, resp, err := postJSON(http.DefaultClient, base+"/api/sweeps", string(body))
	if err != nil || code != http.StatusAccepted {
		t.Fatalf("POST /api/sweeps: %d %s %v", code, resp, err)
	}
	var created struct{ ID string }
	json.Unmarshal(resp, &created)
	return created.ID, sw
}

func getSweep(base, id string, results bool) (sweep.Status, error) {
	u := base + "/api/sweeps/" + id
	if results {
		u += "?results=1"
	}
	resp, err := http.Get(u)
	if err != nil {
		return sweep.Status{}, err
	}
	defer resp.Body.Close()
	var st sweep.Status
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return st, fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// waitSweep polls the sweep until until(status) holds, or fails after within.
func waitSweep(t *testing.T, base func() string, id string, within time.Duration, what string, until func(sweep.Status) bool) sweep.Status {
	t.Helper()
	deadline := time.Now().Add(within)
	var last sweep.Status
	for time.Now().Before(deadline) {
		st, err := getSweep(base(), id, false)
		if err == nil {
			last = st
			if until(st) {
				return st
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: not within %v (last counts %v)", what, within, last.Counts)
	return last
}

var (
	recordedRe = regexp.MustCompile(`engine: run (\S+) (done|failed|cancelled), attempt (\d+) on (\S+)`)
	// A result arriving for a run the store already holds final; after a SIGKILL of the server
	// between its write of a run and its log line, this is the only line the run gets.
	alreadyRe = regexp.MustCompile(`engine: run (\S+): a second result .* discarded; the run was recorded done`)
)

// tally reads the servers' logs: how often each run was recorded final, and the redeliveries
// and discarded duplicate results.
func tally(t *testing.T, sw sweep.Sweep, st sweep.Status, servers ...*proc) {
	t.Helper()
	var recorded map[string]int
	var redelivered, discarded, unlogged int
	// The server logs a run after recording it: the last lines may trail the sweep's status.
	for wait := 0; wait < 50; wait++ {
		recorded = map[string]int{}
		redelivered, discarded, unlogged = 0, 0, 0
		already := map[string]bool{}
		for _, s := range servers {
			for _, m := range recordedRe.FindAllStringSubmatch(s.text(), -1) {
				recorded[m[1]]++
				if m[3] != "1" {
					redelivered++
				}
			}
			for _, m := range alreadyRe.FindAllStringSubmatch(s.text(), -1) {
				already[m[1]] = true
			}
			discarded += strings.Count(s.text(), "discarded")
		}
		for id := range already {
			if recorded[id] == 0 {
				recorded[id], unlogged = 1, unlogged+1
			}
		}
		if len(recorded) >= sw.Count() {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	completed, duplicated, lost := 0, 0, 0
	for _, r := range st.Runs {
		n := recorded[r.ID]
		if n == 0 {
			lost++
			t.Logf("run %d (%s, id %s) was not recorded: %s %s %s", r.Index, r.Label, r.ID, r.State, r.Message, r.Error)
		}
		if n > 1 {
			duplicated += n - 1
		}
		if r.State == "done" && n >= 1 {
			completed++
		} else if n >= 1 {
			t.Logf("run %d (%s, id %s) was recorded %s, not done: %s %s", r.Index, r.Label, r.ID, r.State, r.Message, r.Error)
		}
	}
	t.Logf("submitted %d, completed %d, duplicated %d, lost %d (runs recorded after a redelivery: %d; duplicate results discarded: %d; recorded by a server killed before its log line: %d)",
		sw.Count(), completed, duplicated, lost, redelivered, discarded, unlogged)
	if completed != sw.Count() || duplicated != 0 || lost != 0 {
		for _, s := range servers {
			t.Logf("server log:\n%s", s.text())
		}
		t.Fatalf("want every run completed once")
	}
	// The results are those of the runs themselves (same spec and seed, same result).
	full, err := getSweep(serverURL, st.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 17, 47} {
		want, err := simrun.CPU{Workers: 1}.Run(context.Background(), sw.Run(i), spec.Reporter(nil))
		if err != nil {
			t.Fatal(err)
		}
		wb, _ := json.Marshal(want)
		if string(wb) != string(full.Runs[i].Result) {
			t.Errorf("run %d (%s): the recorded result differs from a direct run", i, full.Runs[i].Label)
		}
	}
}

// serverURL is the address of the server of the running fault test (for tally's check).
var serverURL string

func TestFaultWorkerKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs 48 runs on 3 worker processes")
	}
	port := freePort(t)
	dir := t.TempDir()
	srv, base := startServer(t, dir, port, "")
	serverURL = base
	workers := startWorkers(t, embeddedNATS(t, dir, port), 3)
	id, sw := submitSweep(t, base)
	// Find a worker in the middle of a run and kill it.
	var victim string
	var victimRun string
	waitSweep(t, func() string { return base }, id, 60*time.Second, "a run in progress after a few finished", func(st sweep.Status) bool {
		if st.Counts["done"] < 3 {
			return false
		}
		for _, r := range st.Runs {
			if r.State == "running" && strings.HasPrefix(r.Message, "running on w") {
				victim, victimRun = strings.Fields(strings.TrimPrefix(r.Message, "running on "))[0], r.ID
				victim = strings.TrimSuffix(victim, ",")
				return true
			}
		}
		return false
	})
	n, _ := strconv.Atoi(strings.TrimPrefix(victim, "w"))
	if err := workers[n-1].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	t.Logf("SIGKILL to worker %s during run %s", victim, victimRun)
	st := waitSweep(t, func() string { return base }, id, 90*time.Second, "the sweep finished", func(st sweep.Status) bool { return st.Finished })
	tally(t, sw, st, srv)
	if !strings.Contains(srv.text(), "engine: run "+victimRun+" done, attempt 2") {
		t.Errorf("the killed worker's run %s was not finished by a second delivery", victimRun)
	}
}

func TestFaultServerRestarted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs 48 runs on 3 worker processes")
	}
	port := freePort(t)
	dir := t.TempDir()
	srv1, base := startServer(t, dir, port, "")
	serverURL = base
	startWorkers(t, embeddedNATS(t, dir, port), 3)
	id, sw := submitSweep(t, base)
	waitSweep(t, func() string { return base }, id, 60*time.Second, "a third of the sweep done", func(st sweep.Status) bool { return st.Counts["done"] >= 16 })
	if err := srv1.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv1.cmd.Process.Wait()
	t.Log("SIGKILL to the server (and its embedded NATS) with a third of the sweep done; restarting it")
	srv2, base2 := startServer(t, dir, port, "")
	serverURL = base2
	st := waitSweep(t, func() string { return base2 }, id, 90*time.Second, "the sweep finished after the restart", func(st sweep.Status) bool { return st.Finished })
	tally(t, sw, st, srv1, srv2)
}

func TestFaultClusterNodeLost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node NATS cluster and runs 48 runs on 3 worker processes")
	}
	nodes, urls := startCluster(t, 3)
	srv, base := startServer(t, t.TempDir(), 0, strings.Join(urls, ","))
	serverURL = base
	startWorkers(t, strings.Join(urls, ","), 3)
	id, sw := submitSweep(t, base)
	waitSweep(t, func() string { return base }, id, 60*time.Second, "a third of the sweep done", func(st sweep.Status) bool { return st.Counts["done"] >= 16 })
	nodes[0].Shutdown()
	t.Log("node n1 of the three-node cluster shut down with a third of the sweep done")
	st := waitSweep(t, func() string { return base }, id, 120*time.Second, "the sweep finished on two nodes", func(st sweep.Status) bool { return st.Finished })
	tally(t, sw, st, srv)
}

// startCluster starts n NATS servers with JetStream in this process, routed into one cluster.
func startCluster(t *testing.T, n int) ([]*server.Server, []string) {
	t.Helper()
	clientPorts, routePorts := make([]int, n), make([]int, n)
	var routes []string
	for i := range n {
		clientPorts[i], routePorts[i] = freePort(t), freePort(t)
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", routePorts[i]))
	}
	var nodes []*server.Server
	var urls []string
	for i := range n {
		ns, err := server.NewServer(&server.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: clientPorts[i],
			JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true,
			Cluster: server.ClusterOpts{Name: "tailscope-test", Host: "127.0.0.1", Port: routePorts[i]},
			Routes:  server.RoutesFromStr(strings.Join(routes, ",")),
		})
		if err != nil {
			t.Fatal(err)
		}
		go ns.Start()
		t.Cleanup(ns.Shutdown)
		nodes = append(nodes, ns)
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", clientPorts[i]))
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, ns := range nodes {
		if !ns.ReadyForConnections(30 * time.Second) {
			t.Fatal("a cluster node was not ready within 30 s")
		}
	}
	for time.Now().Before(deadline) {
		ready := 0
		for _, ns := range nodes {
			if ns.JetStreamIsClustered() && ns.JetStreamIsCurrent() {
				ready++
			}
		}
		if ready == n {
			return nodes, urls
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the cluster's JetStream did not form within 30 s")
	return nil, nil
}
