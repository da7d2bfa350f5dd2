//go:build !js && !wasip1

// Command peerbench measures Tailscope's speed against its peers, side by side in one run, and
// prints medians and ratios as a Markdown table:
//
//   - natively: SGD steps of MLPs of several widths and batch sizes (-shapes; Go, every fast
//     kernel of sim/kernel the machine runs) against PyTorch (Debian python3-torch, one
//     thread), and the paper's noise evaluation (-noise-nets, P = 600; sim/noise, two passes,
//     O(M) memory, one worker) against the fastest correct PyTorch procedure for the reference
//     code's estimate, which keeps the P×M gradient matrix, and SGD steps of the reference
//     code's AlexNet on CIFAR-shaped inputs (-alexnet; sim/convnet) against PyTorch's;
//   - in headless Chromium: the same step compiled to js/wasm (with wasm/kernels.js) against
//     TensorFlow.js 4.22 on its wasm backend (SIMD) and its cpu backend, the AlexNet step
//     (-browser-alexnet) against TF.js's wasm backend, and the SαS sampler and the
//     estimator's log-mean against plain JavaScript loops.
//
// Usage, from the repository root:
//
//	go run ./sim/cmd/peerbench [-rounds 5] [-seconds 2] [-native=true] [-noise=true] [-browser=true] [-o file.md]
//	go run ./sim/cmd/peerbench -curve sim/perf-scaling.svg [-o table.md]   # the scaling curve only
//
// It installs the peers when they are absent: npm packages into a cache directory outside the
// repository (-npm, default ~/.cache/tailscope/npm) and `apt-get install -y python3-torch libopenblas0-openmp`
// (needs root; see sim/internal/torchpeer). Peer and Tailscope runs alternate, in a different order each round, so that
// the noise of a shared machine hits both alike.
package main

import (
	"bufio"
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tailscope/tailscope/sim/cpuinfo"
	"github.com/tailscope/tailscope/sim/internal/torchpeer"
	"github.com/tailscope/tailscope/sim/kernel"
	"github.com/tailscope/tailscope/sim/nn"
)

//go:embed bench.html
var benchHTML []byte

//go:embed bench.js
var benchJS []byte

//go:embed torch_bench.py
var torchPy []byte

type config struct {
	rounds   int
	seconds  float64
	native   bool
	browser  bool
	npmDir   string
	python   string
	chromium string
	out      string
	install  bool
	noise    bool
	stepOnly bool // browser: the step rows only (no sampler, no log-mean)
	// shapes are the native step's networks and batch sizes, noiseNets the noise
	// evaluation's networks (see parseShapes, parseNets).
	shapes, noiseNets string
	// alexnet lists the AlexNet steps (channel scale/batch) of the native comparison.
	alexnet string
	// browserAlexnet lists the AlexNet steps of the browser comparison; alexnetOnly skips
	// the browser's other rows.
	browserAlexnet string
	alexnetOnly    bool
	evalOnly       bool // browser: the noise evaluation rows only
	// curve, when set, makes the run measure the scaling curve only and draw it to this SVG.
	curve string
}

