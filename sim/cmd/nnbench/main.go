//go:build !js && !wasip1

// Command nnbench compares Tailscope's network code with PyTorch (Debian's python3-torch on
// OpenBLAS, run by /usr/bin/python3 on one thread; it refuses a PyTorch on another BLAS, see
// sim/internal/torchpeer) in the same run, alternating the two:
//
//   - step: one SGD step of 784-128-128-10 (no biases, ReLU, cross-entropy, lr 0.1) at b = 100;
//   - eval: one full-protocol noise evaluation of 784-100-100-10 on MNIST's 60000 training
//     images (P = 600 minibatches of 100): sim/noise streams it in two passes, the PyTorch
//     peer keeps the P×M gradient matrix as the paper's reference code does (preallocated, |x|
//     by abs(): the fastest correct PyTorch procedure for the same estimate).
//
// It prints each round and the median ratio Go/PyTorch. The peer is torch_peer.py, next to
// this file.
//
//	go run ./sim/cmd/nnbench -rounds 3 -eval
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/internal/torchpeer"
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/noise"
)

func main() {
	rounds := flag.Int("rounds", 3, "rounds of each side")
	python := flag.String("python", "/usr/bin/python3", "the Python that has torch")
	peer := flag.String("peer", "sim/cmd/nnbench/torch_peer.py", "the PyTorch peer script")
	seconds := flag.Float64("seconds", 3, "seconds per step measurement")
	eval := flag.Bool("eval", false, "also compare one full-protocol noise evaluation (slow: ~10 s a side)")
	flag.Parse()
	if err := run(*rounds, *python, *peer, *seconds, *eval); err != nil {
		fmt.Fprintln(os.Stderr, "nnbench:", err)
		os.Exit(1)
	}
}

func run(rounds int, python, peer string, seconds float64, eval bool) error {
	if err := torchpeer.Check(context.Background(), python); err != nil {
		return fmt.Errorf("%w (%s)", err, torchpeer.InstallCommand())
	}
	fmt.Printf("%s %s/%s, GOMAXPROCS=%d; PyTorch on one thread\n\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Println("step 784-128-128-10, b=100:")
	var goS, ptS []float64
	for r := 0; r < rounds; r++ {
		g := goStep(seconds)
		var p struct {
			StepsPerS float64 `json:"steps_per_s"`
		}
		if err := runPeer(python, peer, &p, "step", fmt.Sprint(seconds)); err != nil {
			return err
		}
		goS, ptS = append(goS, g), append(ptS, p.StepsPerS)
		fmt.Printf("  round %d: Go %7.1f steps/s   PyTorch %7.1f steps/s   ratio %.2f\n", r+1, g, p.StepsPerS, g/p.StepsPerS)
	}
	fmt.Printf("  median: Go %.1f steps/s, PyTorch %.1f steps/s, Go/PyTorch = %.2f\n", median(goS), median(ptS), median(goS)/median(ptS))
	if !eval {
		return nil
	}
	train, err := data.MNIST(true)
	if err != nil {
		return err
	}
	dir, _ := data.MNISTDir()
	fmt.Println("\nfull-protocol noise evaluation, 784-100-100-10 on MNIST (60000 images, P=600, b=100):")
	var goT, ptT []float64
	for r := 0; r < rounds; r++ {
		secs, peak, alpha, err := goEval(train)
		if err != nil {
			return err
		}
		var p struct {
			Seconds float64 `json:"seconds"`
			Alpha   float64 `json:"alpha"`
			Peak    float64 `json:"peak_rss_growth_bytes"`
		}
		if err := runPeer(python, peer, &p, "eval", dir); err != nil {
			return err
		}
		goT, ptT = append(goT, secs), append(ptT, p.Seconds)
		fmt.Printf("  round %d: Go %.2f s, peak heap growth %.0f MiB, α̂ %.3f   PyTorch (reference method) %.2f s, peak RSS growth %.0f MiB, α̂ %.3f   time ratio Go/PyTorch %.2f\n",
			r+1, secs, peak/(1<<20), alpha, p.Seconds, p.Peak/(1<<20), p.Alpha, secs/p.Seconds)
	}
	fmt.Printf("  median: Go %.2f s, PyTorch %.2f s, Go/PyTorch = %.2f\n", median(goT), median(ptT), median(goT)/median(ptT))
	return nil
}

func goStep(seconds float64) float64 {
	step := nn.NewBenchStep([]int{784, 128, 128, 10}, 100, nn.CrossEntropy, 1)
	for i := 0; i < 20; i++ {
		step()
	}
	res := testing.Benchmark(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			step()
		}
	})
	// testing.Benchmark targets 1 s; repeat until the wanted time is reached.
	n, d := res.N, res.T
	for d.Seconds() < seconds {
		t0 := time.Now()
		for i := 0; i < res.N; i++ {
			step()
		}
		n, d = n+res.N, d+time.Since(t0)
	}
	return float64(n) / d.Seconds()
}

// goEval runs one full-protocol measurement and returns its time, the peak growth of the
// live heap while it ran (sampled every 5 ms after a GC), and the pooled α̂ with zeros kept,
// as the reference code computes it.
func goEval(train *data.Set) (secs, peak, alpha float64, err error) {
	net, err := nn.New([]int{784, 100, 100, 10}, 1)
	if err != nil {
		return 0, 0, 0, err
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var top atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > top.Load() {
				top.Store(m.HeapAlloc)
			}
		}
	}()
	t0 := time.Now()
	m, err := noise.Measure(context.Background(), net, nn.CrossEntropy, train, noise.Config{Batch: 100, Subsample: -1})
	secs = time.Since(t0).Seconds()
	close(stop)
	wg.Wait()
	if err != nil {
		return 0, 0, 0, err
	}
	return secs, float64(top.Load()) - float64(base), m.AlphaRef.Alpha, nil
}

func runPeer(python, peer string, out any, args ...string) error {
	if _, err := os.Stat(peer); err != nil {
		return fmt.Errorf("PyTorch peer %s: %w (run from the repository root or pass -peer)", peer, err)
	}
	cmd := exec.Command(python, append([]string{filepath.Clean(peer)}, args...)...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s %s: %w", python, peer, err)
	}
	return json.Unmarshal(b, out)
}

func median(x []float64) float64 {
	s := slices.Sorted(slices.Values(x))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
