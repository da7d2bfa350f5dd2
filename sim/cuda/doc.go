// Package cuda is the GPU backend: it runs the "mlp" kind on an NVIDIA GPU and every other
// kind on the CPU backend (sim/run), from the same binary, built with CGO_ENABLED=0.
//
// # Loading
//
// Nothing of CUDA is linked: Open loads the driver (libcuda.so.1), cuBLAS
// (libcublas.so.12/.11) and NVRTC (libnvrtc.so.12/.11.2) at run time with
// github.com/ebitengine/purego, checks every symbol before binding it, requires a driver API
// of at least MinDriverVersion (CUDA 11.8) and lists the devices (name, memory, compute
// capability). Every failure is a *LoadError of one line: no driver, driver too old, no
// cuBLAS, no NVRTC, no device. Library names are injectable (Libraries; the environment
// variables TAILSCOPE_CUDA_DRIVER, TAILSCOPE_CUBLAS and TAILSCOPE_NVRTC for libraries outside
// the loader's path, such as PyTorch's wheels), so that tests without a GPU exercise each
// loading error with absent names and with a real library that is not CUDA (libm). Select
// turns -backend auto|cpu|cuda into a backend and the one line the server prints at start.
//
// # Kernels: NVRTC at start rather than shipped PTX
//
// The custom kernels (ReLU and its mask, the cross-entropy and linear hinge loss gradients,
// the SGD step) are CUDA C++ in a Go string (kernels.go), compiled by NVRTC for the device's
// exact architecture when the backend is prepared, to a CUBIN. Shipped PTX would need nvcc
// and a staleness check in the repository, would be generated for one virtual architecture
// (JIT-compiled by the driver at load, in the end the same cost as NVRTC), and PTX made by a
// newer toolkit is refused by an older driver. NVRTC is present wherever cuBLAS is (both ship
// with the toolkit and PyTorch's wheels), compiles these few kernels in about a second, and the
// source read by reviewers is the code that runs. The dense products are cuBLAS SGEMM, in fp32
// (cuBLAS's default math) unless TF32 is asked for (-tf32).
//
// # Same protocol as the CPU
//
// A run is sim/mlp's Trainer with a Device attached (Net): the initial weights are drawn on
// the host from the seed by sim/nn and uploaded, the batch order, learning rates, divergence
// checks and measurement schedule are the Trainer's, and the noise measurement is
// noise.MeasureWith, whose sums and estimators are those of the CPU: only the minibatch
// gradients (downloaded to the host for the measurement) and the test outputs are computed on
// the GPU. Each kernel mirrors the CPU code operation for operation (fp64 loss sums, ReLU's
// NaN rule, a fused multiply-add for SGD); only the order of the additions inside the
// products differs, so α̂ agrees within 0.005 and losses within 1e-4 relative (the GPU tests
// check both). The training and test sets live on the device for the whole run.
//
// # Memory
//
// Need computes on the host the device memory of a run (weights, a gradient, activations
// and deltas, the data sets, a reserve for cuBLAS); a run that needs more than is free fails
// at once with both figures. Every allocation of a run goes through one arena freed however
// the run ends (done, cancelled, failed).
//
// # Device check
//
// The tests and benchmarks that need a GPU skip elsewhere with the reason. devicecheck/
// builds them here (build.sh: CGO_ENABLED=0 go test -c, and the MNIST files) and runs them on
// a GPU machine without Go (run.sh), beside the PyTorch peer torch_bench.py, printing one
// table (README.md).
//
// The package builds natively only (every file but this one is !js && !wasip1): purego has no
// js/wasm port, and the browser never runs GPU work.
package cuda
