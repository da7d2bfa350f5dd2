#!/usr/bin/env bash
# Builds Tailscope's Cloudflare Worker into server/worker/build (the Worker: worker.mjs,
# app.wasm, wasm_exec.js, runtime.mjs), server/worker/public (the browser app, served as
# static assets) and server/worker/embedded (the MNIST subsets the Worker embeds).
# Then `cd server/worker && npx wrangler dev` (local) or `npx wrangler deploy`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
go run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o "$here/build"
go run ./server/worker/internal/genassets -public "$here/public" -data "$here/embedded"
GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s -o "$here/build/app.wasm" ./server/worker
ls -l "$here/build/app.wasm" "$here/public/main.wasm"
