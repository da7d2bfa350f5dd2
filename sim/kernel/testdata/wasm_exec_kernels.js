// Runs a js/wasm Go binary under node like $GOROOT/lib/wasm/wasm_exec_node.js, but with
// wasm/assets/kernels.js loaded, so that sim/kernel's tests exercise the WebAssembly SIMD kernels:
//   GOOS=js GOARCH=wasm go test -exec="node $PWD/sim/kernel/testdata/wasm_exec_kernels.js" ./sim/kernel
// Relaxed SIMD is switched on where node's V8 still keeps it behind a flag (node 20), so that
// both of kernels.js's modules load and the tests run each (TestWasmBothKernels).
"use strict";
const path = require("path");
require("v8").setFlagsFromString("--experimental-wasm-relaxed-simd");
globalThis.tailscopeExpectRelaxed = true;
const goroot = process.env.GOROOT ||
  require("child_process").execSync("go env GOROOT", { env: { ...process.env, GOOS: "", GOARCH: "" } }).toString().trim();
globalThis.require = require;
globalThis.fs = require("fs");
globalThis.path = path;
globalThis.TextEncoder = require("util").TextEncoder;
globalThis.TextDecoder = require("util").TextDecoder;
globalThis.performance ??= require("performance");
globalThis.crypto ??= require("crypto");
require(path.join(goroot, "lib", "wasm", "wasm_exec.js"));
{
  const wasmDir = path.join(__dirname, "..", "..", "..", "wasm");
  const inAssets = path.join(wasmDir, "assets", "kernels.js");
  require(fs.existsSync(inAssets) ? inAssets : path.join(wasmDir, "kernels.js"));
}

const go = new Go();
go.argv = process.argv.slice(2);
go.env = Object.assign({ TMPDIR: require("os").tmpdir() }, process.env);
go.exit = process.exit;
WebAssembly.instantiate(fs.readFileSync(process.argv[2]), go.importObject).then((result) => {
  process.on("exit", (code) => {
    if (code === 0 && !go.exited) {
      go._pendingEvent = { id: 0 };
      go._resume();
    }
  });
  return go.run(result.instance);
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
