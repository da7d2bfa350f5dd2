package download

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tailscope/tailscope/sim/data"
)

// small returns c with perFile examples in each of its files.
func small(c data.CIFAR, perFile int) data.CIFAR {
	c.TrainN, c.TestN = perFile*len(c.Train), perFile
	return c
}

// member is one file of a generated archive.
type member struct {
	name string
	body []byte
}

// officialMembers returns the files of c's archive in the official layout: the data files of
// perFile random records each, under c.Folder, and a readme beside them.
func officialMembers(t *testing.T, c data.CIFAR, perFile int) []member {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(perFile), 3))
	out := []member{{c.Folder + "/readme.html", []byte("<html>CIFAR</html>")}}
	for _, name := range append(append([]string{}, c.Train...), c.Test) {
		pixels, labels := make([]uint8, perFile*data.CIFARPixels), make([]uint8, perFile)
		for i := range pixels {
			pixels[i] = uint8(r.IntN(256))
		}
		for i := range labels {
			labels[i] = uint8(r.IntN(c.Classes))
		}
		var b bytes.Buffer
		if err := c.WriteRecords(&b, pixels, labels); err != nil {
			t.Fatal(err)
		}
		out = append(out, member{c.Folder + "/" + name, b.Bytes()})
	}
	return out
}

// archive packs members as a .tar.gz with a directory entry first, as the official ones are.
func archive(t *testing.T, folder string, members []member) []byte {
	t.Helper()
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	tw := tar.NewWriter(z)
	tw.WriteHeader(&tar.Header{Name: folder + "/", Typeflag: tar.TypeDir, Mode: 0o755})
	for _, m := range members {
		if err := tw.WriteHeader(&tar.Header{Name: m.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(m.body))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(m.body)
	}
	tw.Close()
	z.Close()
	return b.Bytes()
}

// server serves body at /file with Range support; the first cutFirst requests are cut after
// half the body. It records the Range headers it receives.
type server struct {
	body     []byte
	cutFirst int
	mu       sync.Mutex
	ranges   []string
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	cut := len(s.ranges) <= s.cutFirst
	s.mu.Unlock()
	if r.URL.Path != "/file" {
		http.NotFound(w, r)
		return
	}
	if cut {
		w.Header().Set("Content-Length", fmt.Sprint(len(s.body)))
		w.WriteHeader(http.StatusOK)
		w.Write(s.body[:len(s.body)/2])
		w.(http.Flusher).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	http.ServeContent(w, r, "file", time.Time{}, bytes.NewReader(s.body))
}

func sourceOf(c data.CIFAR, url string, body []byte) Source {
	sum := md5.Sum(body)
	return Source{Set: c, URL: url + "/file", File: "test-" + c.Name + ".tar.gz", Size: int64(len(body)), MD5: hex.EncodeToString(sum[:])}
}

// assertNothingInPlace checks that the set is absent and no temporary folder is left.
func assertNothingInPlace(t *testing.T, dir string, c data.CIFAR) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(data.DatasetsDir(dir), c.Folder)); !os.IsNotExist(err) {
		t.Errorf("the set's folder exists after a failure (%v)", err)
	}
	if left, _ := filepath.Glob(filepath.Join(data.DatasetsDir(dir), ".unpack-*")); len(left) > 0 {
		t.Errorf("temporary folders left: %v", left)
	}
	if _, _, err := c.Present(dir); err == nil {
		t.Errorf("Present accepts the set after a failure")
	}
}

func TestGetOfficialLayout(t *testing.T) {
	for _, c := range []data.CIFAR{small(data.CIFAR10, 4), small(data.CIFAR100, 9)} {
		t.Run(c.Name, func(t *testing.T) {
			body := archive(t, c.Folder, officialMembers(t, c, c.TestN))
			srv := &server{body: body}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			dir := t.TempDir()
			var progress bytes.Buffer
			g := &Getter{Dir: dir, Progress: &progress}
			if err := g.Get(context.Background(), sourceOf(c, ts.URL, body)); err != nil {
				t.Fatal(err)
			}
			trainN, testN, err := c.Present(dir)
			if err != nil || trainN != c.TrainN || testN != c.TestN {
				t.Fatalf("after Get: Present = %d, %d, %v; want %d, %d", trainN, testN, err, c.TrainN, c.TestN)
			}
			if !strings.Contains(progress.String(), "100% [==============================]") || !strings.Contains(progress.String(), "is ready in") {
				t.Errorf("progress output %q lacks the full bar and the final line", progress.String())
			}
			if left, _ := os.ReadDir(filepath.Join(dir, "downloads")); len(left) > 0 {
				t.Errorf("the downloads folder still holds %v", left)
			}
			if _, err := os.Stat(filepath.Join(data.DatasetsDir(dir), c.Folder, "readme.html")); !os.IsNotExist(err) {
				t.Errorf("a file the set does not need was unpacked")
			}
			// A second Get finds the set and does not download again.
			progress.Reset()
			if err := g.Get(context.Background(), sourceOf(c, ts.URL, body)); err != nil || len(srv.ranges) != 1 {
				t.Errorf("second Get: %v after %d requests, want no error after 1", err, len(srv.ranges))
			}
			if !strings.Contains(progress.String(), "already in") {
				t.Errorf("second Get said %q", progress.String())
			}
		})
	}
}

