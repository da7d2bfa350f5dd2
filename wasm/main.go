//go:build js && wasm

// Command wasm is Tailscope's browser entry point. In the page it mounts ui.Root on the page
// served by server/web and runs the Vugu render loop; in a Web Worker (the same binary, started by
// worker.js) it serves the long jobs of ui/worker instead.
//
// The page's state (ui/appstate) lives in the URL fragment: it is parsed at start and on every
// hashchange, and rewritten with history.replaceState whenever a control moves. A page opened at
// /s/{id} first loads the stored share from GET /api/shares/{id}.
package main

import (
	"fmt"
	"log"
	"syscall/js"
	"time"

	"github.com/tailscope/tailscope/ui"
	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/worker"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"
)

const mountPoint = "#vugu_mount_point"

func main() {
	if worker.IsWorker() {
		worker.Serve()
		return
	}
	if err := run(); err != nil {
		log.Printf("tailscope: %v", err)
		js.Global().Get("document").Call("querySelector", mountPoint).Set("textContent", "Tailscope failed to start: "+err.Error())
	}
}

func run() error {
	loc := js.Global().Get("location")
	st := appstate.Parse(loc.Get("hash").String())
	if id, ok := ui.ShareID(loc.Get("pathname").String()); ok {
		body, err := fetchShare(id)
		ui.ApplyShare(st, id, body, err)
	}

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
	root.State, root.Env = st, env
	root.LinkBase = loc.Get("origin").String() + "/"
	root.ListenKeys()
	// Every change rewrites the URL; a page opened from /s/{id} moves to / once changed.
	st.OnChange = func(s *appstate.State) {
		js.Global().Get("history").Call("replaceState", nil, "", "/"+s.Fragment())
		s.ShareID, s.Result = "", nil
	}
	onHash := js.FuncOf(func(js.Value, []js.Value) any {
		env.Lock()
		next := appstate.Parse(js.Global().Get("location").Get("hash").String())
		st.View, st.Specs, st.Ignored, st.Step = next.View, next.Specs, next.Ignored, next.Step
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

// fetchShare reads GET /api/shares/{id} with the browser's fetch. (net/http would do the same
// through fetch, but it adds about 1 MB of gzipped wasm: crypto/tls and the HTTP/2 client.)
func fetchShare(id string) ([]byte, error) {
	type answer struct {
		body []byte
		err  error
	}
	ch := make(chan answer, 1)
	send := func(a answer) { // never blocks a JavaScript callback
		select {
		case ch <- a:
		default:
		}
	}
	var onResp, onBody, onErr js.Func
	status := 0
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		send(answer{err: fmt.Errorf("the server did not answer: %s", args[0].Call("toString").String())})
		return nil
	})
	onBody = js.FuncOf(func(_ js.Value, args []js.Value) any {
		u8 := js.Global().Get("Uint8Array").New(args[0])
		n := u8.Get("length").Int()
		if n > ui.MaxShareBytes {
			send(answer{err: fmt.Errorf("the share is larger than %d bytes", ui.MaxShareBytes)})
			return nil
		}
		b := make([]byte, n)
		js.CopyBytesToGo(b, u8)
		switch {
		case status == 404:
			send(answer{err: fmt.Errorf("there is no such share")})
		case status != 200:
			send(answer{err: fmt.Errorf("the server answered %d", status)})
		default:
			send(answer{body: b})
		}
		return nil
	})
	onResp = js.FuncOf(func(_ js.Value, args []js.Value) any {
		status = args[0].Get("status").Int()
		args[0].Call("arrayBuffer").Call("then", onBody).Call("catch", onErr)
		return nil
	})
	js.Global().Call("fetch", "/api/shares/"+id, map[string]any{"headers": map[string]any{"Accept": "application/json"}}).
		Call("then", onResp).Call("catch", onErr)
	select {
	case a := <-ch:
		onResp.Release()
		onBody.Release()
		onErr.Release()
		return a.body, a.err
	case <-time.After(15 * time.Second):
		// The callbacks stay alive: fetch may still call them.
		return nil, fmt.Errorf("the server did not answer within 15 s")
	}
}
