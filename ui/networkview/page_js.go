//go:build js && wasm

package networkview

import (
	"net/url"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/worker"
)

// pageState reads the page's state from the URL fragment, for a View mounted without a
// shared State; its changes rewrite the fragment with history.replaceState.
func pageState() *appstate.State {
	st := appstate.Parse(js.Global().Get("location").Get("hash").String())
	st.OnChange = func(st *appstate.State) {
		js.Global().Get("history").Call("replaceState", nil, "", st.Fragment())
	}
	return st
}

// pageOrigin is the page's origin, e.g. "http://127.0.0.1:8080": the API's base.
// Outside a page or worker (node, which runs the js/wasm tests) there is no location: "".
func pageOrigin() string {
	loc := js.Global().Get("location")
	if loc.Type() != js.TypeObject {
		return ""
	}
	return loc.Get("origin").String()
}

// sharePathID is the id of a share page's path (/s/{id}), "" on other pages.
func sharePathID() string {
	p := js.Global().Get("location").Get("pathname").String()
	if id, ok := strings.CutPrefix(p, "/s/"); ok {
		return strings.Trim(id, "/")
	}
	return ""
}

func init() { EvalData = (&Client{Base: pageOrigin()}).load } // a worker's data: from the server

// evalWorkers is how many Web Workers a measurement is spread over: 2 where the browser
// reports at least 2 logical cores (worker.Cores), else 1 (the page's thread); a page address
// with ?evalWorkers=N (1 … 8) sets it, to compare (another value is ignored).
func evalWorkers() int {
	g := js.Global()
	if g.Get("Worker").Type() != js.TypeFunction || g.Get("location").Type() != js.TypeObject {
		return 1 // not a browser page (node runs the js/wasm tests): no Web Workers
	}
	if q, err := url.ParseQuery(strings.TrimPrefix(g.Get("location").Get("search").String(), "?")); err == nil {
		if n, err := strconv.Atoi(q.Get("evalWorkers")); err == nil && n >= 1 && n <= 8 {
			return n
		}
	}
	if worker.Cores() >= 2 {
		return 2
	}
	return 1
}
