// Package assets holds the static files of the browser app (index.html and
// the page's CSS) so that server/web can embed them.
package assets

import "embed"

// FS holds index.html, style.css and the other static files, at its root.
//
//go:embed index.html style.css
var FS embed.FS
