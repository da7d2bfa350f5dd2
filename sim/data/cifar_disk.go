//go:build !js && !wasip1

package data

import (
	"fmt"
	"os"
	"path/filepath"
)

// readFiles reads the training or test files of c in dir, in order, into one slice.
func (c CIFAR) readFiles(dir string, train bool) (pixels, labels []uint8, err error) {
	trainN, testN, err := c.Present(dir)
	if err != nil {
		return nil, nil, err
	}
	total := testN
	if train {
		total = trainN
	}
	pixels, labels = make([]uint8, total*CIFARPixels), make([]uint8, total)
	at := 0
	for _, name := range c.files(train) {
		path := filepath.Join(DatasetsDir(dir), c.Folder, name)
		n, err := c.readFile(path, pixels[at*CIFARPixels:], labels[at:])
		if err != nil {
			return nil, nil, err
		}
		at += n
	}
	if at != total {
		return nil, nil, fmt.Errorf("data: %s changed while being read: %d examples, then %d", c.Label, total, at)
	}
	return pixels, labels, nil
}

// readFile reads the records of the file at path into the start of pixels and labels and
// returns how many there were.
func (c CIFAR) readFile(path string, pixels, labels []uint8) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("data: %w", err)
	}
	n, err := c.records(fi.Size())
	if err == nil && n > len(labels) {
		err = fmt.Errorf("data: %s: %d records, more than a moment ago", c.Label, n)
	}
	if err == nil {
		err = c.readRecords(f, fi.Size(), pixels[:n*CIFARPixels], labels[:n])
	}
	if err != nil {
		return 0, fmt.Errorf("%w (in %s)", err, path)
	}
	return n, nil
}