func TestGetResumesAfterCut(t *testing.T) {
	c := small(data.CIFAR10, 6)
	body := archive(t, c.Folder, officialMembers(t, c, 6))
	srv := &server{body: body, cutFirst: 1}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	dir := t.TempDir()
	g := &Getter{Dir: dir}
	src := sourceOf(c, ts.URL, body)
	err := g.Get(context.Background(), src)
	if err == nil || !strings.Contains(err.Error(), "run the command again to resume") {
		t.Fatalf("a cut connection: got %v, want an error saying to run again to resume", err)
	}
	assertNothingInPlace(t, dir, c)
	part := filepath.Join(dir, "downloads", src.File+".part")
	fi, err := os.Stat(part)
	if err != nil || fi.Size() != int64(len(body)/2) {
		t.Fatalf("the partial file: %v, %v; want %d bytes", fi, err, len(body)/2)
	}
	if err := g.Get(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("bytes=%d-", len(body)/2); len(srv.ranges) != 2 || srv.ranges[1] != want {
		t.Errorf("requests' ranges %q, want the second to be %q", srv.ranges, want)
	}
	if _, _, err := c.Present(dir); err != nil {
		t.Errorf("after resuming: %v", err)
	}
}

// diskFull fails with ENOSPC once more than limit bytes were written through it.
type diskFull struct {
	w     io.Writer
	left  *int64
	limit int64
}

func (d diskFull) Write(p []byte) (int, error) {
	if int64(len(p)) > *d.left {
		n, _ := d.w.Write(p[:*d.left])
		*d.left = 0
		return n, &os.PathError{Op: "write", Path: "file", Err: syscall.ENOSPC}
	}
	*d.left -= int64(len(p))
	return d.w.Write(p)
}

func TestGetFailures(t *testing.T) {
	c := small(data.CIFAR10, 4)
	good := officialMembers(t, c, 4)
	goodArchive := archive(t, c.Folder, good)
	renamed := append([]member{}, good...)
	for i := range renamed {
		renamed[i].name = strings.Replace(renamed[i].name, c.Folder, "cifar-10-batches-py", 1)
	}
	// CIFAR-100 records (two label bytes) under CIFAR-10's names.
	c100 := small(data.CIFAR100, 4)
	var wrongRecords []member
	for _, name := range append(append([]string{}, c.Train...), c.Test) {
		wrongRecords = append(wrongRecords, member{c.Folder + "/" + name, officialMembers(t, c100, 4)[1].body})
	}
	fewer := append([]member{}, good...)
	fewer[len(fewer)-1].body = fewer[len(fewer)-1].body[:2*c.RecordSize()]
	for _, tc := range []struct {
		name   string
		body   []byte
		edit   func(*Source)
		limit  int64 // bytes the disk takes; 0: no limit
		want   string
		noPart bool // the download must be removed
	}{
		{"wrong checksum", goodArchive, func(s *Source) { s.MD5 = strings.Repeat("0", 32) }, 0, "checksum mismatch", true},
		{"archive shorter than published", goodArchive[:len(goodArchive)-100], func(s *Source) { s.Size += 100 }, 0, "the connection ended after", false},
		{"truncated archive", goodArchive[:len(goodArchive)*2/3], nil, 0, "truncated or corrupt", false},
		{"not gzip", []byte("<html>moved</html>"), nil, 0, "not gzip", false},
		{"wrong folder", archive(t, "cifar-10-batches-py", renamed), nil, 0, "lacks cifar-10-batches-bin/data_batch_1.bin, cifar-10-batches-bin/data_batch_2.bin", false},
		{"wrong records", archive(t, c.Folder, wrongRecords), nil, 0, "is not 1 … 1048576 records of 3073 bytes", false},
		{"too few examples", archive(t, c.Folder, fewer), nil, 0, "holds 2 test examples, want 4", false},
		{"not found", goodArchive, func(s *Source) { s.URL += "-gone" }, 0, "answered 404 Not Found", false},
		{"disk full downloading", goodArchive, nil, int64(len(goodArchive) / 2), "the disk is full", true},
		{"disk full unpacking", goodArchive, nil, int64(len(goodArchive)) + 3*int64(c.RecordSize()), "unpacking: the disk is full", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewServer(&server{body: tc.body})
			defer ts.Close()
			dir := t.TempDir()
			g := &Getter{Dir: dir}
			if tc.limit > 0 {
				left := tc.limit
				g.wrapFile = func(w io.Writer) io.Writer { return diskFull{w: w, left: &left} }
			}
			src := sourceOf(c, ts.URL, tc.body)
			if tc.edit != nil {
				tc.edit(&src)
			}
			err := g.Get(context.Background(), src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			assertNothingInPlace(t, dir, c)
			if _, err := os.Stat(filepath.Join(dir, "downloads", src.File+".part")); tc.noPart && !os.IsNotExist(err) {
				t.Errorf("the download was kept (%v)", err)
			}
		})
	}
}

func TestMain_(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args   []string
		status int
		out    string // in stdout, or stderr when status ≠ 0
	}{
		{[]string{"list", "-data", dir}, 0, "cifar10   missing: run `tailscope data get cifar10` (162 MB from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz)"},
		{[]string{"-data", dir}, 0, "cifar100  missing: run `tailscope data get cifar100`"},
		{[]string{"get", "-data", dir, "mnist"}, 2, `no dataset "mnist" to download (known: cifar10, cifar100)`},
		{[]string{"get", "cifar10", "mnist", "-data", dir}, 2, `no dataset "mnist" to download`},
		{[]string{"list", "-data", dir, "cifar10"}, 2, "usage: tailscope data get"},
		{[]string{"get", "-data", dir}, 2, "usage: tailscope data get"},
		{[]string{"get", "-h"}, 0, ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := Main(context.Background(), tc.args, nil, &stdout, &stderr)
			out := stdout.String()
			if status != 0 {
				out = stderr.String()
			}
			if status != tc.status || !strings.Contains(out, tc.out) {
				t.Errorf("status %d, output %q; want %d and %q", status, out, tc.status, tc.out)
			}
		})
	}
	// With a set present, list says where.
	c := data.CIFAR10
	folder := filepath.Join(data.DatasetsDir(dir), c.Folder)
	os.MkdirAll(folder, 0o755)
	for _, f := range append(append([]string{}, c.Train...), c.Test) {
		os.WriteFile(filepath.Join(folder, f), make([]byte, 2*c.RecordSize()), 0o644)
	}
	var stdout bytes.Buffer
	Main(context.Background(), []string{"list", "-data", dir}, nil, &stdout, io.Discard)
	if want := "cifar10   present: 10 training and 2 test examples in " + folder; !strings.Contains(stdout.String(), want) {
		t.Errorf("list: %q, want %q", stdout.String(), want)
	}
}

