package data

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

// mnistOrSkip loads MNIST or skips: under js/wasm (node) the module cache may be unreachable.
func mnistOrSkip(t testing.TB, train bool) *Set {
	t.Helper()
	s, err := MNIST(train)
	if errors.Is(err, ErrNoMNIST) {
		t.Skipf("MNIST files not reachable here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMNISTKnownValues(t *testing.T) {
	for _, tc := range []struct {
		train  bool
		n      int
		first  []uint8 // first labels, published with the data set
		counts [10]int // per-class counts, published with the data set
	}{
		{true, 60000, []uint8{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}},
		{false, 10000, []uint8{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}},
	} {
		t.Run(fmt.Sprintf("train=%v", tc.train), func(t *testing.T) {
			s := mnistOrSkip(t, tc.train)
			if s.Len() != tc.n || s.Dim != 784 || s.Classes != 10 {
				t.Fatalf("train=%v: got %d×%d, %d classes; want %d×784, 10", tc.train, s.Len(), s.Dim, s.Classes, tc.n)
			}
			if !bytes.Equal(s.Y[:10], tc.first) {
				t.Errorf("train=%v: first labels %v, want %v", tc.train, s.Y[:10], tc.first)
			}
			var counts [10]int
			for _, y := range s.Y {
				counts[y]++
			}
			if counts != tc.counts {
				t.Errorf("train=%v: class counts %v, want %v", tc.train, counts, tc.counts)
			}
			// The paper's normalisation: the whole training set has mean ≈ 0 and std ≈ 1 by
			// construction (0.1307 and 0.3081 are its pixel mean and std to 4 digits).
			if tc.train {
				var sum, sq float64
				for _, x := range s.X {
					sum += float64(x)
					sq += float64(x) * float64(x)
				}
				m := sum / float64(len(s.X))
				sd := math.Sqrt(sq/float64(len(s.X)) - m*m)
				if math.Abs(m) > 1e-3 || math.Abs(sd-1) > 1e-3 {
					t.Errorf("normalised training pixels: mean %.5f, std %.5f; want 0, 1 within 1e-3", m, sd)
				}
				// Background pixel: (0 − 0.1307)/0.3081.
				if want := float32(-0.1307) / 0.3081; s.X[0] != want {
					t.Errorf("X[0] = %v, want %v", s.X[0], want)
				}
			}
		})
	}
}

// TestPinnedVersion keeps the fallback version of GoMNIST in step with go.mod.
func TestPinnedVersion(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Skipf("go.mod not readable here: %v", err)
	}
	if want := mnistModule + " " + mnistPinned; !strings.Contains(string(mod), want) {
		t.Errorf("go.mod does not require %q: update mnistPinned", want)
	}
}

func TestBalancedAndSlice(t *testing.T) {
	s := mnistOrSkip(t, true)
	b, err := s.Balanced(1003)
	if err != nil {
		t.Fatal(err)
	}
	var counts [10]int
	for _, y := range b.Y {
		counts[y]++
	}
	want := [10]int{101, 101, 101, 100, 100, 100, 100, 100, 100, 100}
	if counts != want {
		t.Errorf("Balanced(1003) class counts %v, want %v", counts, want)
	}
	// First example is the training set's first (label 5), kept in order.
	if !bytes.Equal(b.Pixels[:784], s.Pixels[:784]) || b.Y[0] != 5 {
		t.Errorf("Balanced(1003) does not start with the first training image")
	}
	sl, err := s.Slice(100, 50)
	if err != nil {
		t.Fatal(err)
	}
	if sl.Len() != 50 || sl.Y[0] != s.Y[100] || sl.X[0] != s.X[100*784] {
		t.Errorf("Slice(100, 50): len %d, first label %d (want %d)", sl.Len(), sl.Y[0], s.Y[100])
	}
}

// TestMNISTSubset checks that the lean subsets equal the subsets of the full set.
func TestMNISTSubset(t *testing.T) {
	full := mnistOrSkip(t, false)
	for _, balanced := range []bool{false, true} {
		got, err := MNISTSubset(false, 777, balanced)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := full.Slice(0, 777)
		if balanced {
			want, _ = full.Balanced(777)
		}
		if got.Name != want.Name || !slicesEqual(got.X, want.X) || !bytes.Equal(got.Y, want.Y) || !bytes.Equal(got.Pixels, want.Pixels) {
			t.Errorf("MNISTSubset(test, 777, %v) differs from the subset of the full set", balanced)
		}
	}
	if _, err := MNISTSubset(false, 10001, false); err == nil {
		t.Error("MNISTSubset of 10001 test examples: no error")
	}
}

func TestSliceErrors(t *testing.T) {
	s, _ := Blobs(10, 1, 0)
	for _, tc := range []struct{ off, n int }{{-1, 2}, {0, 0}, {9, 2}, {11, 1}, {0, 11}} {
		t.Run(fmt.Sprintf("Slice(%d,%d)", tc.off, tc.n), func(t *testing.T) {
			if _, err := s.Slice(tc.off, tc.n); err == nil {
				t.Errorf("Slice(%d, %d) of 10: no error", tc.off, tc.n)
			}
		})
	}
	if _, err := s.Balanced(11); err == nil {
		t.Errorf("Balanced(11) of 10: no error")
	}
}

func TestSynthetic(t *testing.T) {
	for _, name := range []string{"blobs", "spirals"} {
		a, err := Synthetic(name, 3000, 7, 0)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Synthetic(name, 3000, 7, 0)
		c, _ := Synthetic(name, 3000, 7, 1)
		if err := a.Check(); err != nil {
			t.Fatal(err)
		}
		if !slicesEqual(a.X, b.X) || !bytes.Equal(a.Y, b.Y) {
			t.Errorf("%s: same seed gave different sets", name)
		}
		if slicesEqual(a.X, c.X) {
			t.Errorf("%s: streams 0 and 1 gave the same set", name)
		}
		// Class means: blobs are centred at radius 2.5, angle 2πc/3 (std 1, n=1000 per class:
		// the mean's standard error is 0.032, so 0.15 is ~5 SE); the two spirals are
		// point-symmetric, so their class means are opposite.
		means := make([][2]float64, a.Classes)
		counts := make([]int, a.Classes)
		for i, y := range a.Y {
			means[y][0] += float64(a.X[2*i])
			means[y][1] += float64(a.X[2*i+1])
			counts[y]++
		}
		for c := range means {
			means[c][0] /= float64(counts[c])
			means[c][1] /= float64(counts[c])
		}
		if name == "blobs" {
			for c, m := range means {
				a := 2 * math.Pi * float64(c) / 3
				if math.Hypot(m[0]-2.5*math.Cos(a), m[1]-2.5*math.Sin(a)) > 0.15 {
					t.Errorf("blobs class %d mean %v, want (%.3f, %.3f) within 0.15", c, m, 2.5*math.Cos(a), 2.5*math.Sin(a))
				}
			}
		} else if math.Hypot(means[0][0]+means[1][0], means[0][1]+means[1][1]) > 0.1 {
			t.Errorf("spiral class means %v and %v are not opposite (within 0.1)", means[0], means[1])
		}
	}
}

func slicesEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBinaryRoundTrip(t *testing.T) {
	blobs, _ := Blobs(100, 3, 0)
	sets := []*Set{blobs}
	if m, err := MNIST(false); err == nil {
		sub, _ := m.Slice(0, 200)
		sets = append(sets, sub)
	}
	for _, s := range sets {
		var buf bytes.Buffer
		if err := s.WriteBinary(&buf); err != nil {
			t.Fatal(err)
		}
		if want := BinarySize(len(s.Name), s.Len(), s.Dim, s.Pixels != nil); int64(buf.Len()) != want {
			t.Errorf("%s: %d bytes, BinarySize says %d", s.Name, buf.Len(), want)
		}
		got, err := ReadBinary(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		if got.Name != s.Name || got.Dim != s.Dim || got.Classes != s.Classes || !bytes.Equal(got.Y, s.Y) ||
			!slicesEqual(got.X, s.X) || !bytes.Equal(got.Pixels, s.Pixels) {
			t.Errorf("%s: round trip changed the set", s.Name)
		}
		// Every truncation is an error, and so is every single-byte corruption.
		b := buf.Bytes()
		for k := 0; k < len(b); k += 1 + len(b)/97 {
			if _, err := ReadBinary(bytes.NewReader(b[:k])); err == nil {
				t.Errorf("%s: truncated to %d of %d bytes: no error", s.Name, k, len(b))
			}
			c := bytes.Clone(b)
			c[k] ^= 0x10
			if _, err := ReadBinary(bytes.NewReader(c)); err == nil {
				t.Errorf("%s: byte %d flipped: no error", s.Name, k)
			}
		}
		if _, err := ReadBinary(bytes.NewReader(append(bytes.Clone(b), 0))); err == nil || !strings.Contains(err.Error(), "trailing") {
			t.Errorf("%s: trailing byte: got %v, want an error about trailing bytes", s.Name, err)
		}
	}
}

func TestReadBinaryErrors(t *testing.T) {
	s, _ := Blobs(4, 1, 0)
	var buf bytes.Buffer
	s.WriteBinary(&buf)
	good := buf.Bytes()
	for _, tc := range []struct {
		name string
		edit func(b []byte) []byte
		want string
	}{
		{"empty", func(b []byte) []byte { return nil }, "truncated in the header"},
		{"magic", func(b []byte) []byte { b[0] = 'X'; return b }, "magic"},
		{"version", func(b []byte) []byte { b[4] = 9; return b }, "version"},
		{"encoding", func(b []byte) []byte { b[5] = 4; return b }, "unknown feature encoding 4"},
		{"classes", func(b []byte) []byte { b[6] = 0; return b }, "0 classes"},
		{"huge n", func(b []byte) []byte { b[11] = 0xff; return b }, "examples"},
		{"checksum", func(b []byte) []byte { b[len(b)-1] ^= 1; return b }, "checksum"},
		{"truncated features", func(b []byte) []byte { return b[:len(b)-9] }, "truncated in the features"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadBinary(bytes.NewReader(tc.edit(bytes.Clone(good))))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.want)
			}
		})
	}
}

