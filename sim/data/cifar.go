package data

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Shape of a CIFAR image: 3 colour planes (red, green, blue) of 32×32 pixels, stored plane by
// plane, row by row, in the binary version's records and in a Set's features alike (the
// order torchvision's ToTensor gives).
const (
	CIFARChannels = 3
	CIFARSide     = 32
	CIFARPixels   = CIFARChannels * CIFARSide * CIFARSide // 3072
)

// ErrMissing is wrapped by the error of a set that must be downloaded first.
var ErrMissing = errors.New("dataset not downloaded")

// A CIFAR describes one of the two CIFAR sets (Krizhevsky 2009) in its official binary
// version, as https://www.cs.toronto.edu/~kriz/cifar.html publishes it: files of records of
// LabelBytes label bytes followed by CIFARPixels pixel bytes.
type CIFAR struct {
	Name          string     // "cifar10" or "cifar100": the spec's dataset and `tailscope data get`'s argument
	Label         string     // "CIFAR-10"
	Folder        string     // the folder the archive unpacks into
	Train         []string   // training files, in the order their examples are numbered
	Test          string     // the test file
	LabelBytes    int        // 1, or 2 for CIFAR-100 (coarse then fine; the fine label is used)
	Classes       int        // classes of the label used
	TrainN, TestN int        // examples of the official set
	Mean, Std     [3]float32 // per-plane normalisation of the reference code
}

// The two CIFAR sets. Their normalisation is the reference code's (sgd_tail_index, utils.py,
// get_data): its per-channel means and stds, applied after ToTensor's p/255. CIFAR-100 uses its
// 100 fine labels, as torchvision's CIFAR100 does.
var (
	CIFAR10 = CIFAR{Name: "cifar10", Label: "CIFAR-10", Folder: "cifar-10-batches-bin",
		Train:      []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"},
		Test:       "test_batch.bin",
		LabelBytes: 1, Classes: 10, TrainN: 50000, TestN: 10000,
		Mean: [3]float32{0.491, 0.482, 0.447}, Std: [3]float32{0.247, 0.243, 0.262}}
	CIFAR100 = CIFAR{Name: "cifar100", Label: "CIFAR-100", Folder: "cifar-100-binary",
		Train: []string{"train.bin"}, Test: "test.bin",
		LabelBytes: 2, Classes: 100, TrainN: 50000, TestN: 10000,
		Mean: [3]float32{0.5071, 0.4867, 0.4408}, Std: [3]float32{0.2675, 0.2565, 0.2761}}
)

// cifar100Coarse is the number of CIFAR-100's coarse classes (superclasses), checked in its
// records' first label byte.
const cifar100Coarse = 20

// CIFARSets lists the CIFAR sets.
func CIFARSets() []CIFAR { return []CIFAR{CIFAR10, CIFAR100} }

// CIFARByName returns the CIFAR set called name ("cifar10" or "cifar100").
func CIFARByName(name string) (CIFAR, bool) {
	for _, c := range CIFARSets() {
		if c.Name == name {
			return c, true
		}
	}
	return CIFAR{}, false
}

// GetCommand is the command that downloads the set.
func (c CIFAR) GetCommand() string { return "tailscope data get " + c.Name }

// SetName is the catalog name of its training ("cifar10-train") or test set.
func (c CIFAR) SetName(train bool) string {
	if train {
		return c.Name + "-train"
	}
	return c.Name + "-test"
}

// RecordSize is the bytes of one record: the labels and the pixels.
func (c CIFAR) RecordSize() int { return c.LabelBytes + CIFARPixels }

func (c CIFAR) files(train bool) []string {
	if train {
		return c.Train
	}
	return []string{c.Test}
}

