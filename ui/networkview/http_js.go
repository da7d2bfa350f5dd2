//go:build js && wasm

package networkview

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall/js"
)

// DatasetCache is the name of the Cache API store of dataset slices.
const DatasetCache = "tailscope-datasets-v1"

// await waits for a JS promise.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, a []js.Value) any {
		ch <- result{v: a[0]}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, a []js.Value) any {
		ch <- result{err: errors.New(a[0].Call("toString").String())}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	r := <-ch
	return r.v, r.err
}

// roundTrip makes one request with the browser's fetch; ctx aborts it.
func roundTrip(ctx context.Context, method, url string, body []byte, hdr map[string]string) (status int, out []byte, err error) {
	defer func() {
		if r := recover(); r != nil { // a js.Error from a missing API
			err = fmt.Errorf("fetch: %v", r)
		}
	}()
	ac := js.Global().Get("AbortController").New()
	stop := context.AfterFunc(ctx, func() { ac.Call("abort") })
	defer stop()
	init := map[string]any{"method": method, "signal": ac.Get("signal"), "credentials": "same-origin"}
	if body != nil {
		u8 := js.Global().Get("Uint8Array").New(len(body))
		js.CopyBytesToJS(u8, body)
		init["body"] = u8
	}
	if len(hdr) > 0 {
		h := map[string]any{}
		for k, v := range hdr {
			h[k] = v
		}
		init["headers"] = h
	}
	resp, err := await(js.Global().Call("fetch", url, init))
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, ctx.Err()
		}
		return 0, nil, err
	}
	b, err := responseBytes(resp)
	return resp.Get("status").Int(), b, err
}

// responseBytes reads a Response's body.
func responseBytes(resp js.Value) ([]byte, error) {
	if n := resp.Get("headers").Call("get", "Content-Length"); n.Type() == js.TypeString {
		// strconv, not fmt.Sscan: the scanner would add about 23 kB gzipped to main.wasm.
		if size, err := strconv.ParseInt(strings.TrimSpace(n.String()), 10, 64); err == nil && size > MaxAnswer {
			return nil, fmt.Errorf("the answer has %d bytes, more than the %d read", size, MaxAnswer)
		}
	}
	ab, err := await(resp.Call("arrayBuffer"))
	if err != nil {
		return nil, err
	}
	u8 := js.Global().Get("Uint8Array").New(ab)
	if u8.Length() > MaxAnswer {
		return nil, fmt.Errorf("the answer has %d bytes, more than the %d read", u8.Length(), MaxAnswer)
	}
	b := make([]byte, u8.Length())
	js.CopyBytesToGo(b, u8)
	return b, nil
}

// cachedGet fetches url's body through the Cache API store DatasetCache: a slice fetched
// once is read back from it on later visits, with no request at all. Where the Cache API is
// missing (an insecure origin) it is a plain fetch, still cached by HTTP (ETag, max-age).
func cachedGet(ctx context.Context, url string) (out []byte, err error) {
	caches := js.Global().Get("caches")
	if caches.Type() != js.TypeObject {
		return getBody(ctx, url)
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = getBody(ctx, url)
		}
	}()
	cache, err := await(caches.Call("open", DatasetCache))
	if err != nil {
		return getBody(ctx, url)
	}
	if hit, err := await(cache.Call("match", url)); err == nil && hit.Type() == js.TypeObject {
		if b, err := responseBytes(hit); err == nil {
			return b, nil
		}
	}
	b, err := getBody(ctx, url)
	if err != nil {
		return nil, err
	}
	u8 := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u8, b)
	resp := js.Global().Get("Response").New(u8, map[string]any{"headers": map[string]any{"Content-Type": "application/octet-stream"}})
	await(cache.Call("put", url, resp)) // a full cache only costs a later refetch
	return b, nil
}
