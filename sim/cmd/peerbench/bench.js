// peerbench's page: the JavaScript peers (TensorFlow.js 4.22 and plain JS loops) and the glue
// that starts the Go side (wasmbench, with wasm/kernels.js loaded). The harness calls these
// functions alternately through the DevTools protocol; each resolves to a rate per second.
"use strict";
const peer = {};

peer.goReady = new Promise((resolve) => { globalThis.tailscopeBenchReady = resolve; });

// startGo loads the Go benchmark binary and resolves to the name of its kernel.
peer.startGo = async function () {
  const go = new Go();
  const r = await WebAssembly.instantiateStreaming(fetch("/bench.wasm"), go.importObject);
  go.run(r.instance);
  await peer.goReady;
  return globalThis.tailscopeBench.impl;
};

// go calls a function of the Go side and throws its "error: ..." strings.
peer.go = function (name, ...args) {
  const v = globalThis.tailscopeBench[name](...args);
  if (typeof v === "string") throw new Error("go " + name + ": " + v);
  return v;
};

// goAsync awaits a Go function that returns a Promise.
peer.goAsync = async function (name, ...args) {
  const v = await globalThis.tailscopeBench[name](...args);
  if (typeof v === "string") throw new Error("go " + name + ": " + v);
  return v;
};

// uniform makes n deterministic numbers in [0, 1) (a 32-bit LCG): the same data in every run.
function uniform(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 4294967296;
  }
  return a;
}

peer.tfState = {};

// stepsPerSecond calls once for warm-up (kernel compilation, allocations), then for about
// `seconds` (at least 3 calls), and returns calls per second.
function stepsPerSecond(once, seconds) {
  once();
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 || steps < 3) {
    once();
    steps++;
  }
  return steps / ((performance.now() - t0) / 1000);
}

// tfSetup selects a TF.js backend ("wasm" or "cpu") and describes it.
peer.tfSetup = async function (backend) {
  if (backend === "wasm") tf.wasm.setWasmPaths("/tfjs-wasm/");
  if (!(await tf.setBackend(backend))) throw new Error("tf.setBackend(" + backend + ") failed");
  await tf.ready();
  let info = "tfjs " + tf.version.tfjs + " " + backend;
  if (backend === "wasm") {
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
    info += " simd=" + simd + " threads=" + threads;
  }
  return info;
};

// tfStep times SGD steps of an MLP (layer widths sizes, default 784-128-128-10; no biases, ReLU,
// softmax cross-entropy, lr 0.1) at batch (default 100) on N(0, 1) inputs with labels uniform
// over the classes, as sim/nn's NewBenchStep, on a TF.js backend for about `seconds`, and
// returns steps per second.
peer.tfStep = async function (backend, seconds, sizes = [784, 128, 128, 10], batch = 100) {
  if (tf.getBackend() !== backend) {
    await tf.setBackend(backend);
    await tf.ready();
  }
  const key = backend + " " + sizes.join("-") + " " + batch;
  let st = peer.tfState[key];
  if (!st) {
    const he = (fanIn, fanOut, seed) => tf.variable(
      tf.randomNormal([fanIn, fanOut], 0, Math.sqrt(2 / fanIn), "float32", seed));
    const classes = sizes[sizes.length - 1];
    const labels = new Int32Array(batch);
    const u = uniform(batch, 7);
    for (let i = 0; i < batch; i++) labels[i] = Math.floor(u[i] * classes);
    st = {
      ws: sizes.slice(1).map((out, l) => he(sizes[l], out, l + 1)),
      x: tf.randomNormal([batch, sizes[0]], 0, 1, "float32", 2),
      y: tf.oneHot(tf.tensor1d(labels, "int32"), classes).toFloat(),
      opt: tf.train.sgd(0.1),
    };
    peer.tfState[key] = st;
  }
  const once = () => {
    const cost = st.opt.minimize(() => {
      let h = st.x;
      st.ws.forEach((w, l) => {
        h = tf.matMul(h, w);
        if (l < st.ws.length - 1) h = tf.relu(h);
      });
      return tf.losses.softmaxCrossEntropy(st.y, h);
    }, true, st.ws);
    cost.dataSync();
    cost.dispose();
  };
  return stepsPerSecond(once, seconds);
};

