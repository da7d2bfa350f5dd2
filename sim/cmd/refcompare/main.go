// Command refcompare runs Tailscope and the paper's reference code (main.py of
// github.com/umutsimsekli/sgd_tail_index) on matched CIFAR-10 configurations, seed by seed,
// and prints the comparison as a Markdown table: the α̂ of the training-set and test-set
// noise at every evaluation, from both codes, and their difference.
//
// Both sides follow the reference protocol: Tailscope with preset=reference (last batch kept,
// exact zeros counted, iters + 2 steps, stop at 100 % training accuracy, test-set noise), the
// reference code with its defaults (plain SGD, fixed data order). The two codes draw their
// initial weights and dropout masks from different generators, so seed s of one is not seed s
// of the other: the comparison is between independent runs of the same configuration, to be
// read against each code's own spread over seeds.
//
// Get the reference code (it is never copied into this repository) and run, from the root of
// this repository, with Debian's python3-torch and python3-torchvision:
//
//	git clone https://github.com/umutsimsekli/sgd_tail_index ~/src/sgd_tail_index
//	go run ./sim/cmd/refcompare -official ~/src/sgd_tail_index
//
// Without -data it writes a synthetic set in CIFAR-10's binary format (-n training and -testN
// test images, ten classes) that both codes read: Tailscope the binary files, the reference
// code the same bytes in the Python version torchvision reads (reference.py converts them).
// With -double both train in float64 (the reference's --double, Tailscope's
// precision=float64). With -data DIR (a data directory where `tailscope data get cifar10` put the set) it runs on
// the real CIFAR-10, all 50000 training and 10000 test images, as the reference code always
// does; the reference code then downloads its own copy through torchvision.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tailscope/tailscope/sim/cpuinfo"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/spec"
)

// config is one matched configuration: the network and the training run, shared by both codes.
type config struct {
	Arch         string // "fc" or "alexnet"
	Width, Depth int    // fully connected
	Ch           int    // AlexNet's channel scale
	N, TestN     int
	Batch        int
	LR           float64
	Iters, Every int
	Double       bool // float64: the reference's --double, Tailscope's precision=float64
}

func (c config) name() string {
	if c.Arch == "alexnet" {
		return fmt.Sprintf("AlexNet ch %d", c.Ch)
	}
	return fmt.Sprintf("FC 3072-%s10", strings.Repeat(fmt.Sprintf("%d-", c.Width), c.Depth-1))
}

// query is the Tailscope spec of c for seed.
func (c config) query(seed int) string {
	q := fmt.Sprintf("kind=mlp&preset=reference&dataset=cifar10&subset=first&n=%d&testN=%d&arch=%s&width=%d&depth=%d&ch=%d&batch=%d&lr=%g&iters=%d&evalEvery=%d&seed=%d",
		c.N, c.TestN, c.Arch, c.Width, c.Depth, c.Ch, c.Batch, c.LR, c.Iters, c.Every, seed)
	if c.Double {
		q += "&precision=float64"
	}
	return q
}

// referenceArgs are main.py's flags for c and seed.
func (c config) referenceArgs(seed int, path, saveDir string) []string {
	args := []string{"--dataset", "cifar10", "--path", path, "--save_dir", saveDir, "--no_cuda",
		"--model", c.Arch, "--seed", strconv.Itoa(seed), "--lr", strconv.FormatFloat(c.LR, 'g', -1, 64),
		"--batch_size_train", strconv.Itoa(c.Batch), "--batch_size_eval", strconv.Itoa(c.Batch),
		"--iterations", strconv.Itoa(c.Iters), "--eval_freq", strconv.Itoa(c.Every), "--print_freq", strconv.Itoa(c.Iters + 10)}
	if c.Double {
		args = append(args, "--double")
	}
	if c.Arch == "alexnet" {
		return append(args, "--scale", strconv.Itoa(c.Ch))
	}
	return append(args, "--width", strconv.Itoa(c.Width), "--depth", strconv.Itoa(c.Depth))
}

// point is one evaluation of one run.
type point struct {
	Iter                  int
	TrainAcc              float64 // fraction
	TrainAlpha, TestAlpha float64 // pooled Mohammadi, zeros kept (the reference's estimate)
}

// row pairs the two codes' evaluations at one iteration of one seed.
type row struct {
	Config     string
	Seed, Iter int
	Tailscope  point
	Reference  point
}

