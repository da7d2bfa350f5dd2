package mlp

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
)

// writeLearnableCIFAR writes c's files into the data directory dir, perFile examples each,
// in the official format: which tenth of an image is bright says its class (mod 10), so a
// network without biases can learn it.
func writeLearnableCIFAR(t *testing.T, dir string, c data.CIFAR, perFile int) {
	t.Helper()
	folder := filepath.Join(data.DatasetsDir(dir), c.Folder)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, name := range append(append([]string{}, c.Train...), c.Test) {
		pixels, labels := make([]uint8, perFile*data.CIFARPixels), make([]uint8, perFile)
		for i := range labels {
			labels[i] = uint8(r.IntN(c.Classes))
			for j := range data.CIFARPixels {
				level := 30 // dark, but the class's tenth of the image is bright
				if j*10/data.CIFARPixels == int(labels[i]%10) {
					level = 150
				}
				pixels[i*data.CIFARPixels+j] = uint8(level + r.IntN(100))
			}
		}
		var b bytes.Buffer
		if err := c.WriteRecords(&b, pixels, labels); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(folder, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCIFARRun trains on CIFAR-format files in the data directory, and fails with the
// command to get the set when they are missing.
func TestCIFARRun(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("the browser's build reads no files: a page fetches the sets from the server")
	}
	dir := t.TempDir()
	data.SetDir(dir)
	defer data.SetDir("")
	s := small(t, "cifar100", 1, map[string]string{"n": "200", "testN": "100"})
	if _, err := Run(context.Background(), s, nil); !errors.Is(err, data.ErrMissing) || !strings.Contains(err.Error(), "tailscope data get cifar100") {
		t.Fatalf("a missing set: got %v, want ErrMissing naming the command", err)
	}
	writeLearnableCIFAR(t, dir, data.CIFAR10, 100)
	s = small(t, "cifar10", 1, map[string]string{"n": "400", "testN": "100", "iters": "100", "evalEvery": "100", "lr": "0.05"})
	train, test, err := LoadData(s)
	if err != nil {
		t.Fatal(err)
	}
	if train.Dim != 3072 || train.Len() != 400 || test.Len() != 100 || train.Classes != 10 {
		t.Fatalf("LoadData: %d×%d train, %d test, %d classes", train.Len(), train.Dim, test.Len(), train.Classes)
	}
	res, err := Run(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, last := res.Evaluations[0], res.Evaluations[len(res.Evaluations)-1]
	t.Logf("test accuracy %.2f, train loss %.3f → %.3f, α̂ %.3f", last.TestAcc, first.TrainLoss, last.TrainLoss, last.Alpha)
	// Chance is 10%; the classes are separated by where the image is bright.
	if last.TestAcc < 0.5 || last.TrainLoss >= first.TrainLoss || !(last.Alpha > 0) {
		t.Errorf("after 100 steps: test accuracy %.2f (want ≥ 0.5), train loss %.3f (at start %.3f), α̂ %v",
			last.TestAcc, last.TrainLoss, first.TrainLoss, last.Alpha)
	}
}
