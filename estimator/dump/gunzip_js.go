//go:build js

package dump

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"syscall/js"
)

// gunzip inflates r, a gzip stream of one or more members (as `cat a.gz b.gz` makes), with
// the browser's own inflater (DecompressionStream, in pages and Web Workers alike) instead of
// compress/gzip, which would add about 15 KB to main.wasm gzipped. It reads r whole (the page
// holds the file's bytes already) and hands out the inflated bytes as the stream yields them,
// so the size caps stop a decompression bomb early. It must not run on the JavaScript event
// loop's own goroutine (a callback): it waits on promises.
func gunzip(r io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if js.Global().Get("DecompressionStream").Type() != js.TypeFunction {
		return nil, errors.New("this browser has no DecompressionStream: unzip the file first")
	}
	s := &jsStream{in: b}
	s.open()
	// The first chunk is read now, so a bad header is an error here, as with compress/gzip.
	// Behind a well-formed header the inflater's error is the stream's (a cut or corrupt
	// body), which the first Read returns, as compress/gzip does.
	if err := s.next(); err != nil && err != io.EOF {
		if len(b) < 10 || b[0] != 0x1f || b[1] != 0x8b || b[2] != 8 {
			return nil, err
		}
		s.err = err
	}
	return s, nil
}

// jsStream inflates in with DecompressionStream. The browser's inflater refuses what follows
// a gzip member ("junk"), so where it stops there, the next member is found by the first
// member's trailer (its CRC-32 and size, which the bytes handed out must match) and inflated
// by a new stream.
type jsStream struct {
	in   []byte   // the members not yet inflated, from the current one's start
	r    js.Value // the current member's ReadableStreamDefaultReader
	buf  []byte   // the rest of the last chunk
	err  error    // io.EOF at the end, or the stream's error
	crc  uint32   // of the current member's bytes handed out so far
	size uint32   // their count, mod 2³² as in the trailer
}

func (s *jsStream) open() {
	u8 := js.Global().Get("Uint8Array").New(len(s.in))
	js.CopyBytesToJS(u8, s.in)
	blob := js.Global().Get("Blob").New([]any{u8})
	s.r = blob.Call("stream").Call("pipeThrough", js.Global().Get("DecompressionStream").New("gzip")).Call("getReader")
	s.crc, s.size = 0, 0
}

// nextMember moves to the member after the current one, if the bytes after a trailer that
// matches what was inflated start one.
func (s *jsStream) nextMember() bool {
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:], s.crc)
	binary.LittleEndian.PutUint32(trailer[4:], s.size)
	for from := 18; from < len(s.in); { // 18: the smallest member (header and trailer)
		k := bytes.Index(s.in[from:], trailer[:])
		if k < 0 {
			return false
		}
		end := from + k + 8
		if rest := s.in[end:]; len(rest) >= 2 && rest[0] == 0x1f && rest[1] == 0x8b {
			s.in = rest
			s.open()
			return true
		}
		from = from + k + 1
	}
	return false
}

func (s *jsStream) Read(p []byte) (int, error) {
	for len(s.buf) == 0 && s.err == nil {
		s.err = s.next()
	}
	if len(s.buf) == 0 {
		return 0, s.err
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// next waits for the stream's next chunk.
func (s *jsStream) next() error {
	type answer struct {
		v   js.Value
		err error
	}
	ch := make(chan answer, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- answer{v: args[0]}
		return nil
	})
	defer then.Release()
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- answer{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	defer catch.Release()
	s.r.Call("read").Call("then", then, catch)
	a := <-ch
	if a.err != nil {
		if s.size > 0 && s.nextMember() {
			return s.next()
		}
		return a.err
	}
	if a.v.Get("done").Bool() {
		return io.EOF
	}
	chunk := a.v.Get("value")
	s.buf = make([]byte, chunk.Get("length").Int())
	js.CopyBytesToGo(s.buf, chunk)
	s.crc = crc32.Update(s.crc, crc32.IEEETable, s.buf)
	s.size += uint32(len(s.buf))
	return nil
}