// tfAlexStep times SGD steps (lr 0.01, dropout on) of the reference code's AlexNet variant
// with channel scale ch at batch on N(0, 1) 3×32×32 inputs with uniform labels, as the Go
// side's alexStep (sim/convnet.AlexNet): conv ch 4×4 stride 2 pad 2, ReLU, max-pool 3/2, conv
// ch 5×5 pad 2, ReLU, max-pool 3/2, three conv ch 3×3 pad 1 with ReLU, max-pool 3/2, then
// dropout 0.5, linear (size → width), ReLU, dropout, linear (width → width), ReLU, linear
// (width → 10), with biases, width = size·⌊1 + log₂ size⌋. TF.js runs convolutions in NHWC;
// the flattening order differs from PyTorch's NCHW, the work does not. TF.js 4.22's wasm
// backend registers no Conv2DBackpropFilter (it cannot train tf.conv2d), so each convolution
// runs as a depth-1 tf.conv3d, whose filter gradient it has, on the input padded by tf.pad:
// the same arithmetic. Returns steps per second.
peer.tfAlexStep = async function (backend, ch, batch, seconds) {
  if (tf.getBackend() !== backend) {
    await tf.setBackend(backend);
    await tf.ready();
  }
  const key = "alexnet " + backend + " " + ch + " " + batch;
  let st = peer.tfState[key];
  if (!st) {
    let seed = 1;
    const he = (shape, fanIn) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), "float32", seed++));
    const bias = (n) => tf.variable(tf.zeros([n]));
    const convs = [[4, 2, 2], [5, 1, 2], [3, 1, 1], [3, 1, 1], [3, 1, 1]]; // kernel, stride, pad
    const pools = new Set([0, 1, 4]); // max-pool 3/2 after these convolutions
    let c = 3, h = 32;
    const layers = [];
    convs.forEach(([k, s, p], i) => {
      layers.push({ w: he([1, k, k, c, ch], c * k * k), b: bias(ch), s, p, pool: pools.has(i) });
      c = ch;
      h = Math.floor((h + 2 * p - k) / s) + 1;
      if (pools.has(i)) h = Math.floor((h - 3) / 2) + 1;
    });
    const size = c * h * h;
    const width = size * (Math.floor(Math.log2(size)) + 1);
    const dense = [[size, width], [width, width], [width, 10]].map(([i, o]) => ({ w: he([i, o], i), b: bias(o) }));
    const labels = new Int32Array(batch);
    const u = uniform(batch, 7);
    for (let i = 0; i < batch; i++) labels[i] = Math.floor(u[i] * 10);
    st = {
      layers, dense,
      vars: layers.flatMap((l) => [l.w, l.b]).concat(dense.flatMap((d) => [d.w, d.b])),
      x: tf.randomNormal([batch, 32, 32, 3], 0, 1, "float32", 2),
      y: tf.oneHot(tf.tensor1d(labels, "int32"), 10).toFloat(),
      opt: tf.train.sgd(0.01),
    };
    peer.tfState[key] = st;
  }
  const once = () => {
    const cost = st.opt.minimize(() => {
      let h = st.x;
      for (const l of st.layers) {
        const [b, hh, ww, c] = h.shape;
        const x5 = tf.reshape(tf.pad(h, [[0, 0], [l.p, l.p], [l.p, l.p], [0, 0]]), [b, 1, hh + 2 * l.p, ww + 2 * l.p, c]);
        const y5 = tf.conv3d(x5, l.w, [1, l.s, l.s], "valid");
        h = tf.relu(tf.add(tf.reshape(y5, [b, y5.shape[2], y5.shape[3], y5.shape[4]]), l.b));
        if (l.pool) h = tf.maxPool(h, 3, 2, "valid");
      }
      h = tf.reshape(h, [batch, -1]);
      st.dense.forEach((d, i) => {
        if (i < 2) h = tf.dropout(h, 0.5);
        h = tf.add(tf.matMul(h, d.w), d.b);
        if (i < 2) h = tf.relu(h);
      });
      return tf.losses.softmaxCrossEntropy(st.y, h);
    }, true, st.vars);
    cost.dataSync();
    cost.dispose();
  };
  return stepsPerSecond(once, seconds);
};

// jsSampler draws n SαS(1) samples with a plain JavaScript Chambers–Mallows–Stuck loop
// (docs/science.md#stable-laws) into a reused buffer of 2^16 and returns samples per second.
peer.sampleBuf = new Float64Array(1 << 16);
peer.jsSampler = function (alpha, n) {
  const out = peer.sampleBuf;
  const t0 = performance.now();
  const ia = 1 / alpha, e = (1 - alpha) / alpha;
  for (let done = 0; done < n; done += out.length) {
    const m = Math.min(out.length, n - done);
    for (let i = 0; i < m; i++) {
      const v = Math.PI * (Math.random() - 0.5);
      const w = -Math.log(1 - Math.random());
      out[i] = Math.sin(alpha * v) / Math.pow(Math.cos(v), ia) * Math.pow(Math.cos(v - alpha * v) / w, e);
    }
  }
  const el = (performance.now() - t0) / 1000;
  if (Number.isNaN(out[7])) throw new Error("NaN sample");
  return n / el;
};

peer.logData = null;

// jsLogMean computes (1/n) Σ log|x_i| over n terms with a plain loop and returns terms per
// second. The data are 2^17 normal values (1 MB, about one noise vector of the paper's
// 784-100-100-100-10 network, the chunk sim/noise feeds the estimator), reused until n.
peer.jsLogMean = function (n) {
  if (peer.logData === null) {
    const u = uniform(1 << 18, 11);
    peer.logData = new Float64Array(1 << 17);
    for (let i = 0; i < peer.logData.length; i++) { // Box–Muller normals
      peer.logData[i] = Math.sqrt(-2 * Math.log(1 - u[2 * i])) * Math.cos(2 * Math.PI * u[2 * i + 1]);
    }
  }
  const x = peer.logData;
  const t0 = performance.now();
  let s = 0;
  for (let done = 0; done < n; done += x.length) {
    const m = Math.min(x.length, n - done);
    for (let i = 0; i < m; i++) s += Math.log(Math.abs(x[i]));
  }
  const el = (performance.now() - t0) / 1000;
  if (Number.isNaN(s)) throw new Error("NaN");
  return n / el;
};
