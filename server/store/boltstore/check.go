package boltstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DamagedError is returned by OpenWith and Check for a database file that cannot be used
// as it is. The file is left untouched.
type DamagedError struct {
	Path    string // the database file
	Problem string // what is wrong with it
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("boltstore: the database %s is damaged (%s); nothing was changed. "+
		"To recover, restore the latest backup in its place (`tailscope db backup -data DIR FILE` makes one; "+
		"`tailscope db check -data DIR` checks it), or move the damaged file aside to start with an empty database", e.Path, e.Problem)
}

// Layout of a bbolt meta page (bbolt's file format version 2, internal/common/meta.go):
// a 16-byte page header, then magic, version, page size, flags (uint32 each), the root
// bucket (root page, sequence), the freelist page, the high-water page id, the transaction
// id (uint64 each) and an FNV-64a checksum of everything of the meta before it.
const (
	pageHeaderSize = 16
	metaMagic      = 0xED0CDAED
	metaVersion    = 2
	metaSumOffset  = 56 // of the checksum, from the start of the meta
	metaSize       = 64
)

// meta is what the size check needs of a meta page.
type meta struct {
	pageSize uint32
	freelist uint64
	pgid     uint64 // high-water mark: pages [0, pgid) exist
	txid     uint64
}

// readMeta decodes and validates the meta page at offset off of f.
func readMeta(f io.ReaderAt, off int64) (meta, error) {
	var buf [pageHeaderSize + metaSize]byte
	if _, err := f.ReadAt(buf[:], off); err != nil {
		return meta{}, fmt.Errorf("reading the meta page at byte %d: %w", off, err)
	}
	m := buf[pageHeaderSize:]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != metaMagic {
		return meta{}, fmt.Errorf("the meta page at byte %d is not a bbolt header", off)
	}
	if v := le.Uint32(m[4:]); v != metaVersion {
		return meta{}, fmt.Errorf("the meta page at byte %d has format version %d, not %d", off, v, metaVersion)
	}
	h := fnv.New64a()
	h.Write(m[:metaSumOffset])
	if h.Sum64() != le.Uint64(m[metaSumOffset:]) {
		return meta{}, fmt.Errorf("the meta page at byte %d fails its checksum", off)
	}
	return meta{pageSize: le.Uint32(m[8:]), freelist: le.Uint64(m[32:]), pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, nil
}

// checkFile checks the file at path before bbolt maps it: not empty, a valid meta page,
// and at least as long as the meta says. Reading a page of a memory-mapped file beyond its
// end is a fault that kills the process, so a short file must never reach bbolt. A path
// that does not exist is fine: bbolt creates the database.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("boltstore: stat %s: %w", path, err)
	}
	size := fi.Size()
	if size == 0 {
		return &DamagedError{Path: path, Problem: "the file is empty (0 bytes): a database that was ever opened has at least its four header pages, so it was truncated; starting empty would lose every share and run"}
	}
	// The newer valid meta page is the database's state; bbolt falls back to the other
	// when one is torn, and so does this check.
	m0, err0 := readMeta(f, 0)
	off1 := int64(os.Getpagesize())
	if err0 == nil {
		off1 = int64(m0.pageSize)
	}
	m1, err1 := readMeta(f, off1)
	var m meta
	switch {
	case err0 != nil && err1 != nil:
		return &DamagedError{Path: path, Problem: fmt.Sprintf("neither header page is valid: %v; %v", err0, err1)}
	case err0 != nil:
		m = m1
	case err1 != nil || m0.txid > m1.txid:
		m = m0
	default:
		m = m1
	}
	if m.pageSize < 512 || m.pageSize > 1<<24 || m.pageSize&(m.pageSize-1) != 0 {
		return &DamagedError{Path: path, Problem: fmt.Sprintf("the header gives a page size of %d bytes", m.pageSize)}
	}
	if need := int64(m.pgid) * int64(m.pageSize); size < need {
		return &DamagedError{Path: path, Problem: fmt.Sprintf("the file is %d bytes but its header says it holds %d pages of %d bytes (%d bytes): it was truncated", size, m.pgid, m.pageSize, need)}
	}
	return nil
}

// guard runs f, which reads a memory-mapped database, turning a panic (bbolt's, on a
// damaged page) or a memory fault into a *DamagedError. It runs f on a goroutine of its
// own, which alone has the runtime's panic-on-fault behaviour.
func guard(path string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		debug.SetPanicOnFault(true)
		defer func() {
			if p := recover(); p != nil {
				errc <- &DamagedError{Path: path, Problem: fmt.Sprintf("reading it failed: %v", p)}
			}
		}()
		errc <- f()
	}()
	return <-errc
}

// Report is the outcome of a consistency check.
type Report struct {
	Buckets  int   // buckets read
	Records  int   // keys and values read
	Bytes    int64 // the file's size
	Used     int64 // bytes of its pages in use
	Complete bool  // every record was read and bbolt's Tx.Check ran to the end
}

// verify reads every key and value of db, then runs bbolt's Tx.Check, within timeout
// (the check stops there, Report.Complete false). Damage is a *DamagedError.
func verify(db *bolt.DB, path string, timeout time.Duration) (Report, error) {
	var rep Report
	deadline := time.Now().Add(timeout)
	err := guard(path, func() error {
		return db.View(func(tx *bolt.Tx) error {
			rep.Bytes = tx.Size()
			var sum byte // reading each value's bytes touches every page
			err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
				rep.Buckets++
				c := b.Cursor()
				for k, v := c.First(); k != nil; k, v = c.Next() {
					rep.Records++
					for i := 0; i < len(v); i += 512 {
						sum ^= v[i]
					}
					if rep.Records%1024 == 0 && time.Now().After(deadline) {
						return errTimeUp
					}
				}
				return nil
			})
			_ = sum
			if err != nil {
				return err
			}
			var problems []error
			for err := range tx.Check() {
				if len(problems) < 5 {
					problems = append(problems, err)
				}
			}
			if len(problems) > 0 {
				return &DamagedError{Path: path, Problem: "bbolt's consistency check: " + errors.Join(problems...).Error()}
			}
			rep.Complete = true
			return nil
		})
	})
	if errors.Is(err, errTimeUp) {
		return rep, nil
	}
	return rep, err
}

var errTimeUp = errors.New("time up")
