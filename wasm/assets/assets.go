// Package assets holds the static files of the browser app (index.html and
// the page's CSS) so that server/web can embed them.
//
// Its go:generate line builds main.wasm for server/web to embed. It lives here,
// not in server/web, because `go generate ./...` runs packages in import-path
// order: wasm/assets comes after ui/, whose generated code goes into the wasm.
package assets

//go:generate go run ../../server/web/internal/genwasm -o ../../server/web/dist

import "embed"

// FS holds index.html, style.css and the other static files, at its root.
//
//go:embed index.html *.css *.js
var FS embed.FS