// TestGetCancelled: Ctrl-C in the middle of the transfer leaves only the partial file,
// which the next Get resumes.
func TestGetCancelled(t *testing.T) {
	c := small(data.CIFAR100, 5)
	body := archive(t, c.Folder, officialMembers(t, c, 5))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Range") != "" {
			http.ServeContent(w, r, "file", time.Time{}, bytes.NewReader(body))
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body[:len(body)/3])
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the rest never comes
	}))
	defer ts.Close()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	// Cancel once the third that comes was written: then the transfer waits for more.
	var written int64
	g := &Getter{Dir: dir, wrapFile: func(w io.Writer) io.Writer {
		return writerFunc(func(p []byte) (int, error) {
			n, err := w.Write(p)
			if written += int64(n); written == int64(len(body)/3) {
				cancel()
			}
			return n, err
		})
	}}
	src := sourceOf(c, ts.URL, body)
	err := g.Get(ctx, src)
	if err == nil || !strings.Contains(err.Error(), "context canceled") || !strings.Contains(err.Error(), "to resume") {
		t.Fatalf("a cancelled Get: %v, want the cancellation and how to resume", err)
	}
	assertNothingInPlace(t, dir, c)
	if fi, err := os.Stat(filepath.Join(dir, "downloads", src.File+".part")); err != nil || fi.Size() != int64(len(body)/3) {
		t.Fatalf("the partial file after cancelling: %v; want %d bytes", err, len(body)/3)
	}
	if err := g.Get(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Present(dir); err != nil {
		t.Error(err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
