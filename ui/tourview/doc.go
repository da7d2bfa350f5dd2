// Package tourview is the guided tour of the talk: a sequence of steps, each a short text and
// the live widget of one of the app's views loaded with the scenario that makes the step's
// point. ← and → (or the buttons) move between steps, and the step is in the URL
// (#tour?step=3), so a link opens the tour where its sender was.
//
// The widgets are the views themselves (estimatorview, landscapeview, networkview, iteratesview) on the
// page's shared state: entering a step writes its scenario's spec into the state, without
// rewriting the link, and the view follows it as it follows a new link.
package tourview

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go
