#!/bin/bash
# The GPU check of sim/cuda, on a machine with an NVIDIA GPU, its driver, cuBLAS, NVRTC and
# PyTorch, and no Go toolchain: build.sh made bin/ elsewhere. It runs the GPU tests (α̂ and
# losses against the CPU backend, memory freed), the benchmarks and torch_bench.py on the
# same GPU, and prints one table. Under 8 minutes on one H100; results also go to $OUT (or
# /tmp/devicecheck-out).
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/devicecheck-out}
mkdir -p "$out"
bin=$here/bin
[ -x "$bin/cuda.test" ] || { echo "devicecheck: no $bin/cuda.test: run sim/cuda/devicecheck/build.sh where Go is"; exit 2; }
export TAILSCOPE_MNIST_DIR=$bin/mnist

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -2
grep -m1 'model name' /proc/cpuinfo
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())' 2>&1 | tail -1
ldconfig -p 2>/dev/null | grep -E 'libcuda\.so|libcublas\.so|libnvrtc\.so' | head -6

# cuBLAS and NVRTC: the system's, else PyTorch's wheels (nvidia/*/lib or torch/lib)
if ! ldconfig -p 2>/dev/null | grep -q 'libcublas\.so' || ! ldconfig -p 2>/dev/null | grep -q 'libnvrtc\.so'; then
  dirs=$(python3 - <<'PY'
import glob, os, site, torch
roots = site.getsitepackages() + [os.path.dirname(torch.__file__)]
found = set()
for r in roots:
    for pat in ("nvidia/*/lib/libcublas.so*", "nvidia/*/lib/libnvrtc.so*", "lib/libcublas*.so*", "lib/libnvrtc*.so*"):
        for f in glob.glob(os.path.join(r, pat)):
            found.add(os.path.dirname(f))
print(":".join(sorted(found)))
PY
)
  export LD_LIBRARY_PATH=$dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  for d in ${dirs//:/ }; do
    for f in "$d"/libcublas.so.1[12] "$d"/libcublas-*.so.1[12]; do [ -e "$f" ] && export TAILSCOPE_CUBLAS=$f; done
    for f in "$d"/libnvrtc.so.1[12]* "$d"/libnvrtc-*.so.1[12]*; do case $f in *builtins*) ;; *) [ -e "$f" ] && export TAILSCOPE_NVRTC=$f;; esac; done
  done
  echo "libraries from PyTorch: cuBLAS ${TAILSCOPE_CUBLAS:-?}, NVRTC ${TAILSCOPE_NVRTC:-?}"
fi

echo "== GPU tests"
timeout 240 "$bin/cuda.test" -test.run 'GPU|Open|Select|Need|Symbols' -test.v -test.count 1 > "$out/tests.txt" 2>&1
echo "tests exit $?"
grep -E '^(---|ok|FAIL|PASS)|needs a CUDA|iter [0-9]+:' "$out/tests.txt" | head -40

echo "== benchmarks"
timeout 120 "$bin/cuda.test" -test.run '^$' -test.bench 'GPUStep' -test.benchtime 300x > "$out/gobench.txt" 2>&1
timeout 90 "$bin/cuda.test" -test.run '^$' -test.bench 'GPUNoise' -test.benchtime 2x >> "$out/gobench.txt" 2>&1
grep -E '^Benchmark|α̂|FAIL|skip' "$out/gobench.txt" | head -20
timeout 150 python3 "$here/torch_bench.py" > "$out/torch.txt" 2>&1
echo "torch exit $?"; tail -8 "$out/torch.txt"

echo "== table"
python3 "$here/table.py" "$out/gobench.txt" "$out/torch.txt" | tee "$out/table.txt"