func main() {
	home, _ := os.UserHomeDir()
	var c config
	flag.IntVar(&c.rounds, "rounds", 5, "alternating rounds per benchmark")
	flag.Float64Var(&c.seconds, "seconds", 2, "seconds per timed run")
	flag.BoolVar(&c.native, "native", true, "run the native benchmarks (Go vs PyTorch)")
	flag.BoolVar(&c.browser, "browser", true, "run the browser benchmarks (Go wasm vs TF.js and JS)")
	flag.StringVar(&c.npmDir, "npm", filepath.Join(home, ".cache", "tailscope", "npm"), "npm prefix for the JavaScript peers")
	flag.StringVar(&c.python, "python", "/usr/bin/python3", "Debian's python3 with python3-torch")
	flag.StringVar(&c.chromium, "chromium", "/usr/bin/chromium", "Chromium binary")
	flag.BoolVar(&c.stepOnly, "browser-step-only", false, "in the browser, measure the step only (not the sampler and the log-mean)")
	flag.StringVar(&c.out, "o", "", "also write the table to this file")
	flag.BoolVar(&c.install, "install", true, "install missing peers (npm, apt-get)")
	flag.BoolVar(&c.noise, "noise", true, "run the paper's noise evaluation natively (Go vs the PyTorch reference procedure, ~20 s a round)")
	flag.StringVar(&c.shapes, "shapes", "784-64-64-10/100,784-128-128-10/100,784-256-256-10/100,784-1024-1024-10/100,784-128-128-10/500,784-128-128-10/10",
		"native step shapes, SIZES/BATCH separated by commas")
	flag.StringVar(&c.alexnet, "alexnet", "64/100", "native AlexNet steps on CIFAR-shaped inputs, CH/BATCH separated by commas (empty: none)")
	flag.StringVar(&c.browserAlexnet, "browser-alexnet", "4/25,64/100", "AlexNet steps on CIFAR-shaped inputs in Chromium, Go wasm vs TF.js wasm, CH/BATCH separated by commas (empty: none)")
	flag.BoolVar(&c.alexnetOnly, "browser-alexnet-only", false, "in the browser, measure the AlexNet steps only (-browser-alexnet)")
	flag.BoolVar(&c.evalOnly, "browser-eval-only", false, "in the browser, measure the noise evaluation over Web Workers only")
	flag.StringVar(&c.noiseNets, "noise-nets", "784-100-100-10,784-512-512-10,784-100-100-100-10",
		"networks of the native noise evaluation (P = 600 minibatches of 100), separated by commas")
	flag.StringVar(&c.curve, "curve", "", "measure only the scaling curve (native step time against width and batch) and draw it to this SVG file")
	flag.Parse()
	if c.rounds < 1 || c.seconds <= 0 {
		fmt.Fprintln(os.Stderr, "peerbench: -rounds must be ≥ 1 and -seconds > 0")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	if c.curve != "" {
		table, err := runCurve(ctx, c, c.curve)
		if err != nil {
			fmt.Fprintln(os.Stderr, "peerbench: curve:", err)
			os.Exit(1)
		}
		fmt.Print(table)
		if c.out != "" {
			if err := os.WriteFile(c.out, []byte(table), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "peerbench:", err)
				os.Exit(1)
			}
		}
		return
	}
	var rows []row
	var notes []string
	if c.native {
		r, n, err := runNative(ctx, c)
		if err != nil {
			fmt.Fprintln(os.Stderr, "peerbench: native:", err)
			os.Exit(1)
		}
		rows, notes = append(rows, r...), append(notes, n...)
	}
	if c.browser {
		r, n, err := runBrowser(ctx, c)
		if err != nil {
			fmt.Fprintln(os.Stderr, "peerbench: browser:", err)
			os.Exit(1)
		}
		rows, notes = append(rows, r...), append(notes, n...)
	}
	table := render(rows, notes, c)
	fmt.Print(table)
	if c.out != "" {
		if err := os.WriteFile(c.out, []byte(table), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "peerbench:", err)
			os.Exit(1)
		}
	}
}

