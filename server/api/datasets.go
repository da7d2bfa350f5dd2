package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/spec"
)

// Datasets is where the dataset routes find the training sets.
type Datasets interface {
	// Catalog lists the datasets served.
	Catalog() []data.Info
	// Load returns the whole set called name, one of Catalog's.
	Load(ctx context.Context, name string) (*data.Set, error)
}

// DataCatalog serves the datasets of sim/data (MNIST train and test, the synthetic sets,
// CIFAR-10 and CIFAR-100 once downloaded into sim/data's data directory), loading each at
// most once and keeping it in memory. The zero DataCatalog is ready to use.
type DataCatalog struct {
	mu   sync.Mutex
	sets map[string]*loadOnce
}

type loadOnce struct {
	once sync.Once
	set  *data.Set
	err  error
}

// Catalog implements Datasets.
func (c *DataCatalog) Catalog() []data.Info { return data.Catalog() }

// Load implements Datasets.
func (c *DataCatalog) Load(ctx context.Context, name string) (*data.Set, error) {
	c.mu.Lock()
	if c.sets == nil {
		c.sets = map[string]*loadOnce{}
	}
	l := c.sets[name]
	if l == nil {
		l = new(loadOnce)
		c.sets[name] = l
	}
	c.mu.Unlock()
	l.once.Do(func() { l.set, l.err = data.Load(name) })
	if l.err != nil { // not kept: a set downloaded meanwhile (tailscope data get) is found next time
		c.mu.Lock()
		if c.sets[name] == l {
			delete(c.sets, name)
		}
		c.mu.Unlock()
	}
	return l.set, l.err
}

// Slice implements Slicer: CIFAR's examples [offset, offset+n) are normalised from the
// pixels alone, without the whole set's float32 features (600 MB for a training set).
func (c *DataCatalog) Slice(ctx context.Context, name string, offset, n int) (*data.Set, error) {
	for _, cf := range data.CIFARSets() {
		for _, train := range []bool{true, false} {
			if name == cf.SetName(train) {
				return data.CIFARRange(cf, train, offset, n)
			}
		}
	}
	set, err := c.Load(ctx, name)
	if err != nil {
		return nil, err
	}
	return set.Slice(offset, n)
}

// A Slicer is a Datasets that cuts a slice of a set itself, more cheaply than Load.
type Slicer interface {
	Slice(ctx context.Context, name string, offset, n int) (*data.Set, error)
}

// slice returns examples [offset, offset+n) of the set called name, through Slicer if the
// Datasets is one.
func (s *Server) slice(ctx context.Context, name string, offset, n int) (*data.Set, error) {
	if sl, ok := s.cfg.Datasets.(Slicer); ok {
		return sl.Slice(ctx, name, offset, n)
	}
	set, err := s.cfg.Datasets.Load(ctx, name)
	if err != nil {
		return nil, err
	}
	return set.Slice(offset, n)
}

// checkDataset answers 400 for a spec whose dataset this server lacks (CIFAR not yet
// downloaded), naming the command that gets it, and reports whether the spec may go on.
func (s *Server) checkDataset(w http.ResponseWriter, sp spec.Spec) bool {
	p, err := sp.MLP()
	if err != nil || s.cfg.Datasets == nil {
		return true
	}
	train := string(p.Dataset) + "-train"
	for _, info := range s.cfg.Datasets.Catalog() {
		if info.Name == train && info.Get != "" {
			writeError(w, http.StatusBadRequest, "dataset", "dataset: %s is not on this server yet: run `%s` on it", p.Dataset, info.Get)
			return false
		}
	}
	return true
}

// datasetCacheBytes bounds the encoded slices kept to answer repeated requests.
const datasetCacheBytes = 128 << 20

// encoded is one slice of a dataset in the binary form, raw and gzipped.
type encoded struct {
	once sync.Once
	raw  []byte
	gz   []byte
	etag string
	err  error
}

type sliceKey struct {
	name      string
	offset, n int
}

// datasetCache keeps recently served slices, first in first out within datasetCacheBytes.
// Builds are bounded too: one per slice at a time (the others wait for it), at most
// cap(builds) at once, and the bytes a build will hold are counted against the budget
// before it starts, so that many distinct slices asked for at once cannot take more
// memory than the cache may hold.
type datasetCache struct {
	mu       sync.Mutex
	m        map[sliceKey]*encoded
	order    []sliceKey
	bytes    int           // of the slices kept and the builds in flight
	builds   chan struct{} // a token per build in flight
	building int           // builds in flight
}

// evict drops the oldest slices until bytes+need fits the budget or only keep is left;
// c.mu is held.
func (c *datasetCache) evict(need int, keep *encoded) {
	for i := 0; c.bytes+need > datasetCacheBytes && i < len(c.order); {
		old := c.order[i]
		oe := c.m[old]
		if oe == nil || oe == keep || oe.raw == nil { // being built: not evictable yet
			i++
			continue
		}
		c.bytes -= len(oe.raw) + len(oe.gz)
		delete(c.m, old)
		c.order = slices.Delete(c.order, i, i+1)
	}
}

