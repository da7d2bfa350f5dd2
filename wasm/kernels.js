// Tailscope's WebAssembly SIMD kernels: glue that instantiates kernels.wasm (source:
// kernels.wat) on the linear memory of the Go instance, so that Go's sim/kernel can call
// globalThis.tailscopeKernels.gemm (and .axpy) with the addresses of its slices (no copying).
//
// Load it after wasm_exec.js and before go.run: <script src="kernels.js"></script>. It wraps
// Go.prototype.run to attach the kernels to instance.exports.mem before the Go program starts,
// so nothing else changes. In a Web Worker: importScripts("wasm_exec.js", "kernels.js"). Where
// WebAssembly SIMD is missing, attach returns false and Go falls back to its plain loops.
//
// The module bytes are embedded below (base64 of kernels.wasm, 1 KB) so that instantiation is
// synchronous; sim/kernel's TestWasmModuleUpToDate checks them against kernels.wasm and
// kernels.wat (go test ./sim/kernel -run WasmModule -update rewrites them).
(function () {
  "use strict";
  const wasmBase64 = "AGFzbQEAAAABEwJgCH9/f39/f39/AGAEf39/fQACCwECZ28DbWVtAgABAwMCAAEHDwIEZ2VtbQAABGF4cHkAAQrrCALCBwMNfwt7AX0gB0ECdCELIAshDCACQQJ0IQ0gA0ECdCEOQQAhCQJAA0AgCUEIaiAHSg0BQQAhCAJAA0AgCEEEaiAFSg0BIAEgCCANbGohDyAPIA1qIRAgECANaiERIBEgDWohEiAEIAlBAnRqIRP9DAAAAAAAAAAAAAAAAAAAAAAhGP0MAAAAAAAAAAAAAAAAAAAAACEZ/QwAAAAAAAAAAAAAAAAAAAAAIRr9DAAAAAAAAAAAAAAAAAAAAAAhG/0MAAAAAAAAAAAAAAAAAAAAACEc/QwAAAAAAAAAAAAAAAAAAAAAIR39DAAAAAAAAAAAAAAAAAAAAAAhHv0MAAAAAAAAAAAAAAAAAAAAACEfIAYhCgJAA0AgCkEATA0BIBP9AAQAIRUgE/0ABBAhFiAP/QkCACEXIBggFyAV/eYB/eQBIRggGSAXIBb95gH95AEhGSAQ/QkCACEXIBogFyAV/eYB/eQBIRogGyAXIBb95gH95AEhGyAR/QkCACEXIBwgFyAV/eYB/eQBIRwgHSAXIBb95gH95AEhHSAS/QkCACEXIB4gFyAV/eYB/eQBIR4gHyAXIBb95gH95AEhHyAPIA5qIQ8gECAOaiEQIBEgDmohESASIA5qIRIgEyALaiETIApBAWshCgwACwsgACAIIAxsIAlBAnRqaiEUIBQgGP0LBAAgFCAZ/QsEECAUIAxqIRQgFCAa/QsEACAUIBv9CwQQIBQgDGohFCAUIBz9CwQAIBQgHf0LBBAgFCAMaiEUIBQgHv0LBAAgFCAf/QsEECAIQQRqIQgMAAsLAkADQCAIIAVODQEgASAIIA1saiEPIAQgCUECdGohE/0MAAAAAAAAAAAAAAAAAAAAACEY/QwAAAAAAAAAAAAAAAAAAAAAIRkgBiEKAkADQCAKQQBMDQEgD/0JAgAhFyAYIBcgE/0ABAD95gH95AEhGCAZIBcgE/0ABBD95gH95AEhGSAPIA5qIQ8gEyALaiETIApBAWshCgwACwsgACAIIAxsIAlBAnRqaiEUIBQgGP0LBAAgFCAZ/QsEECAIQQFqIQgMAAsLIAlBCGohCQwACwsCQANAIAkgB04NAUEAIQgCQANAIAggBU4NASABIAggDWxqIQ8gBCAJQQJ0aiETQwAAAAAhICAGIQoCQANAIApBAEwNASAgIA8qAgAgEyoCAJSSISAgDyAOaiEPIBMgC2ohEyAKQQFrIQoMAAsLIAAgCCAMbCAJQQJ0amogIDgCACAIQQFqIQgMAAsLIAlBAWohCQwACwsLpAECAn8BeyAD/RMhBiAAIAJBAnRqIQQgACACQXhxQQJ0aiEFAkADQCAAIAVPDQEgACAA/QAEACAGIAH9AAQA/eYB/eQB/QsEACAAIAD9AAQQIAYgAf0ABBD95gH95AH9CwQQIABBIGohACABQSBqIQEMAAsLAkADQCAAIARPDQEgACAAKgIAIAMgASoCAJSSOAIAIABBBGohACABQQRqIQEMAAsLCw==";
  let module = null;

  function bytes() {
    if (typeof atob === "function") {
      const s = atob(wasmBase64);
      const u = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
      return u;
    }
    return Uint8Array.from(Buffer.from(wasmBase64, "base64"));
  }

  const api = {
    gemm: null,
    axpy: null,
    // attach instantiates the kernels on memory (the Go instance's exports.mem) and reports
    // whether they are available.
    attach(memory) {
      try {
        if (module === null) {
          const b = bytes();
          if (!WebAssembly.validate(b)) return false; // no SIMD support
          module = new WebAssembly.Module(b);
        }
        const inst = new WebAssembly.Instance(module, { go: { mem: memory } });
        api.gemm = inst.exports.gemm;
        api.axpy = inst.exports.axpy;
        return true;
      } catch (e) {
        console.warn("tailscope kernels unavailable:", e);
        api.gemm = null;
        api.axpy = null;
        return false;
      }
    },
  };
  globalThis.tailscopeKernels = api;

  if (typeof globalThis.Go === "function" && !globalThis.Go.prototype.tailscopeKernelsWrapped) {
    const run = globalThis.Go.prototype.run;
    globalThis.Go.prototype.run = function (instance) {
      if (instance && instance.exports && instance.exports.mem) api.attach(instance.exports.mem);
      return run.call(this, instance);
    };
    globalThis.Go.prototype.tailscopeKernelsWrapped = true;
  }
})();