// row is one comparison: rates per second of the peer and of Tailscope, one per round.
type row struct {
	what, peer, ours, unit string
	target                 float64 // the ratio ours/peer aimed at; 0 if informative
	peerRates, ourRates    []float64
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func human(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.1f M", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.0f k", v/1e3)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

func render(rows []row, notes []string, c config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "peerbench, %s, %s/%s, %s, %d CPUs, %d rounds × %.1f s, medians (min–max)\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.GOOS, runtime.GOARCH, cpuinfo.Describe(), runtime.NumCPU(), c.rounds, c.seconds)
	b.WriteString("| benchmark | peer | peer /s | Tailscope | Tailscope /s | ratio | target |\n")
	b.WriteString("|---|---|---:|---|---:|---:|---:|\n")
	for _, r := range rows {
		pm, om := median(r.peerRates), median(r.ourRates)
		ratio, target, status := om/pm, "—", ""
		if r.target > 0 {
			target = fmt.Sprintf("≥ %.1f×", r.target)
			status = " ✅"
			if ratio < r.target {
				status = " ❌"
			}
		}
		fmt.Fprintf(&b, "| %s (%s) | %s | %s (%s–%s) | %s | %s (%s–%s) | %.2f×%s | %s |\n",
			r.what, r.unit, r.peer, human(pm), human(slices.Min(r.peerRates)), human(slices.Max(r.peerRates)),
			r.ours, human(om), human(slices.Min(r.ourRates)), human(slices.Max(r.ourRates)), ratio, status, target)
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}

// alternate runs peer and ours c.rounds times each, swapping which goes first every round.
func alternate(c config, peer, ours func() (float64, error)) (p, o []float64, err error) {
	for i := 0; i < c.rounds; i++ {
		first, second := peer, ours
		if i%2 == 1 {
			first, second = ours, peer
		}
		a, err := first()
		if err != nil {
			return nil, nil, err
		}
		b, err := second()
		if err != nil {
			return nil, nil, err
		}
		if i%2 == 1 {
			a, b = b, a
		}
		p, o = append(p, a), append(o, b)
	}
	return p, o, nil
}

// ---- native: Go vs PyTorch ----

// ensureTorch makes sure c.python imports torch on OpenBLAS (torchpeer), installing it with
// apt-get when c.install allows it.
func ensureTorch(ctx context.Context, c config) error {
	if err := torchpeer.Ensure(ctx, c.python, c.install, os.Stderr); err != nil {
		if !c.install {
			return fmt.Errorf("%w; or drop -install=false and peerbench installs them", err)
		}
		return err
	}
	return nil
}

// torchProc is a running torch_bench.py.
type torchProc struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func startTorch(ctx context.Context, c config) (*torchProc, map[string]any, error) {
	dir, err := os.MkdirTemp("", "peerbench-torch")
	if err != nil {
		return nil, nil, err
	}
	script := filepath.Join(dir, "torch_bench.py")
	if err := os.WriteFile(script, torchPy, 0o644); err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, c.python, script)
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=1", "MKL_NUM_THREADS=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	outp, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start %s: %w", c.python, err)
	}
	p := &torchProc{cmd: cmd, in: in, out: bufio.NewScanner(outp)}
	hello, err := p.reply()
	return p, hello, err
}

func (p *torchProc) reply() (map[string]any, error) {
	if !p.out.Scan() {
		return nil, fmt.Errorf("torch_bench.py stopped: %v", cmp.Or(p.out.Err(), io.ErrUnexpectedEOF))
	}
	var m map[string]any
	if err := json.Unmarshal(p.out.Bytes(), &m); err != nil {
		return nil, fmt.Errorf("torch_bench.py said %q: %w", p.out.Text(), err)
	}
	if e, ok := m["error"]; ok {
		return nil, fmt.Errorf("torch_bench.py: %v", e)
	}
	return m, nil
}

// do sends one command and returns its answer.
func (p *torchProc) do(command string) (map[string]any, error) {
	if _, err := fmt.Fprintln(p.in, command); err != nil {
		return nil, err
	}
	return p.reply()
}

func (p *torchProc) rate(command string) (float64, error) {
	m, err := p.do(command)
	if err != nil {
		return 0, err
	}
	r, ok := m["rate"].(float64)
	if !ok {
		return 0, fmt.Errorf("torch_bench.py: no rate in %v", m)
	}
	return r, nil
}

func (p *torchProc) close() {
	p.in.Close()
	p.cmd.Wait()
}

// ---- browser: Go wasm vs TF.js and plain JS ----

var npmPeers = []string{"@tensorflow/tfjs@4.22.0", "@tensorflow/tfjs-backend-wasm@4.22.0", "wabt@1.0.39"}

func ensureNPM(ctx context.Context, c config) error {
	need := []string{
		filepath.Join(c.npmDir, "node_modules", "@tensorflow", "tfjs", "dist", "tf.min.js"),
		filepath.Join(c.npmDir, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist", "tf-backend-wasm.min.js"),
	}
	missing := false
	for _, f := range need {
		if _, err := os.Stat(f); err != nil {
			missing = true
		}
	}
	if !missing {
		return nil
	}
	if !c.install {
		return fmt.Errorf("%s lacks the npm peers (npm install --prefix %s %s)", c.npmDir, c.npmDir, strings.Join(npmPeers, " "))
	}
	if err := os.MkdirAll(c.npmDir, 0o755); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "peerbench: npm install", strings.Join(npmPeers, " "), "into", c.npmDir)
	args := append([]string{"install", "--prefix", c.npmDir, "--no-audit", "--no-fund", "--ignore-scripts"}, npmPeers...)
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install: %w", err)
	}
	return nil
}

