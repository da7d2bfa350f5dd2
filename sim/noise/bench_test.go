package noise

import (
	"context"
	"errors"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
)

// BenchmarkMeasure times one full-protocol measurement: 784-100-100-10 on MNIST's 60000
// training images, P = 600 batches of 100 (1200 minibatch gradients, 53.6 million noise
// values). B/op is the memory the measurement allocates on top of the data set, which is
// its peak: buffers of O(M) only. Run with -benchtime=1x.
func BenchmarkMeasure(b *testing.B) {
	train, err := data.MNIST(true)
	if errors.Is(err, data.ErrNoMNIST) {
		b.Skipf("MNIST not reachable: %v", err)
	}
	if err != nil {
		b.Fatal(err)
	}
	net, _ := nn.New([]int{784, 100, 100, 10}, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Measure(context.Background(), net, nn.CrossEntropy, train, Config{Batch: 100}); err != nil {
			b.Fatal(err)
		}
	}
}
