// Package wranglertest holds the end-to-end test of the Worker build: it builds
// server/worker, starts it with `wrangler dev` locally and offline, and drives it over HTTP
// and in headless Chromium. It has no code of its own besides the test.
package wranglertest