// Present reports how many training and test examples the set's files in the data
// directory dir hold (from their sizes), or an error wrapping ErrMissing that names the
// command to get them.
func (c CIFAR) Present(dir string) (trainN, testN int, err error) {
	count := func(train bool) (int, error) {
		total := 0
		for _, f := range c.files(train) {
			path := filepath.Join(DatasetsDir(dir), c.Folder, f)
			fi, err := os.Stat(path)
			if err != nil {
				return 0, c.missing(dir, err)
			}
			if fi.Size() == 0 || fi.Size()%int64(c.RecordSize()) != 0 {
				return 0, c.missing(dir, fmt.Errorf("%s has %d bytes, not a whole number of %d-byte records", path, fi.Size(), c.RecordSize()))
			}
			total += int(fi.Size() / int64(c.RecordSize()))
		}
		return total, nil
	}
	if trainN, err = count(true); err != nil {
		return 0, 0, err
	}
	if testN, err = count(false); err != nil {
		return 0, 0, err
	}
	return trainN, testN, nil
}

func (c CIFAR) missing(dir string, why error) error {
	return fmt.Errorf("data: %s is not in %s (%v): run `%s` to download it: %w",
		c.Label, filepath.Join(DatasetsDir(dir), c.Folder), why, c.GetCommand(), ErrMissing)
}

// cifarCatalog lists the CIFAR sets: with the sizes of their files in dir if present,
// else with the official sizes and the command to get them.
func cifarCatalog(dir string) []Info {
	var out []Info
	for _, c := range CIFARSets() {
		trainN, testN, err := c.Present(dir)
		get := ""
		if err != nil {
			trainN, testN, get = c.TrainN, c.TestN, c.GetCommand()
		}
		for _, train := range []bool{true, false} {
			name, n := c.SetName(train), testN
			if train {
				n = trainN
			}
			out = append(out, Info{Name: name, Examples: n, Shape: []int{CIFARChannels, CIFARSide, CIFARSide},
				Classes: c.Classes, Bytes: BinarySizePlanes(len(name), n, CIFARPixels, CIFARChannels), Get: get})
		}
	}
	return out
}

// ReadCIFAR reads size bytes of records in the binary version of c from r, strictly: size
// must be a positive whole number of records (at most MaxExamples), r must hold exactly
// that, and every label must be in range (for CIFAR-100 the coarse one too). It returns
// the pixels, CIFARPixels per example in the file's order, and the labels.
func (c CIFAR) ReadCIFAR(r io.Reader, size int64) (pixels, labels []uint8, err error) {
	n, err := c.records(size)
	if err != nil {
		return nil, nil, err
	}
	pixels, labels = make([]uint8, n*CIFARPixels), make([]uint8, n)
	if err := c.readRecords(r, size, pixels, labels); err != nil {
		return nil, nil, err
	}
	return pixels, labels, nil
}

// records returns how many records size bytes hold, or an error if not a whole number.
func (c CIFAR) records(size int64) (int, error) {
	rec := int64(c.RecordSize())
	if size <= 0 || size%rec != 0 || size/rec > MaxExamples {
		return 0, fmt.Errorf("data: %s: %d bytes is not 1 … %d records of %d bytes", c.Label, size, MaxExamples, rec)
	}
	return int(size / rec), nil
}

// readRecords reads len(labels) records of size bytes in all from r into pixels and
// labels, then expects the end of r.
func (c CIFAR) readRecords(r io.Reader, size int64, pixels, labels []uint8) error {
	n := len(labels)
	br := bufio.NewReaderSize(r, int(min(size, 1<<20)))
	lab := make([]byte, c.LabelBytes)
	for i := range n {
		if _, err := io.ReadFull(br, lab); err != nil {
			return c.short(i, n, err)
		}
		if _, err := io.ReadFull(br, pixels[i*CIFARPixels:(i+1)*CIFARPixels]); err != nil {
			return c.short(i, n, err)
		}
		y := lab[c.LabelBytes-1]
		if c.LabelBytes == 2 && lab[0] >= cifar100Coarse {
			return fmt.Errorf("data: %s: record %d has coarse label %d, want < %d", c.Label, i, lab[0], cifar100Coarse)
		}
		if int(y) >= c.Classes {
			return fmt.Errorf("data: %s: record %d has label %d, want < %d", c.Label, i, y, c.Classes)
		}
		labels[i] = y
	}
	if k, _ := br.Read(make([]byte, 1)); k != 0 {
		return fmt.Errorf("data: %s: more bytes than the %d records expected", c.Label, n)
	}
	return nil
}