func main() {
	official := flag.String("official", "", "checkout of github.com/umutsimsekli/sgd_tail_index (required)")
	dataDir := flag.String("data", "", "data directory holding the real CIFAR-10 (tailscope data get cifar10); empty: a synthetic set")
	work := flag.String("work", "", "folder for the synthetic set and the reference code's files (default: a temporary folder, removed at the end)")
	python := flag.String("python", "/usr/bin/python3", "the Python with torch and torchvision")
	runner := flag.String("runner", "sim/cmd/refcompare/reference.py", "the runner of the reference code")
	seeds := flag.String("seeds", "0,1,2", "seeds, comma-separated")
	archs := flag.String("archs", "fc,alexnet", "networks, comma-separated: fc, alexnet")
	n := flag.Int("n", 1000, "training images of the synthetic set")
	testN := flag.Int("testN", 500, "test images of the synthetic set")
	width := flag.Int("width", 100, "width of the fully connected net")
	depth := flag.Int("depth", 3, "layers of the fully connected net")
	ch := flag.Int("ch", 64, "AlexNet's channel scale")
	batch := flag.Int("batch", 100, "minibatch size (training and noise)")
	lr := flag.Float64("lr", 0.1, "learning rate")
	iters := flag.Int("iters", 100, "iterations (both codes make iters + 2 steps)")
	every := flag.Int("evalEvery", 25, "iterations between evaluations")
	double := flag.Bool("double", false, "train in float64 on both sides: the reference's --double, Tailscope's precision=float64")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	base := config{Width: *width, Depth: *depth, Ch: *ch, N: *n, TestN: *testN, Batch: *batch, LR: *lr, Iters: *iters, Every: *every, Double: *double}
	if err := run(ctx, os.Stdout, base, *official, *dataDir, *work, *python, *runner, *seeds, *archs); err != nil {
		fmt.Fprintln(os.Stderr, "refcompare:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, base config, official, dataDir, work, python, runner, seedList, archList string) error {
	if official == "" {
		return fmt.Errorf("-official: give a checkout of the reference code (git clone https://github.com/umutsimsekli/sgd_tail_index)")
	}
	if _, err := os.Stat(filepath.Join(official, "main.py")); err != nil {
		return fmt.Errorf("-official %s: %w", official, err)
	}
	seeds, err := parseInts(seedList)
	if err != nil {
		return fmt.Errorf("-seeds: %w", err)
	}
	if work == "" {
		if work, err = os.MkdirTemp("", "refcompare-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	synthetic := dataDir == ""
	if synthetic {
		dataDir = filepath.Join(work, "data")
		if err := writeSynthetic(dataDir, base.N, base.TestN, 1); err != nil {
			return err
		}
	}
	trainN, testN, err := data.CIFAR10.Present(dataDir)
	if err != nil {
		return err
	}
	base.N, base.TestN = trainN, testN // the reference code always uses the whole files
	data.SetDir(dataDir)

	cpu := fmt.Sprintf("%s, %d cores", cpuinfo.Describe(), runtime.NumCPU())
	fmt.Fprintf(w, "CIFAR-10 %s: %d training and %d test images; b = %d, lr %g, %d iterations (+2), noise every %d; %s; %s, %s\n\n",
		map[bool]string{true: "synthetic (binary format, 10 classes)", false: "from " + dataDir}[synthetic],
		trainN, testN, base.Batch, base.LR, base.Iters, base.Every,
		map[bool]string{false: "float32", true: "float64 (--double, precision=float64)"}[base.Double], cpu, runtime.Version())
	var rows []row
	for _, arch := range strings.Split(archList, ",") {
		c := base
		c.Arch = strings.TrimSpace(arch)
		if c.Arch != "fc" && c.Arch != "alexnet" {
			return fmt.Errorf("-archs: %q is not fc or alexnet", c.Arch)
		}
		for _, seed := range seeds {
			t0 := time.Now()
			ts, err := runTailscope(ctx, c, seed)
			if err != nil {
				return fmt.Errorf("%s seed %d, Tailscope: %w", c.name(), seed, err)
			}
			t1 := time.Now()
			ref, err := runReference(ctx, c, seed, python, runner, official, work, dataDir, synthetic)
			if err != nil {
				return fmt.Errorf("%s seed %d, reference code: %w", c.name(), seed, err)
			}
			fmt.Fprintf(os.Stderr, "%s seed %d: Tailscope %.1f s, reference %.1f s\n", c.name(), seed, t1.Sub(t0).Seconds(), time.Since(t1).Seconds())
			rows = append(rows, pair(c.name(), seed, ts, ref)...)
		}
	}
	writeTable(w, rows)
	return nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// writeSynthetic writes a CIFAR-10 in the binary format into dir's datasets folder: n
// training images spread over the five data_batch files and testN test images. Each image is
// its class's random prototype blended at 10 % into uniform noise, and one label in three is
// replaced by a uniform draw, so that a network learns the set but does not fit all of it
// within a few hundred steps (the reference protocol stops at 100 % training accuracy). The
// same seed writes the same bytes.
func writeSynthetic(dir string, n, testN int, seed uint64) error {
	if n < 5 || testN < 1 {
		return fmt.Errorf("synthetic set: want n ≥ 5 and testN ≥ 1, got %d and %d", n, testN)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	const classes = 10
	protos := make([]uint8, classes*data.CIFARPixels)
	for i := range protos {
		protos[i] = uint8(rng.UintN(256))
	}
	examples := func(k int) (pixels, labels []uint8) {
		pixels, labels = make([]uint8, k*data.CIFARPixels), make([]uint8, k)
		for i := range labels {
			y := uint8(rng.UintN(classes))
			p := protos[int(y)*data.CIFARPixels:]
			for j := range data.CIFARPixels {
				pixels[i*data.CIFARPixels+j] = uint8((10*int(p[j]) + 90*int(rng.UintN(256))) / 100)
			}
			if rng.UintN(3) == 0 {
				y = uint8(rng.UintN(classes))
			}
			labels[i] = y
		}
		return pixels, labels
	}
	folder := filepath.Join(data.DatasetsDir(dir), data.CIFAR10.Folder)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return err
	}
	write := func(name string, k int) error {
		pixels, labels := examples(k)
		f, err := os.Create(filepath.Join(folder, name))
		if err != nil {
			return err
		}
		if err := data.CIFAR10.WriteRecords(f, pixels, labels); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	for i, name := range data.CIFAR10.Train {
		if err := write(name, n*(i+1)/5-n*i/5); err != nil {
			return err
		}
	}
	return write(data.CIFAR10.Test, testN)
}

func runTailscope(ctx context.Context, c config, seed int) ([]point, error) {
	s, err := spec.ParseArg(c.query(seed), "mlp")
	if err != nil {
		return nil, err
	}
	res, err := mlp.Run(ctx, s, nil)
	if err != nil {
		return nil, err
	}
	var out []point
	for _, e := range res.Evaluations {
		p := point{Iter: e.Iter, TrainAcc: e.TrainAcc, TrainAlpha: e.Noise.AlphaRef.Alpha, TestAlpha: math.NaN()}
		if e.TestNoise != nil {
			p.TestAlpha = e.TestNoise.AlphaRef.Alpha
		}
		out = append(out, p)
	}
	return out, nil
}

func runReference(ctx context.Context, c config, seed int, python, runner, official, work, dataDir string, synthetic bool) ([]point, error) {
	dir := filepath.Join(work, fmt.Sprintf("reference-%s-%d", c.Arch, seed))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "histories.json")
	args := []string{runner, "--official", official, "--json", out}
	path := filepath.Join(work, "torchvision")
	if synthetic {
		args = append(args, "--from-binary", filepath.Join(data.DatasetsDir(dataDir), data.CIFAR10.Folder))
	}
	args = append(args, "--")
	args = append(args, c.referenceArgs(seed, path, filepath.Join(dir, "results"))...)
	log, err := os.Create(filepath.Join(dir, "log.txt"))
	if err != nil {
		return nil, err
	}
	defer log.Close()
	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		tail, _ := os.ReadFile(log.Name())
		return nil, fmt.Errorf("%s %s: %w\n%s", python, strings.Join(args, " "), err, lastLines(string(tail), 15))
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	var h struct{ Train, Test [][]float64 }
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("reading %s: %w", out, err)
	}
	if len(h.Train) != len(h.Test) {
		return nil, fmt.Errorf("%s: %d training and %d test evaluations", out, len(h.Train), len(h.Test))
	}
	var pts []point
	for i, tr := range h.Train { // rows: iteration, loss, accuracy in %, α̂
		if len(tr) != 4 || len(h.Test[i]) != 4 {
			return nil, fmt.Errorf("%s: evaluation %d is not [iter, loss, acc, alpha]", out, i)
		}
		pts = append(pts, point{Iter: int(tr[0]), TrainAcc: tr[2] / 100, TrainAlpha: tr[3], TestAlpha: h.Test[i][3]})
	}
	return pts, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// pair matches the two codes' evaluations by iteration. Where only one code evaluated (one
// stopped at 100 % training accuracy earlier than the other), the other's point is NaN.
func pair(name string, seed int, ts, ref []point) []row {
	missing := point{TrainAcc: math.NaN(), TrainAlpha: math.NaN(), TestAlpha: math.NaN()}
	var rows []row
	i, j := 0, 0
	for i < len(ts) || j < len(ref) {
		r := row{Config: name, Seed: seed, Tailscope: missing, Reference: missing}
		switch {
		case j == len(ref) || (i < len(ts) && ts[i].Iter < ref[j].Iter):
			r.Iter, r.Tailscope = ts[i].Iter, ts[i]
			i++
		case i == len(ts) || ref[j].Iter < ts[i].Iter:
			r.Iter, r.Reference = ref[j].Iter, ref[j]
			j++
		default:
			r.Iter, r.Tailscope, r.Reference = ts[i].Iter, ts[i], ref[j]
			i, j = i+1, j+1
		}
		rows = append(rows, r)
	}
	return rows
}

// writeTable prints every evaluation, then per configuration and set the differences between
// the codes (at the same seed and iteration) beside each code's own spread over seeds (the
// largest, over iterations, of max − min across seeds).
func writeTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| network | seed | iter | train acc T / R | α̂ train, Tailscope | α̂ train, reference | Δ | α̂ test, Tailscope | α̂ test, reference | Δ |")
	fmt.Fprintln(w, "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %d | %d | %s / %s | %s | %s | %s | %s | %s | %s |\n", r.Config, r.Seed, r.Iter,
			num("%.3f", r.Tailscope.TrainAcc), num("%.3f", r.Reference.TrainAcc),
			num("%.4f", r.Tailscope.TrainAlpha), num("%.4f", r.Reference.TrainAlpha), num("%+.4f", r.Tailscope.TrainAlpha-r.Reference.TrainAlpha),
			num("%.4f", r.Tailscope.TestAlpha), num("%.4f", r.Reference.TestAlpha), num("%+.4f", r.Tailscope.TestAlpha-r.Reference.TestAlpha))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| network | noise of | pairs | largest \\|Δ\\| | mean Δ | seed spread, Tailscope | seed spread, reference |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|")
	for _, s := range summarise(rows) {
		fmt.Fprintf(w, "| %s | %s | %d | %.4f | %+.4f | %.4f | %.4f |\n", s.Config, s.Set, s.Pairs, s.MaxAbsDiff, s.MeanDiff, s.SpreadT, s.SpreadR)
	}
}

// num formats v, or an em dash for a missing value (NaN).
func num(format string, v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf(format, v)
}

type summary struct {
	Config, Set                            string
	Pairs                                  int
	MaxAbsDiff, MeanDiff, SpreadT, SpreadR float64
}

func summarise(rows []row) []summary {
	var configs []string
	for _, r := range rows {
		if !slices.Contains(configs, r.Config) {
			configs = append(configs, r.Config)
		}
	}
	var out []summary
	for _, c := range configs {
		for _, set := range []string{"training set", "test set"} {
			get := func(p point) float64 {
				if set == "training set" {
					return p.TrainAlpha
				}
				return p.TestAlpha
			}
			s := summary{Config: c, Set: set}
			spread := func(byIter map[int][]float64) float64 {
				worst := 0.0
				for _, v := range byIter {
					if len(v) > 1 {
						worst = max(worst, slices.Max(v)-slices.Min(v))
					}
				}
				return worst
			}
			tsBy, refBy := map[int][]float64{}, map[int][]float64{}
			for _, r := range rows {
				if r.Config != c {
					continue
				}
				a, b := get(r.Tailscope), get(r.Reference)
				if !math.IsNaN(a) {
					tsBy[r.Iter] = append(tsBy[r.Iter], a)
				}
				if !math.IsNaN(b) {
					refBy[r.Iter] = append(refBy[r.Iter], b)
				}
				if d := a - b; !math.IsNaN(d) {
					s.MaxAbsDiff = max(s.MaxAbsDiff, math.Abs(d))
					s.MeanDiff += d
					s.Pairs++
				}
			}
			if s.Pairs > 0 {
				s.MeanDiff /= float64(s.Pairs)
			}
			s.SpreadT, s.SpreadR = spread(tsBy), spread(refBy)
			out = append(out, s)
		}
	}
	return out
}