// repoRoot finds the directory of this module's go.mod, from the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/tailscope/tailscope") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run peerbench inside the tailscope repository (no go.mod of github.com/tailscope/tailscope above the working directory)")
		}
		dir = parent
	}
}

func buildWasm(ctx context.Context, root, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./sim/cmd/peerbench/wasmbench")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build wasmbench: %w\n%s", err, msg)
	}
	return nil
}

// page is peerbench's page open in Chromium, with the Go benchmark binary started.
type page struct {
	eval  func(expr string) (any, error)
	impls []string // the Go side's kernels, fastest first, "go" last
	notes []string
	close func()
}

// rate returns a function that evaluates expr in the page and returns its number.
func (p *page) rate(expr string) func() (float64, error) {
	return func() (float64, error) {
		v, err := p.eval(expr)
		if err != nil {
			return 0, err
		}
		f, ok := v.(float64)
		if !ok {
			return 0, fmt.Errorf("%s gave %v, not a number", expr, v)
		}
		return f, nil
	}
}

// openPage builds the js/wasm benchmark, serves it with the peers on loopback and opens it in
// Chromium; close ends both.
func openPage(ctx context.Context, c config) (_ *page, err error) {
	var cleanup []func()
	closeAll := func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()
	if _, err := os.Stat(c.chromium); err != nil {
		return nil, fmt.Errorf("no Chromium at %s (apt-get install -y chromium): %w", c.chromium, err)
	}
	if err := ensureNPM(ctx, c); err != nil {
		return nil, err
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "peerbench")
	if err != nil {
		return nil, err
	}
	cleanup = append(cleanup, func() { os.RemoveAll(tmp) })
	wasmFile := filepath.Join(tmp, "bench.wasm")
	fmt.Fprintln(os.Stderr, "peerbench: building the js/wasm benchmark")
	if err := buildWasm(ctx, root, wasmFile); err != nil {
		return nil, err
	}
	goroot, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}

	mux := http.NewServeMux()
	serveFile := func(pattern, file string) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, file) })
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(benchHTML)
	})
	mux.HandleFunc("GET /bench.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(benchJS)
	})
	serveFile("GET /bench.wasm", wasmFile)
	serveFile("GET /wasm_exec.js", filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	kernelsJS := filepath.Join(root, "wasm", "kernels.js")
	if _, err := os.Stat(filepath.Join(root, "wasm", "assets", "kernels.js")); err == nil {
		kernelsJS = filepath.Join(root, "wasm", "assets", "kernels.js")
	}
	serveFile("GET /kernels.js", kernelsJS)
	// The app's Web Worker bootstrap, which loads /main.wasm: the benchmark binary, whose
	// workers compute the noise measurements' parts (noiseEval).
	serveFile("GET /worker.js", filepath.Join(root, "wasm", "assets", "worker.js"))
	serveFile("GET /main.wasm", wasmFile)
	mux.Handle("GET /tfjs/", http.StripPrefix("/tfjs/", http.FileServer(http.Dir(filepath.Join(c.npmDir, "node_modules", "@tensorflow", "tfjs", "dist")))))
	mux.Handle("GET /tfjs-wasm/", http.StripPrefix("/tfjs-wasm/", http.FileServer(http.Dir(filepath.Join(c.npmDir, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist")))))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	cleanup = append(cleanup, func() { srv.Close() })

	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(c.chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(tmp, "profile")))
	cleanup = append(cleanup, acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	cleanup = append(cleanup, bcancel)
	url := "http://" + ln.Addr().String() + "/"
	if err := chromedp.Do(bctx, chromedp.Navigate(url)); err != nil {
		return nil, fmt.Errorf("open %s in Chromium: %w", url, err)
	}
	eval := func(expr string) (any, error) {
		v, err := chromedp.Run(bctx, chromedp.Evaluate[any](expr, chromedp.EvalAwaitPromise))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", expr, err)
		}
		return v, nil
	}
	impl, err := eval("peer.startGo()")
	if err != nil {
		return nil, err
	}
	implsV, err := eval("tailscopeBench.impls")
	if err != nil {
		return nil, err
	}
	p := &page{eval: eval, close: closeAll}
	if l, ok := implsV.([]any); ok {
		for _, v := range l {
			p.impls = append(p.impls, fmt.Sprint(v))
		}
	}
	version, _ := eval("navigator.userAgent")
	p.notes = append(p.notes, fmt.Sprintf("browser: %v; Go js/wasm kernels %v, default %v (wasm/assets/kernels.js; wasm-relaxed-simd: f32x4.relaxed_madd in 5×8 blocks, wasm-simd128: mul and add in 4×8 blocks).", version, p.impls, impl))
	for _, backend := range []string{"wasm", "cpu"} {
		info, err := eval(fmt.Sprintf("peer.tfSetup(%q)", backend))
		if err != nil {
			return nil, err
		}
		p.notes = append(p.notes, fmt.Sprintf("TF.js backend: %v.", info))
	}
	return p, nil
}

func runBrowser(ctx context.Context, c config) ([]row, []string, error) {
	pg, err := openPage(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	defer pg.close()
	eval, rate := pg.eval, pg.rate
	impl := pg.impls[0]
	mathImpl, _ := eval("tailscopeBench.mathImpl")
	logImpl, _ := eval("tailscopeBench.logImpl")
	notes := pg.notes
	var rows []row
	s := c.seconds
	type bench struct {
		what, unit, peer, ours string
		target                 float64
		peerExpr, ourExpr      string
	}
	const nSamples, nLogs = 2_000_000, 20_000_000
	const stepWhat = "MLP 784-128-128-10 (depth 3) step, b=100, Chromium"
	var benches []bench
	for i, k := range pg.impls {
		target := 0.0
		if i == 0 {
			target = 10
		}
		name := "Go wasm " + k
		if k == "go" {
			name = "Go wasm, plain loops"
		}
		benches = append(benches, bench{stepWhat, "steps/s", "TF.js 4.22 wasm (SIMD)", name, target,
			fmt.Sprintf("peer.tfStep('wasm', %g)", s), fmt.Sprintf("peer.go('step', %g, %q)", s, k)})
	}
	benches = append(benches, []bench{
		{stepWhat, "steps/s", "TF.js 4.22 cpu", fmt.Sprintf("Go wasm %v", impl), 0,
			fmt.Sprintf("peer.tfStep('cpu', %g)", s), fmt.Sprintf("peer.go('step', %g, %q)", s, impl)},
		{"SαS sampler α=1.5, Chromium", "samples/s", "plain JS (CMS, Math.random)", fmt.Sprintf("Go wasm fastmath.SymStable (%v)", mathImpl), 1,
			fmt.Sprintf("peer.jsSampler(1.5, %d)", nSamples), fmt.Sprintf("peer.go('sampler', 1.5, %d, true)", nSamples)},
		{"SαS sampler α=1.5, Chromium", "samples/s", "plain JS (CMS, Math.random)", "Go wasm estimator.SymStable (gonum)", 0,
			fmt.Sprintf("peer.jsSampler(1.5, %d)", nSamples), fmt.Sprintf("peer.go('sampler', 1.5, %d, false)", nSamples)},
		{"log-mean Σlog\\|x\\|/n, Chromium", "terms/s", "plain JS (Math.log)", fmt.Sprintf("Go wasm estimator.MohammadiStream.Add (%v)", logImpl), 1,
			fmt.Sprintf("peer.jsLogMean(%d)", nLogs), fmt.Sprintf("peer.go('logMean', %d, 'stream')", nLogs)},
		{"log-mean Σlog\\|x\\|/n, Chromium", "terms/s", "plain JS (Math.log)", fmt.Sprintf("Go wasm estimator.LogAbsSum (%v)", logImpl), 0,
			fmt.Sprintf("peer.jsLogMean(%d)", nLogs), fmt.Sprintf("peer.go('logMean', %d, 'kernel')", nLogs)},
		{"log-mean Σlog\\|x\\|/n, Chromium", "terms/s", "plain JS (Math.log)", "Go wasm math.Log loop", 0,
			fmt.Sprintf("peer.jsLogMean(%d)", nLogs), fmt.Sprintf("peer.go('logMean', %d, 'mathlog')", nLogs)},
	}...)
	if c.stepOnly {
		benches = benches[:len(pg.impls)]
	}
	alexNets, err := parseAlexNets(c.browserAlexnet)
	if err != nil {
		return nil, nil, err
	}
	if c.alexnetOnly || c.evalOnly {
		benches = nil
	}
	if c.evalOnly {
		alexNets = nil
	}
	for _, a := range alexNets {
		benches = append(benches, bench{fmt.Sprintf("AlexNet ch %d step, b=%d, 3×32×32, Chromium", a.ch, a.batch), "steps/s",
			"TF.js 4.22 wasm (SIMD)", "Go wasm sim/convnet " + impl, 0,
			fmt.Sprintf("peer.tfAlexStep('wasm', %d, %d, %g)", a.ch, a.batch, s), fmt.Sprintf("peer.go('alexStep', %g, %d, %d)", s, a.ch, a.batch)})
	}
	if len(alexNets) > 0 {
		notes = append(notes, "AlexNet in Chromium: the reference code's variant as in the native row, SGD lr 0.01 with dropout on, N(0, 1) 3×32×32 inputs; "+
			"TF.js in NHWC (maxPool, dropout, matMul; tf.train.sgd), each convolution a depth-1 conv3d on tf.pad'ed input because its wasm backend "+
			"registers no Conv2DBackpropFilter (tf.conv2d cannot be trained there); Go's sim/convnet in NCHW through im2col and the page's kernels.")
	}
	for _, bn := range benches {
		fmt.Fprintf(os.Stderr, "peerbench: %s: %s vs %s\n", bn.what, bn.peer, bn.ours)
		// warm-up both sides once (JIT, allocations), then alternate
		if _, err := rate(strings.Replace(bn.peerExpr, fmt.Sprintf("%g)", s), "0.3)", 1))(); err != nil {
			return nil, nil, err
		}
		if _, err := rate(strings.Replace(bn.ourExpr, fmt.Sprintf("%g, ", s), "0.3, ", 1))(); err != nil {
			return nil, nil, err
		}
		p, o, err := alternate(c, rate(bn.peerExpr), rate(bn.ourExpr))
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, row{what: bn.what, unit: bn.unit, peer: bn.peer, ours: bn.ours, target: bn.target, peerRates: p, ourRates: o})
	}
	// The in-page noise measurement spread over 2 Web Workers against 1 (and the page's thread).
	if !c.stepOnly && !c.alexnetOnly {
		const what = "in-page noise evaluation 784-100-100-10 (depth 3), b=100, P=60, Chromium"
		for _, b := range []struct {
			peer, peerExpr string
			target         float64
		}{{"1 Web Worker", "1", 1.8}, {"the page's thread", "0", 0}} {
			peerExpr := fmt.Sprintf("peer.goAsync('noiseEval', %g, %s)", s, b.peerExpr)
			ourExpr := fmt.Sprintf("peer.goAsync('noiseEval', %g, 2)", s)
			fmt.Fprintf(os.Stderr, "peerbench: %s: 2 Web Workers vs %s\n", what, b.peer)
			for _, e := range []string{peerExpr, ourExpr} { // warm-up: workers started, data loaded
				if _, err := rate(strings.Replace(e, fmt.Sprintf("%g, ", s), "0.1, ", 1))(); err != nil {
					return nil, nil, err
				}
			}
			p, o, err := alternate(c, rate(peerExpr), rate(ourExpr))
			if err != nil {
				return nil, nil, err
			}
			rows = append(rows, row{what: what, unit: "evaluations/s", peer: "Go wasm, " + b.peer, ours: "Go wasm, 2 Web Workers",
				target: b.target, peerRates: p, ourRates: o})
		}
	}
	// The in-page step against the native one (this process, one goroutine) on the same network
	// and batch, alternating.
	native := nn.NewBenchStep([]int{784, 128, 128, 10}, 100, nn.CrossEntropy, 1)
	for _, k := range kernel.Impls() {
		if k == "go" || c.alexnetOnly || c.evalOnly {
			continue
		}
		nativeRate := withKernel(k, func() (float64, error) { return goSteps(native, s), nil })
		if _, err := nativeRate(); err != nil {
			return nil, nil, err
		}
		p, o, err := alternate(c, nativeRate, rate(fmt.Sprintf("peer.go('step', %g, %q)", s, impl)))
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, row{what: "MLP 784-128-128-10 (depth 3) step, b=100, Chromium vs native", unit: "steps/s",
			peer: "Go native, 1 thread, kernel " + k, ours: "Go wasm " + impl, target: 0.4, peerRates: p, ourRates: o})
	}
	return rows, notes, nil
}