// get returns the slice k, building it with build unless it is kept or being built; size
// is what the raw form will take (the gzipped one takes less).
func (c *datasetCache) get(ctx context.Context, k sliceKey, size int, build func() (raw []byte, err error)) *encoded {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[sliceKey]*encoded{}
	}
	e := c.m[k]
	if e == nil {
		e = new(encoded)
		c.m[k] = e
		c.order = append(c.order, k)
	}
	c.mu.Unlock()
	e.once.Do(func() {
		select {
		case c.builds <- struct{}{}:
		case <-ctx.Done():
			e.err = ctx.Err()
			return
		}
		defer func() { <-c.builds }()
		// Room for the build's raw and gzipped forms (at most raw's size again).
		reserve := 2 * size
		c.mu.Lock()
		c.evict(reserve, e)
		c.bytes += reserve
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			c.bytes -= reserve
			c.mu.Unlock()
		}()
		e.raw, e.err = build()
		if e.err != nil {
			return
		}
		// The form ends with the CRC-32 of everything before it: with the slice, a strong validator.
		crc := e.raw[len(e.raw)-4:]
		e.etag = fmt.Sprintf(`"%s-%d-%d-%x"`, k.name, k.offset, k.n, crc)
		var zb bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&zb, gzip.DefaultCompression)
		zw.Write(e.raw)
		zw.Close()
		e.gz = zb.Bytes()
		c.mu.Lock()
		defer c.mu.Unlock()
		c.bytes += len(e.raw) + len(e.gz)
		c.evict(reserve, e) // the reservation is still counted: it is given back next
	})
	if e.err != nil { // do not keep failures
		c.mu.Lock()
		if c.m[k] == e {
			delete(c.m, k)
			c.order = slices.DeleteFunc(c.order, func(o sliceKey) bool { return o == k })
		}
		c.mu.Unlock()
	}
	return e
}

func (s *Server) datasetsAvailable(w http.ResponseWriter) bool {
	if s.cfg.Datasets != nil {
		return true
	}
	writeError(w, http.StatusNotImplemented, "", "this deployment serves no datasets; the native server (go run ./server) does")
	return false
}

// listDatasets: GET /api/datasets → [{name, examples, shape, classes, bytes, get}]: get,
// for a set this server lacks (CIFAR not yet downloaded), is the command that gets it.
func (s *Server) listDatasets(w http.ResponseWriter, r *http.Request) {
	if !s.datasetsAvailable(w) {
		return
	}
	// Revalidated every time: a set appears when `tailscope data get` has run.
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, r, http.StatusOK, s.cfg.Datasets.Catalog())
}

// getDataset: GET /api/datasets/{name}?offset=&n= → examples [offset, offset+n) of the set
// in sim/data's compact binary form (application/octet-stream), gzipped when accepted,
// with a strong ETag. offset defaults to 0 and n to the rest of the set.
func (s *Server) getDataset(w http.ResponseWriter, r *http.Request) {
	if !s.datasetsAvailable(w) {
		return
	}
	name := r.PathValue("name")
	cat := s.cfg.Datasets.Catalog()
	i := slices.IndexFunc(cat, func(d data.Info) bool { return d.Name == name })
	if i < 0 {
		names := make([]string, len(cat))
		for j, d := range cat {
			names[j] = d.Name
		}
		writeError(w, http.StatusNotFound, "name", "no dataset %q (known: %v)", clipText(name), names)
		return
	}
	info := cat[i]
	if info.Get != "" {
		writeError(w, http.StatusNotFound, "name", "the dataset %s is not on this server yet: run `%s` on it", name, info.Get)
		return
	}
	q := r.URL.Query()
	offset, ok := intParam(w, q.Get("offset"), "offset", 0, 0, info.Examples-1)
	if !ok {
		return
	}
	n, ok := intParam(w, q.Get("n"), "n", info.Examples-offset, 1, info.Examples-offset)
	if !ok {
		return
	}
	size := int(info.Bytes*int64(n)/int64(info.Examples)) + 64 // the binary form's size, from the catalogue
	e := s.datasets.get(r.Context(), sliceKey{name, offset, n}, size, func() ([]byte, error) {
		sub, err := s.slice(r.Context(), name, offset, n)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		b.Grow(int(data.BinarySize(len(sub.Name), n, sub.Dim, sub.Pixels != nil)))
		if err := sub.WriteBinary(&b); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	})
	if e.err != nil && r.Context().Err() != nil {
		return // the client left while waiting for a build
	}
	if e.err != nil {
		s.logf("api: dataset %s: %v", name, e.err)
		writeError(w, http.StatusServiceUnavailable, "name", "the dataset %s could not be loaded on this server; the server logged why", name)
		return
	}
	h := w.Header()
	h.Set("ETag", e.etag)
	h.Set("Cache-Control", "public, max-age=86400")
	h.Add("Vary", "Accept-Encoding")
	if inm := r.Header.Get("If-None-Match"); inm == e.etag || inm == "*" {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := e.raw
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.tsds"`, name))
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = e.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	// A client must read at least MinReadRate, or it is dropped rather than hold the
	// connection and the answer's buffers.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.ReadGrace + time.Duration(len(body))*time.Second/time.Duration(s.cfg.MinReadRate)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// intParam reads an integer query parameter in [lo, hi], def when absent.
func intParam(w http.ResponseWriter, text, field string, def, lo, hi int) (int, bool) {
	if text == "" {
		return def, true
	}
	v, err := strconv.Atoi(text)
	if err != nil {
		writeError(w, http.StatusBadRequest, field, "%s: must be an integer, got %q", field, clipText(text))
		return 0, false
	}
	if v < lo || v > hi {
		writeError(w, http.StatusBadRequest, field, "%s: must be in [%d, %d] here, got %d", field, lo, hi, v)
		return 0, false
	}
	return v, true
}
