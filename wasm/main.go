//go:build js && wasm

// Command wasm is Tailscope's browser entry point: it mounts ui.Root on the
// page served by server/web and runs the Vugu render loop. The current view
// is mirrored in the URL hash (#estimator, #landscape, #network).
package main

import (
	"log"
	"strings"
	"syscall/js"

	"github.com/tailscope/tailscope/ui"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"
)

const mountPoint = "#vugu_mount_point"

func main() {
	if err := run(); err != nil {
		log.Printf("tailscope: %v", err)
		js.Global().Get("document").Call("querySelector", mountPoint).Set("textContent", "Tailscope failed to start: "+err.Error())
	}
}

func run() error {
	renderer, err := domrender.New(mountPoint)
	if err != nil {
		return err
	}
	defer renderer.Release()
	env := renderer.EventEnv()
	buildEnv, err := vugu.NewBuildEnv(env)
	if err != nil {
		return err
	}

	root := ui.NewRoot()
	root.View = viewFromHash()
	root.OnViewChange = func(v ui.ViewID) {
		js.Global().Get("history").Call("replaceState", nil, "", "#"+string(v))
	}
	onHash := js.FuncOf(func(js.Value, []js.Value) any {
		env.Lock()
		root.View = viewFromHash()
		env.UnlockRender()
		return nil
	})
	defer onHash.Release()
	js.Global().Call("addEventListener", "hashchange", onHash)

	first := true
	for ok := true; ok; ok = renderer.EventWait() {
		if err := renderer.Render(buildEnv.RunBuild(root)); err != nil {
			return err
		}
		if first {
			// Read by the browser tests: time from navigation to the first render.
			js.Global().Set("tailscopeFirstRender", js.Global().Get("performance").Call("now"))
			first = false
		}
	}
	return nil
}

// viewFromHash returns the view named by location.hash, or the default view
// when the hash is empty or names no view.
func viewFromHash() ui.ViewID {
	h := js.Global().Get("location").Get("hash").String()
	if len(h) > 0 && h[0] == '#' {
		h = h[1:]
	}
	h, _, _ = strings.Cut(h, "?") // "#network?kind=mlp&…": the view, then its spec

	v, err := ui.ParseView(h)
	if err != nil {
		return ui.DefaultView
	}
	return v
}
