// Tailscope's Web Worker: a second instance of main.wasm that runs long jobs (ui/worker) so that
// the page keeps responding. The page first posts {type: "module", module} (the compiled module,
// or null to fetch it), then run requests; requests that arrive before Go listens are queued.
importScripts("/wasm_exec.js", "/kernels.js");
const queue = [];
let deliver = null;
self.tailscopeWorkerListen = (fn) => {
  deliver = fn;
  for (const m of queue.splice(0)) fn(m);
};
self.onmessage = (e) => {
  const d = e.data;
  if (d && d.type === "module") {
    start(d.module).catch((err) => self.postMessage({ type: "error", id: 0, message: "worker: cannot start: " + err }));
    return;
  }
  if (deliver) deliver(d); else queue.push(d);
};
async function start(module) {
  const go = new Go();
  let instance;
  if (module) {
    instance = await WebAssembly.instantiate(module, go.importObject);
  } else {
    instance = (await WebAssembly.instantiateStreaming(fetch("/main.wasm"), go.importObject)).instance;
  }
  await go.run(instance);
  // Go's Serve never returns: the program ended in a crash (a panic outside a job's own goroutine;
  // its message is on the console). Say so, or the page's run would wait for an answer forever;
  // "worker:" tells the page not to reuse this worker.
  self.postMessage({ type: "error", id: 0, message: "worker: its Go program ended (a crash; the console says why)" });
}