func FuzzReadBinary(f *testing.F) {
	s, _ := Blobs(5, 1, 0)
	var buf bytes.Buffer
	s.WriteBinary(&buf)
	f.Add(buf.Bytes())
	p := &Set{Name: "px", Dim: 3, Classes: 2, Y: []uint8{0, 1}, Pixels: []uint8{0, 128, 255, 1, 2, 3},
		Mean: 0.5, Std: 0.25, X: make([]float32, 6)}
	normalise(p.X, p.Pixels, p.Mean, p.Std)
	buf.Reset()
	p.WriteBinary(&buf)
	f.Add(buf.Bytes())
	planes := &Set{Name: "rgb", Dim: 4, Classes: 3, Y: []uint8{2}, Pixels: []uint8{0, 9, 200, 255},
		PlaneMean: []float32{0.5, 0.25}, PlaneStd: []float32{0.2, 0.3}, X: make([]float32, 4)}
	planes.normalisePixels()
	buf.Reset()
	planes.WriteBinary(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte("TSDS"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ReadBinary(bytes.NewReader(b))
		if err != nil {
			return
		}
		if err := s.Check(); err != nil {
			t.Fatalf("ReadBinary accepted an inconsistent set: %v", err)
		}
		var out bytes.Buffer
		if err := s.WriteBinary(&out); err != nil {
			t.Fatalf("rewriting an accepted set: %v", err)
		}
		if !bytes.Equal(out.Bytes(), b) {
			t.Fatalf("rewriting an accepted set changed its bytes")
		}
	})
}

func TestCatalogLoad(t *testing.T) {
	SetDir(t.TempDir()) // no CIFAR there: TestCIFARFromDataDir loads it
	defer SetDir("")
	for _, info := range Catalog() {
		if info.Get != "" {
			if _, err := Load(info.Name); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), info.Get) {
				t.Errorf("%s: Load gives %v, want ErrMissing naming %q", info.Name, err, info.Get)
			}
			continue
		}
		if strings.HasPrefix(info.Name, "mnist") {
			mnistOrSkip(t, true)
		}
		s, err := Load(info.Name)
		if err != nil {
			t.Fatal(err)
		}
		n := 1
		for _, d := range info.Shape {
			n *= d
		}
		if s.Len() != info.Examples || s.Dim != n || s.Classes != info.Classes {
			t.Errorf("%s: Load gives %d×%d, %d classes; Catalog says %d×%v, %d", info.Name, s.Len(), s.Dim, s.Classes, info.Examples, info.Shape, info.Classes)
		}
	}
	if _, err := Load("imagenet"); err == nil || !strings.Contains(err.Error(), "mnist-train") {
		t.Errorf("Load(imagenet): got %v, want an error listing the known sets", err)
	}
}
