// Package download fetches the datasets that are too big to ship, CIFAR-10 and CIFAR-100,
// from the page of their authors (https://www.cs.toronto.edu/~kriz/cifar.html) into the data
// directory that sim/data reads them from; `tailscope data get cifar10` runs it.
//
// A download shows a progress bar, resumes where a cut connection left it (HTTP Range
// requests on a .part file in the data directory's downloads folder), is checked against the
// size and MD5 the page publishes, and is unpacked atomically: the archive's data files are
// written into a temporary folder beside the final one, each is read through as records of
// the official format, and only then is the folder renamed into place. A set is therefore
// either absent or complete: a failure at any point (bad checksum, truncated or unexpected
// archive, a full disk, Ctrl-C) leaves nothing in the datasets folder. Only the .part file of
// an interrupted transfer is kept, to resume from; a full disk or a bad checksum removes it.
package download

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tailscope/tailscope/sim/data"
)

// A Source is where one set's archive is published, with its pinned size and checksum.
type Source struct {
	Set  data.CIFAR
	URL  string
	File string // the archive's name
	Size int64  // its size in bytes
	MD5  string // its MD5, as the page publishes it (hex)
}

// Sources are the official archives of the binary versions. The MD5s are those the page
// publishes (and that other loaders pin); the sizes are the archives' as served.
var Sources = []Source{
	{Set: data.CIFAR10, URL: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
		File: "cifar-10-binary.tar.gz", Size: 170052171, MD5: "c32a1d4ab5d03f1284b67883e8d87530"},
	{Set: data.CIFAR100, URL: "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
		File: "cifar-100-binary.tar.gz", Size: 168513733, MD5: "03b5dce01913d631647c71ecec9e9cb8"},
}

// SourceFor returns the source of the set called name ("cifar10" or "cifar100").
func SourceFor(name string) (Source, error) {
	var names []string
	for _, s := range Sources {
		if s.Set.Name == name {
			return s, nil
		}
		names = append(names, s.Set.Name)
	}
	return Source{}, fmt.Errorf("no dataset %q to download (known: %s)", name, strings.Join(names, ", "))
}

// A Getter downloads sources into a data directory.
type Getter struct {
	Dir      string       // the data directory (sim/data's Dir)
	Client   *http.Client // nil: http.DefaultClient
	Progress io.Writer    // where the progress bar goes; nil: nowhere

	// wrapFile, when set (by tests), wraps every file written, to simulate a full disk.
	wrapFile func(io.Writer) io.Writer
}

// Get makes the set of src present in g.Dir: it does nothing if it already is, and else
// downloads (or resumes), verifies and unpacks its archive. The error says what failed and
// what to do; nothing half-written is left in the datasets folder.
func (g *Getter) Get(ctx context.Context, src Source) error {
	c := src.Set
	if trainN, testN, err := c.Present(g.Dir); err == nil && trainN == c.TrainN && testN == c.TestN {
		g.printf("%s is already in %s\n", c.Label, filepath.Join(data.DatasetsDir(g.Dir), c.Folder))
		return nil
	}
	downloads := filepath.Join(g.Dir, "downloads")
	if err := os.MkdirAll(downloads, 0o755); err != nil {
		return fmt.Errorf("%s: %w", c.Label, err)
	}
	part := filepath.Join(downloads, src.File+".part")
	if err := g.fetch(ctx, src, part); err != nil {
		return fmt.Errorf("%s: %w", c.Label, err)
	}
	if err := verify(src, part); err != nil {
		os.Remove(part)
		return fmt.Errorf("%s: %w; the download was removed: run the command again", c.Label, err)
	}
	if err := g.unpack(ctx, src, part); err != nil {
		if isDiskFull(err) {
			return fmt.Errorf("%s: unpacking: the disk is full (%w); the set needs about %d MB: free space and run the command again",
				c.Label, err, (int64(c.TrainN+c.TestN)*int64(c.RecordSize()))>>20)
		}
		return fmt.Errorf("%s: %w", c.Label, err)
	}
	os.Remove(part)
	g.printf("%s is ready in %s\n", c.Label, filepath.Join(data.DatasetsDir(g.Dir), c.Folder))
	return nil
}

func (g *Getter) printf(format string, args ...any) {
	if g.Progress != nil {
		fmt.Fprintf(g.Progress, format, args...)
	}
}

func (g *Getter) file(w io.Writer) io.Writer {
	if g.wrapFile != nil {
		return g.wrapFile(w)
	}
	return w
}

func isDiskFull(err error) bool { return errors.Is(err, syscall.ENOSPC) }

