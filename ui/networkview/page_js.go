//go:build js && wasm

package networkview

import (
	"strings"
	"syscall/js"

	"github.com/tailscope/tailscope/ui/appstate"
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
func pageOrigin() string { return js.Global().Get("location").Get("origin").String() }

// sharePathID is the id of a share page's path (/s/{id}), "" on other pages.
func sharePathID() string {
	p := js.Global().Get("location").Get("pathname").String()
	if id, ok := strings.CutPrefix(p, "/s/"); ok {
		return strings.Trim(id, "/")
	}
	return ""
}
