package noise

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/kernel"
	"github.com/tailscope/tailscope/sim/nn"
)

// BenchmarkMeasure times one full-protocol measurement: 784-100-100-10 on MNIST's 60000
// training images, P = 600 batches of 100 (1200 minibatch gradients, 53.6 million noise
// values). B/op is the memory the measurement allocates on top of the data set, which is
// its peak: buffers of O(M) only. Run with -benchtime=1x.
func BenchmarkMeasure(b *testing.B) {
	train := benchMNIST(b)
	net, _ := nn.New([]int{784, 100, 100, 10}, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Measure(context.Background(), net, nn.CrossEntropy, train, Config{Batch: 100}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMeasureWorkers times a measurement of wider networks (784-w-w-10, 200 of MNIST's
// batches of 100) with one worker, with two (Config.Workers: the batches cut into two
// ranges), and with one worker whose products are split between two goroutines
// (kernel.SetThreads, bit for bit the one-worker numbers): compare their ns/op in a -cpu 2 run.
func BenchmarkMeasureWorkers(b *testing.B) {
	train := benchMNIST(b)
	for _, width := range []int{256, 512} {
		net, _ := nn.New([]int{784, width, width, 10}, 1)
		for _, c := range []struct {
			name             string
			workers, kthread int
		}{{"workers1", 1, 1}, {"workers2", 2, 1}, {"kernel2", 1, 2}} {
			b.Run(fmt.Sprintf("w%d/%s", width, c.name), func(b *testing.B) {
				defer kernel.SetThreads(kernel.SetThreads(c.kthread))
				for i := 0; i < b.N; i++ {
					if _, err := Measure(context.Background(), net, nn.CrossEntropy, train, Config{Batch: 100, Batches: 200, Workers: c.workers}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// benchMNIST returns MNIST's training set, or skips b where it cannot be read.
func benchMNIST(b *testing.B) *data.Set {
	b.Helper()
	train, err := data.MNIST(true)
	if errors.Is(err, data.ErrNoMNIST) {
		b.Skipf("MNIST not reachable: %v", err)
	}
	if err != nil {
		b.Fatal(err)
	}
	return train
}