// fetch brings part to src.Size bytes, resuming from what it holds.
func (g *Getter) fetch(ctx context.Context, src Source, part string) error {
	have := int64(0)
	if fi, err := os.Stat(part); err == nil {
		have = fi.Size()
	}
	if have > src.Size {
		os.Remove(part)
		have = 0
	}
	if have == src.Size {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URL, nil)
	if err != nil {
		return err
	}
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
	}
	client := g.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("downloading %s: %w (run the command again to retry)", src.URL, err)
	}
	defer resp.Body.Close()
	flags := os.O_WRONLY | os.O_CREATE
	switch {
	case resp.StatusCode == http.StatusPartialContent && have > 0:
		if start, ok := rangeStart(resp.Header.Get("Content-Range")); !ok || start != have {
			return fmt.Errorf("downloading %s: asked for bytes from %d, the server sent %q", src.URL, have, resp.Header.Get("Content-Range"))
		}
		flags |= os.O_APPEND
	case resp.StatusCode == http.StatusOK:
		flags |= os.O_TRUNC // the server ignored the range: start again
		have = 0
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		os.Remove(part)
		return fmt.Errorf("downloading %s: the server refused to resume at byte %d; the partial file was removed: run the command again", src.URL, have)
	default:
		return fmt.Errorf("downloading %s: the server answered %s", src.URL, resp.Status)
	}
	f, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return err
	}
	bar := &progressBar{w: g.Progress, name: src.File, total: src.Size, done: have, start: time.Now(), from: have}
	bar.draw(true)
	// Never more than the pinned size: a longer answer is not the archive.
	_, copyErr := io.Copy(g.file(&countingWriter{w: f, bar: bar}), io.LimitReader(resp.Body, src.Size-have))
	closeErr := f.Close()
	bar.finish()
	if copyErr == nil {
		copyErr = closeErr
	}
	var werr *writeError
	switch {
	case errors.As(copyErr, &werr) || isDiskFull(copyErr):
		os.Remove(part)
		if isDiskFull(copyErr) {
			return fmt.Errorf("writing %s: the disk is full (%w); the download was removed: free %d MB and run the command again", part, copyErr, src.Size>>20)
		}
		return fmt.Errorf("writing %s: %w; the download was removed", part, copyErr)
	case copyErr != nil:
		return fmt.Errorf("downloading %s: cut after %d of %d bytes (%w): run the command again to resume", src.URL, bar.done, src.Size, copyErr)
	case bar.done < src.Size:
		return fmt.Errorf("downloading %s: the connection ended after %d of %d bytes: run the command again to resume", src.URL, bar.done, src.Size)
	}
	return nil
}

// rangeStart parses the first byte of a Content-Range header ("bytes 100-199/200").
func rangeStart(h string) (int64, bool) {
	rest, ok := strings.CutPrefix(h, "bytes ")
	if !ok {
		return 0, false
	}
	first, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(first, 10, 64)
	return n, err == nil
}

// writeError marks an error of the file being written, as opposed to one of the network.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

type countingWriter struct {
	w   io.Writer
	bar *progressBar
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.bar.add(int64(n))
	if err != nil {
		return n, &writeError{err}
	}
	return n, nil
}

// verify checks the archive's size and MD5 against the pinned ones.
func verify(src Source, part string) error {
	f, err := os.Open(part)
	if err != nil {
		return err
	}
	defer f.Close()
	h := md5.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", part, err)
	}
	if n != src.Size {
		return fmt.Errorf("the archive has %d bytes, want %d", n, src.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != src.MD5 {
		return fmt.Errorf("checksum mismatch: the archive's MD5 is %s, the published one %s", got, src.MD5)
	}
	return nil
}

// unpack writes the set's data files from the archive into a temporary folder, checks them
// as records, and renames the folder into place.
func (g *Getter) unpack(ctx context.Context, src Source, archive string) (err error) {
	c := src.Set
	root := data.DatasetsDir(g.Dir)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(root, ".unpack-"+c.Name+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	staged := filepath.Join(tmp, c.Folder)
	if err := os.Mkdir(staged, 0o755); err != nil {
		return err
	}
	wanted := map[string]bool{}
	for _, f := range append(append([]string{}, c.Train...), c.Test) {
		wanted[path.Join(c.Folder, f)] = false
	}
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	z, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("the archive is not gzip: %w", err)
	}
	tr := tar.NewReader(z)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("the archive is truncated or corrupt: %w", err)
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		seen, ok := wanted[name]
		if !ok {
			continue // readme, label names: not needed
		}
		if seen || h.Typeflag != tar.TypeReg {
			return fmt.Errorf("the archive's %s is not one regular file", name)
		}
		wanted[name] = true
		if err := g.writeMember(filepath.Join(staged, path.Base(name)), tr, h.Size); err != nil {
			return err
		}
	}
	var missing []string
	for _, f := range append(append([]string{}, c.Train...), c.Test) {
		if name := path.Join(c.Folder, f); !wanted[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the archive lacks %s: it is not %s's binary version", strings.Join(missing, ", "), c.Label)
	}
	// Read every file through as records: a layout error is found here, not at training.
	for _, train := range []bool{true, false} {
		files, want := []string{c.Test}, c.TestN
		if train {
			files, want = c.Train, c.TrainN
		}
		n := 0
		for _, name := range files {
			p, err := os.Open(filepath.Join(staged, name))
			if err != nil {
				return err
			}
			fi, _ := p.Stat()
			_, labels, err := c.ReadCIFAR(p, fi.Size())
			p.Close()
			if err != nil {
				return fmt.Errorf("the archive's %s: %w", name, err)
			}
			n += len(labels)
		}
		if n != want {
			return fmt.Errorf("the archive holds %d %s examples, want %d", n, map[bool]string{true: "training", false: "test"}[train], want)
		}
	}
	final := filepath.Join(root, c.Folder)
	// A previous, incomplete folder (Present refused it) is moved aside, then removed.
	if _, err := os.Stat(final); err == nil {
		if err := os.Rename(final, filepath.Join(tmp, "old")); err != nil {
			return fmt.Errorf("replacing the incomplete %s: %w", final, err)
		}
	}
	if err := os.Rename(staged, final); err != nil {
		return fmt.Errorf("moving the set into place: %w", err)
	}
	return nil
}

// writeMember writes size bytes of r to path.
func (g *Getter) writeMember(path string, r io.Reader, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(g.file(f), io.LimitReader(r, size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if isDiskFull(err) {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return fmt.Errorf("the archive is truncated or corrupt at %s: %w", filepath.Base(path), err)
	}
	return nil
}
