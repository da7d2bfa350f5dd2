// Package csp holds the security headers the app is served with (Content-Security-Policy
// and its companions), for the native server (server/web) and the Cloudflare Worker
// (server/worker), which serve the same app. It has no OS dependencies.
package csp

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
)

// Policy returns the policy the app is served with, given its index.html:
// everything from this origin only; scripts also from index.html's own inline scripts (by
// hash), WebAssembly compiled from fetched bytes ('wasm-unsafe-eval': main.wasm and the
// kernels), and Vugu's DOM renderer's JavaScript helper by its hash (VuguHelperHash: the
// renderer installs it with window.eval, which csp-eval.js turns into an inline script,
// since the policy allows no eval); Web Workers from this origin; inline style attributes
// (the UI sets some); no plugins; and no framing by any page (frame-ancestors 'none',
// against clickjacking). No inline script but index.html's and no script of another
// origin can run, so markup injected into the page cannot run code.
func Policy(index []byte) string {
	var hashes strings.Builder
	for _, m := range inlineScript.FindAllSubmatch(index, -1) {
		sum := sha256.Sum256(m[1])
		hashes.WriteString(" 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'")
	}
	return "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' '" + VuguHelperHash + "'" + hashes.String() +
		"; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'" +
		"; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

// VuguHelperHash is the CSP hash of the JavaScript helper that Vugu's DOM renderer
// (github.com/vugu/vugu/domrender, jsHelperScript, v0.4.0) installs at start. A test checks
// it against the module go.mod names; a Vugu upgrade that changes the helper fails it.
const VuguHelperHash = "sha256-UiCF58qUdSmE1G+/xPhllvKj5er9jE+B2TbT+4p/35g="

// inlineScript matches a <script> element without attributes and its text.
var inlineScript = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// SetHeaders sets the headers every page and file of the app is served with: the
// policy, no framing (also for browsers without CSP level 2), no MIME sniffing, and no
// Referer sent to other sites (share links carry ids).
func SetHeaders(h http.Header, policy string) {
	h.Set("Content-Security-Policy", policy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}
