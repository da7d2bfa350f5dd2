// Tailscope's WebAssembly SIMD kernels: glue that instantiates kernels.wasm (source:
// kernels.wat) on the linear memory of the Go instance, so that Go's sim/kernel can call
// globalThis.tailscopeKernels.gemm (and .axpy, .logabssum; sim/fastmath) with the addresses of its slices (no copying).
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
  const wasmBase64 = "AGFzbQEAAAABGQNgCH9/f39/f39/AGAEf39/fQBgAn9/AXwCCwECZ28DbWVtAgABAwQDAAECBxsDBGdlbW0AAARheHB5AAEJbG9nYWJzc3VtAAIK2RgDwgcDDX8LewF9IAdBAnQhCyALIQwgAkECdCENIANBAnQhDkEAIQkCQANAIAlBCGogB0oNAUEAIQgCQANAIAhBBGogBUoNASABIAggDWxqIQ8gDyANaiEQIBAgDWohESARIA1qIRIgBCAJQQJ0aiET/QwAAAAAAAAAAAAAAAAAAAAAIRj9DAAAAAAAAAAAAAAAAAAAAAAhGf0MAAAAAAAAAAAAAAAAAAAAACEa/QwAAAAAAAAAAAAAAAAAAAAAIRv9DAAAAAAAAAAAAAAAAAAAAAAhHP0MAAAAAAAAAAAAAAAAAAAAACEd/QwAAAAAAAAAAAAAAAAAAAAAIR79DAAAAAAAAAAAAAAAAAAAAAAhHyAGIQoCQANAIApBAEwNASAT/QAEACEVIBP9AAQQIRYgD/0JAgAhFyAYIBcgFf3mAf3kASEYIBkgFyAW/eYB/eQBIRkgEP0JAgAhFyAaIBcgFf3mAf3kASEaIBsgFyAW/eYB/eQBIRsgEf0JAgAhFyAcIBcgFf3mAf3kASEcIB0gFyAW/eYB/eQBIR0gEv0JAgAhFyAeIBcgFf3mAf3kASEeIB8gFyAW/eYB/eQBIR8gDyAOaiEPIBAgDmohECARIA5qIREgEiAOaiESIBMgC2ohEyAKQQFrIQoMAAsLIAAgCCAMbCAJQQJ0amohFCAUIBj9CwQAIBQgGf0LBBAgFCAMaiEUIBQgGv0LBAAgFCAb/QsEECAUIAxqIRQgFCAc/QsEACAUIB39CwQQIBQgDGohFCAUIB79CwQAIBQgH/0LBBAgCEEEaiEIDAALCwJAA0AgCCAFTg0BIAEgCCANbGohDyAEIAlBAnRqIRP9DAAAAAAAAAAAAAAAAAAAAAAhGP0MAAAAAAAAAAAAAAAAAAAAACEZIAYhCgJAA0AgCkEATA0BIA/9CQIAIRcgGCAXIBP9AAQA/eYB/eQBIRggGSAXIBP9AAQQ/eYB/eQBIRkgDyAOaiEPIBMgC2ohEyAKQQFrIQoMAAsLIAAgCCAMbCAJQQJ0amohFCAUIBj9CwQAIBQgGf0LBBAgCEEBaiEIDAALCyAJQQhqIQkMAAsLAkADQCAJIAdODQFBACEIAkADQCAIIAVODQEgASAIIA1saiEPIAQgCUECdGohE0MAAAAAISAgBiEKAkADQCAKQQBMDQEgICAPKgIAIBMqAgCUkiEgIA8gDmohDyATIAtqIRMgCkEBayEKDAALCyAAIAggDGwgCUECdGpqICA4AgAgCEEBaiEIDAALCyAJQQFqIQkMAAsLC6QBAgJ/AXsgA/0TIQYgACACQQJ0aiEEIAAgAkF4cUECdGohBQJAA0AgACAFTw0BIAAgAP0ABAAgBiAB/QAEAP3mAf3kAf0LBAAgACAA/QAEECAGIAH9AAQQ/eYB/eQB/QsEECAAQSBqIQAgAUEgaiEBDAALCwJAA0AgACAETw0BIAAgACoCACADIAEqAgCUkjgCACAAQQRqIQAgAUEEaiEBDAALCwvsDwICfxh7IAAgAUEDdGohAiAAIAFBfHFBA3RqIQMCQANAIAAgA08NASAA/QAEAP0M/////////3//////////f/1OIQYgBv0MAAAAAAAAEAAAAAAAAAAQAP1JIQcgBv0MAAAAAAAAUEMAAAAAAABQQ/3yASAGIAf9UiEKIAr9DM07f2aeoOY/zTt/Zp6g5j/90QEhCCAIQTT9zAEhCSAKIAj9DAAAAAAAAPD/AAAAAAAA8P/9Tv3RAf0MAAAAAAAA8D8AAAAAAADwP/3xASEKIAkgCf0NAAECAwgJCgsAAQIDCAkKC/3+ASAH/QwAAAAAAABLQAAAAAAAAEtA/U798QEhCSAK/QwAAAAAAAAAQAAAAAAAAABAIAr98AH98wEhCyALIAv98gEhDCAMIAz98gEhDSAM/QyTVVVVVVXlP5NVVVVVVeU/IA39DFmTIpQkSdI/WZMilCRJ0j8gDf0M3gPLlmRGxz/eA8uWZEbHPyAN/QxEUj7fEvHCP0RSPt8S8cI//fIB/fAB/fIB/fAB/fIB/fAB/fIBIA39DAT6l5mZmdk/BPqXmZmZ2T8gDf0Mr3iOHcVxzD+veI4dxXHMPyAN/QyfxnjQCZrDP5/GeNAJmsM//fIB/fAB/fIB/fAB/fIB/fABIQ79DAAAAAAAAOA/AAAAAAAA4D8gCiAK/fIB/fIBIQ8gCf0MAADg/kIu5j8AAOD+Qi7mP/3yASAPIAsgDyAO/fAB/fIBIAn9DHY8eTXvOeo9djx5Ne856j398gH98AH98QEgCv3xAf3xASEQ/QwAAAAAAADw/wAAAAAAAPD/IBAgBv0MAAAAAAAAAAAAAAAAAAAAAP1H/VIhECAGIBAgBv0MAAAAAAAA8H8AAAAAAADwf/1J/U39UiEQIAD9AAQQ/Qz/////////f/////////9//U4hESAR/QwAAAAAAAAQAAAAAAAAABAA/UkhEiAR/QwAAAAAAABQQwAAAAAAAFBD/fIBIBEgEv1SIRUgFf0MzTt/Zp6g5j/NO39mnqDmP/3RASETIBNBNP3MASEUIBUgE/0MAAAAAAAA8P8AAAAAAADw//1O/dEB/QwAAAAAAADwPwAAAAAAAPA//fEBIRUgFCAU/Q0AAQIDCAkKCwABAgMICQoL/f4BIBL9DAAAAAAAAEtAAAAAAAAAS0D9Tv3xASEUIBX9DAAAAAAAAABAAAAAAAAAAEAgFf3wAf3zASEWIBYgFv3yASEXIBcgF/3yASEYIBf9DJNVVVVVVeU/k1VVVVVV5T8gGP0MWZMilCRJ0j9ZkyKUJEnSPyAY/QzeA8uWZEbHP94Dy5ZkRsc/IBj9DERSPt8S8cI/RFI+3xLxwj/98gH98AH98gH98AH98gH98AH98gEgGP0MBPqXmZmZ2T8E+peZmZnZPyAY/QyveI4dxXHMP694jh3Fccw/IBj9DJ/GeNAJmsM/n8Z40Amawz/98gH98AH98gH98AH98gH98AEhGf0MAAAAAAAA4D8AAAAAAADgPyAVIBX98gH98gEhGiAU/QwAAOD+Qi7mPwAA4P5CLuY//fIBIBogFiAaIBn98AH98gEgFP0Mdjx5Ne856j12PHk17znqPf3yAf3wAf3xASAV/fEB/fEBIRv9DAAAAAAAAPD/AAAAAAAA8P8gGyAR/QwAAAAAAAAAAAAAAAAAAAAA/Uf9UiEbIBEgGyAR/QwAAAAAAADwfwAAAAAAAPB//Un9Tf1SIRsgBCAQ/fABIQQgBSAb/fABIQUgAEEgaiEADAALCwJAA0AgACACTw0BIAD9XQMARAAAAAAAAPA//SIB/Qz/////////f/////////9//U4hBiAG/QwAAAAAAAAQAAAAAAAAABAA/UkhByAG/QwAAAAAAABQQwAAAAAAAFBD/fIBIAYgB/1SIQogCv0MzTt/Zp6g5j/NO39mnqDmP/3RASEIIAhBNP3MASEJIAogCP0MAAAAAAAA8P8AAAAAAADw//1O/dEB/QwAAAAAAADwPwAAAAAAAPA//fEBIQogCSAJ/Q0AAQIDCAkKCwABAgMICQoL/f4BIAf9DAAAAAAAAEtAAAAAAAAAS0D9Tv3xASEJIAr9DAAAAAAAAABAAAAAAAAAAEAgCv3wAf3zASELIAsgC/3yASEMIAwgDP3yASENIAz9DJNVVVVVVeU/k1VVVVVV5T8gDf0MWZMilCRJ0j9ZkyKUJEnSPyAN/QzeA8uWZEbHP94Dy5ZkRsc/IA39DERSPt8S8cI/RFI+3xLxwj/98gH98AH98gH98AH98gH98AH98gEgDf0MBPqXmZmZ2T8E+peZmZnZPyAN/QyveI4dxXHMP694jh3Fccw/IA39DJ/GeNAJmsM/n8Z40Amawz/98gH98AH98gH98AH98gH98AEhDv0MAAAAAAAA4D8AAAAAAADgPyAKIAr98gH98gEhDyAJ/QwAAOD+Qi7mPwAA4P5CLuY//fIBIA8gCyAPIA798AH98gEgCf0Mdjx5Ne856j12PHk17znqPf3yAf3wAf3xASAK/fEB/fEBIRD9DAAAAAAAAPD/AAAAAAAA8P8gECAG/QwAAAAAAAAAAAAAAAAAAAAA/Uf9UiEQIAYgECAG/QwAAAAAAADwfwAAAAAAAPB//Un9Tf1SIRAgBCAQ/fABIQQgAEEIaiEADAALCyAEIAX98AEhBCAE/SEAIAT9IQGgCw==";
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
    logabssum: null,
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
        api.logabssum = inst.exports.logabssum;
        return true;
      } catch (e) {
        console.warn("tailscope kernels unavailable:", e);
        api.gemm = null;
        api.axpy = null;
        api.logabssum = null;
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