func (c CIFAR) short(i, n int, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("data: %s: truncated in record %d of %d", c.Label, i, n)
	}
	return fmt.Errorf("data: %s: reading record %d: %w", c.Label, i, err)
}

// rawCIFAR holds one set's pixels and labels once read; a failed read is not kept, so a
// set downloaded while the server runs is found at the next request.
type rawCIFAR struct {
	mu             sync.Mutex
	pixels, labels []uint8
}

var cifarCache = struct {
	sync.Mutex
	m map[string]*rawCIFAR
}{m: map[string]*rawCIFAR{}}

func loadCIFAR(c CIFAR, train bool) (*Set, error) {
	dir := Dir()
	key := filepath.Join(DatasetsDir(dir), c.Folder) + "|" + c.SetName(train)
	cifarCache.Lock()
	raw := cifarCache.m[key]
	if raw == nil {
		raw = new(rawCIFAR)
		cifarCache.m[key] = raw
	}
	cifarCache.Unlock()
	raw.mu.Lock()
	defer raw.mu.Unlock()
	if raw.pixels == nil {
		p, l, err := c.readFiles(dir, train)
		if err != nil {
			return nil, err
		}
		raw.pixels, raw.labels = p, l
	}
	return &Set{Name: c.SetName(train), Dim: CIFARPixels, Classes: c.Classes, Pixels: raw.pixels, Y: raw.labels,
		PlaneMean: c.Mean[:], PlaneStd: c.Std[:]}, nil
}

// LoadCIFAR returns the training or test set of c from the data directory (Dir),
// normalised. The raw pixels are read once per process and shared (read-only).
func LoadCIFAR(c CIFAR, train bool) (*Set, error) {
	s, err := loadCIFAR(c, train)
	if err != nil {
		return nil, err
	}
	s.X = make([]float32, len(s.Pixels))
	s.normalisePixels()
	return s, nil
}

// CIFARRange returns examples [offset, offset+n) of c's training or test set, normalising
// (and holding) only those: what the server sends the browser.
func CIFARRange(c CIFAR, train bool, offset, n int) (*Set, error) {
	full, err := loadCIFAR(c, train)
	if err != nil {
		return nil, err
	}
	if offset < 0 || n < 1 || offset > full.Len() || n > full.Len()-offset {
		return nil, fmt.Errorf("data: slice [%d, %d+%d) of %s, which has %d examples", offset, offset, n, full.Name, full.Len())
	}
	return full.span(offset, n), nil
}

// CIFARSubset returns n examples of c's training or test set: the first n, or
// Balanced(n) if balanced. It normalises (and holds) only those n examples.
func CIFARSubset(c CIFAR, train bool, n int, balanced bool) (*Set, error) {
	full, err := loadCIFAR(c, train)
	if err != nil {
		return nil, err
	}
	return full.subset(n, balanced)
}

// WriteRecords writes examples in the binary version of c: for each, its label byte(s) and
// its CIFARPixels pixels. CIFAR-100's coarse label, which Tailscope does not use, is written
// as fine/5 (any value below 20 reads back). Tests and the comparison with the reference code
// write sets in the official format with it.
func (c CIFAR) WriteRecords(w io.Writer, pixels, labels []uint8) error {
	if len(pixels) != len(labels)*CIFARPixels {
		return fmt.Errorf("data: %s: %d pixels for %d labels, want %d per example", c.Label, len(pixels), len(labels), CIFARPixels)
	}
	bw := bufio.NewWriter(w)
	for i, y := range labels {
		if int(y) >= c.Classes {
			return fmt.Errorf("data: %s: example %d has label %d, want < %d", c.Label, i, y, c.Classes)
		}
		if c.LabelBytes == 2 {
			bw.WriteByte(y / (100 / cifar100Coarse))
		}
		bw.WriteByte(y)
		bw.Write(pixels[i*CIFARPixels : (i+1)*CIFARPixels])
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("data: writing %s records: %w", c.Label, err)
	}
	return nil
}
