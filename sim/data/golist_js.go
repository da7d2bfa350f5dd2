//go:build js || wasip1

package data

// goListModuleDir finds nothing in the browser, which has no go command (and no os/exec:
// leaving it out keeps main.wasm smaller); the page fetches its sets from the server.
func goListModuleDir(string) (string, bool) { return "", false }
