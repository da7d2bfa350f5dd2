// Package ui holds Tailscope's application shell and its shared components.
//
// Root is the shell: a title, the "Copy link" button (the link is the page's state: view,
// every control, seed), a banner naming the fields of an opened link that were not trusted,
// a navigation between the views (Estimator, Landscape, Network) and the shown view. The page's
// state is a *appstate.State shared with the views; the wasm entry point parses it from the URL
// fragment (and from GET /api/shares/{id} on /s/{id} pages) and rewrites the fragment whenever
// a view calls State.SetSpec. Each view is one line of root.vugu, with the props State and Env
// (see the comment at the top of root.go).
//
// Sub-packages: chart (SVG charts and their exports), controls (every view's sliders, and the
// controls of a spec drawn from its kind's parameter table), worker (long jobs in a Web Worker),
// appstate (the state a link carries), and one package per view (estimatorview, …).
//
// The .vugu files are compiled to 0_components_gen.go by vugugen; run
// `go generate ./ui/...` after editing them (a test per package fails when the committed file is stale).
package ui

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go
