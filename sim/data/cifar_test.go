package data

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// randomCIFAR returns n examples of random pixels and labels drawn from seed.
func randomCIFAR(c CIFAR, n int, seed uint64) (pixels, labels []uint8) {
	r := rand.New(rand.NewPCG(seed, 7))
	pixels, labels = make([]uint8, n*CIFARPixels), make([]uint8, n)
	for i := range pixels {
		pixels[i] = uint8(r.IntN(256))
	}
	for i := range labels { // every class present in the first Classes examples
		labels[i] = uint8((i + int(seed)) % c.Classes)
	}
	return pixels, labels
}

// writeCIFARDir writes c's files into the data directory dir, perFile examples each.
func writeCIFARDir(t *testing.T, dir string, c CIFAR, perFile int) {
	t.Helper()
	folder := filepath.Join(DatasetsDir(dir), c.Folder)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, name := range append(append([]string{}, c.Train...), c.Test) {
		p, l := randomCIFAR(c, perFile, uint64(i))
		var b bytes.Buffer
		if err := c.WriteRecords(&b, p, l); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(folder, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadCIFARRoundTrip(t *testing.T) {
	for _, c := range CIFARSets() {
		t.Run(c.Name, func(t *testing.T) {
			p, l := randomCIFAR(c, 7, 1)
			var b bytes.Buffer
			if err := c.WriteRecords(&b, p, l); err != nil {
				t.Fatal(err)
			}
			if b.Len() != 7*c.RecordSize() {
				t.Fatalf("7 records take %d bytes, want %d", b.Len(), 7*c.RecordSize())
			}
			gp, gl, err := c.ReadCIFAR(bytes.NewReader(b.Bytes()), int64(b.Len()))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(gp, p) || !bytes.Equal(gl, l) {
				t.Errorf("records do not read back as written")
			}
		})
	}
}

func TestReadCIFARErrors(t *testing.T) {
	rec := func(labels []byte, fill byte) []byte {
		return append(append([]byte{}, labels...), bytes.Repeat([]byte{fill}, CIFARPixels)...)
	}
	good10 := rec([]byte{3}, 9)
	for _, tc := range []struct {
		name string
		c    CIFAR
		b    []byte
		size int64 // 0: len(b)
		want string
	}{
		{"empty", CIFAR10, nil, 0, "0 bytes is not"},
		{"part of a record", CIFAR10, good10[:100], 0, "100 bytes is not"},
		{"label out of range", CIFAR10, rec([]byte{10}, 0), 0, "record 0 has label 10, want < 10"},
		{"fine label out of range", CIFAR100, rec([]byte{1, 100}, 0), 0, "record 0 has label 100, want < 100"},
		{"coarse label out of range", CIFAR100, rec([]byte{20, 5}, 0), 0, "coarse label 20"},
		{"truncated", CIFAR10, good10, 2 * 3073, "truncated in record 1 of 2"},
		{"trailing bytes", CIFAR10, append(append([]byte{}, good10...), 1), 3073, "more bytes than the 1 records"},
		{"CIFAR-100 record read as CIFAR-10", CIFAR10, rec([]byte{1, 5}, 0), 0, "3074 bytes is not"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			size := tc.size
			if size == 0 {
				size = int64(len(tc.b))
			}
			_, _, err := tc.c.ReadCIFAR(bytes.NewReader(tc.b), size)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestReadBinaryPlaneErrors(t *testing.T) {
	s := &Set{Name: "rgb", Dim: 4, Classes: 3, Y: []uint8{2}, Pixels: []uint8{0, 9, 200, 255},
		PlaneMean: []float32{0.5, 0.25}, PlaneStd: []float32{0.2, 0.3}, X: make([]float32, 4)}
	s.normalisePixels()
	if want := (float32(200)/255 - 0.25) / 0.3; s.X[2] != want {
		t.Fatalf("plane 1's first pixel: %v, want %v", s.X[2], want)
	}
	var b bytes.Buffer
	if err := s.WriteBinary(&b); err != nil {
		t.Fatal(err)
	}
	good := b.Bytes()
	at := headerSize + len(s.Name) // the plane count
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
		want string
	}{
		{"no planes", func(b []byte) []byte { b[at] = 0; return b }, "0 planes for 4 features"},
		{"planes not dividing", func(b []byte) []byte { b[at] = 3; return b }, "3 planes for 4 features"},
		{"zero std", func(b []byte) []byte { copy(b[at+1+8:], []byte{0, 0, 0, 0}); return b }, "plane 0 normalisation mean 0.5, std 0"},
		{"header mean set", func(b []byte) []byte { b[16] = 1; return b }, "encoding 3 with normalisation fields"},
		{"truncated planes", func(b []byte) []byte { return b[:at+5] }, "truncated in the plane normalisation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadBinary(bytes.NewReader(tc.edit(bytes.Clone(good))))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestCIFARFromDataDir loads sets written in the official layout into a data directory.
func TestCIFARFromDataDir(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("the browser's build reads no files: a page fetches the sets from the server (cifar_js.go)")
	}
	dir := t.TempDir()
	SetDir(dir)
	defer SetDir("")
	for _, c := range CIFARSets() {
		t.Run(c.Name+" missing", func(t *testing.T) {
			_, err := Load(c.SetName(true))
			if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "run `tailscope data get "+c.Name+"`") {
				t.Errorf("Load of a missing set: got %v, want ErrMissing naming the command", err)
			}
			for _, info := range Catalog() {
				if strings.HasPrefix(info.Name, c.Name+"-") && (info.Get != c.GetCommand() || info.Examples != map[bool]int{true: 50000, false: 10000}[strings.HasSuffix(info.Name, "train")]) {
					t.Errorf("catalog entry of a missing set: %+v, want the official size and Get %q", info, c.GetCommand())
				}
			}
		})
	}
	writeCIFARDir(t, dir, CIFAR10, 40)
	writeCIFARDir(t, dir, CIFAR100, 300)
	for _, tc := range []struct {
		c             CIFAR
		trainN, testN int
	}{{CIFAR10, 200, 40}, {CIFAR100, 300, 300}} {
		t.Run(tc.c.Name, func(t *testing.T) {
			trainN, testN, err := tc.c.Present(dir)
			if err != nil || trainN != tc.trainN || testN != tc.testN {
				t.Fatalf("Present: %d, %d, %v; want %d, %d", trainN, testN, err, tc.trainN, tc.testN)
			}
			for _, info := range Catalog() {
				if info.Name == tc.c.SetName(true) && (info.Get != "" || info.Examples != tc.trainN || info.Classes != tc.c.Classes) {
					t.Errorf("catalog entry %+v, want %d examples, %d classes, no Get", info, tc.trainN, tc.c.Classes)
				}
			}
			s, err := Load(tc.c.SetName(true))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Check(); err != nil {
				t.Fatal(err)
			}
			// The training examples are the files' records in order: the second file's first
			// record is example perFile.
			perFile := tc.trainN / len(tc.c.Train)
			wantP, wantL := randomCIFAR(tc.c, perFile, uint64(len(tc.c.Train)-1))
			last := (len(tc.c.Train) - 1) * perFile
			if !bytes.Equal(s.Pixels[last*CIFARPixels:(last+1)*CIFARPixels], wantP[:CIFARPixels]) || s.Y[last] != wantL[0] {
				t.Errorf("example %d is not the last file's first record", last)
			}
			// Normalisation per plane, as torchvision computes it in float32.
			for _, i := range []int{0, 1023, 1024, 2047, 2048, 3071, CIFARPixels + 5} {
				c := (i % CIFARPixels) / 1024
				if want := (float32(s.Pixels[i])/255 - tc.c.Mean[c]) / tc.c.Std[c]; s.X[i] != want {
					t.Errorf("X[%d] = %v, want (%d/255 − %v)/%v = %v", i, s.X[i], s.Pixels[i], tc.c.Mean[c], tc.c.Std[c], want)
				}
			}
			rng, err := CIFARRange(tc.c, true, 7, 20)
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := s.Slice(7, 20); !equalFloats(rng.X, want.X) || !bytes.Equal(rng.Y, want.Y) {
				t.Errorf("CIFARRange(7, 20) differs from the full set's Slice(7, 20)")
			}
			if _, err := CIFARRange(tc.c, true, tc.trainN-5, 6); err == nil {
				t.Errorf("CIFARRange past the end: no error")
			}
			sub, err := CIFARSubset(tc.c, true, 30, true)
			if err != nil {
				t.Fatal(err)
			}
			full, _ := s.Balanced(30)
			if !bytes.Equal(sub.Pixels, full.Pixels) || !bytes.Equal(sub.Y, full.Y) || !equalFloats(sub.X, full.X) {
				t.Errorf("CIFARSubset(balanced) differs from the full set's Balanced")
			}
			// The compact binary form keeps the per-plane normalisation exactly.
			var b bytes.Buffer
			if err := sub.WriteBinary(&b); err != nil {
				t.Fatal(err)
			}
			if int64(b.Len()) != BinarySizePlanes(len(sub.Name), 30, CIFARPixels, 3) {
				t.Errorf("binary form takes %d bytes, BinarySizePlanes says %d", b.Len(), BinarySizePlanes(len(sub.Name), 30, CIFARPixels, 3))
			}
			back, err := ReadBinary(&b)
			if err != nil {
				t.Fatal(err)
			}
			if !equalFloats(back.X, sub.X) || !bytes.Equal(back.Y, sub.Y) || len(back.PlaneMean) != 3 || back.PlaneStd[2] != tc.c.Std[2] {
				t.Errorf("the binary form does not give the set back")
			}
		})
	}
	// A file cut short is reported as missing, with the command to get the set again.
	path := filepath.Join(DatasetsDir(dir), CIFAR10.Folder, "test_batch.bin")
	if err := os.Truncate(path, 3073*3+10); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCIFAR(CIFAR10, false); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "not a whole number") {
		t.Errorf("a cut file: got %v, want ErrMissing saying the size is wrong", err)
	}
}

func equalFloats(a, b []float32) bool {
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

func FuzzReadCIFAR(f *testing.F) {
	for _, c := range CIFARSets() {
		p, l := randomCIFAR(c, 2, 3)
		var b bytes.Buffer
		c.WriteRecords(&b, p, l)
		f.Add(uint8(c.LabelBytes), b.Bytes())
	}
	f.Add(uint8(1), []byte{0, 1, 2})
	f.Fuzz(func(t *testing.T, labelBytes uint8, b []byte) {
		c := CIFAR10
		if labelBytes%2 == 0 {
			c = CIFAR100
		}
		p, l, err := c.ReadCIFAR(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if len(p) != len(l)*CIFARPixels || len(b) != len(l)*c.RecordSize() {
			t.Fatalf("accepted %d bytes as %d labels and %d pixels", len(b), len(l), len(p))
		}
		for i, y := range l {
			if int(y) >= c.Classes || y != b[i*c.RecordSize()+c.LabelBytes-1] {
				t.Fatalf("label %d is %d, not the record's", i, y)
			}
		}
		if c.LabelBytes == 1 {
			var out bytes.Buffer
			if err := c.WriteRecords(&out, p, l); err != nil || !bytes.Equal(out.Bytes(), b) {
				t.Fatalf("an accepted file does not write back to its bytes (%v)", err)
			}
		}
	})
}
