//go:build !js && !wasip1

package cuda

// kernelSource is the CUDA C++ of every custom kernel, compiled by NVRTC when a GPU is
// prepared (see the package doc for why not shipped PTX). Each kernel mirrors, operation for
// operation, the CPU code named in its comment, so that the GPU follows the CPU protocol: the
// same comparisons (ReLU keeps v only when v > 0, NaN becomes 0), fp64 for the loss sums, a
// fused multiply-add for the SGD step as sim/kernel.Axpy.
const kernelSource = `
// sim/kernel.Relu
extern "C" __global__ void relu(float* x, int n) {
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n && !(x[i] > 0.0f)) x[i] = 0.0f;
}

// sim/kernel.ReluMask: d[i] = 0 where a[i] is not > 0
extern "C" __global__ void relu_mask(float* d, const float* a, int n) {
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n && !(a[i] > 0.0f)) d[i] = 0.0f;
}

// sim/nn.Net.SGD: w += (-lr)·g with one rounding
extern "C" __global__ void sgd(float* w, const float* g, float lr, int n) {
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n) w[i] = fmaf(-lr, g[i], w[i]);
}

// sim/nn.LossGradient for the cross-entropy, one thread per example: the example's loss
// (m + log s − o_y) in loss[i], 1 in correct[i] if its largest output (ties to the lower
// class) is its class, and when dout is not null the gradient of the mean loss.
extern "C" __global__ void loss_ce(const float* out, const unsigned char* y, float* dout,
		double* loss, int* correct, int b, int C) {
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i >= b) return;
	const float* o = out + (long)i * C;
	int best = 0;
	for (int j = 1; j < C; j++) if (o[j] > o[best]) best = j;
	int c = y[i];
	correct[i] = best == c;
	double m = (double)o[best], s = 0.0;
	for (int j = 0; j < C; j++) s += exp((double)o[j] - m);
	if (dout) {
		float* d = dout + (long)i * C;
		double bs = (double)b * s;
		for (int j = 0; j < C; j++) d[j] = (float)(exp((double)o[j] - m) / bs);
		d[c] -= (float)(1.0 / (double)b);
	}
	loss[i] = m + log(s) - (double)o[c];
}

// sim/nn.LossGradient for the multi-class linear hinge loss: loss[i] is the example's sum
// over the classes of max(0, 1 − t·o) (the host divides by b·C).
extern "C" __global__ void loss_hinge(const float* out, const unsigned char* y, float* dout,
		double* loss, int* correct, int b, int C) {
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i >= b) return;
	const float* o = out + (long)i * C;
	int best = 0;
	for (int j = 1; j < C; j++) if (o[j] > o[best]) best = j;
	int c = y[i];
	correct[i] = best == c;
	double scale = 1.0 / (double)(b * C), total = 0.0;
	for (int j = 0; j < C; j++) {
		double t = j == c ? 1.0 : -1.0, g = 0.0, m = 1.0 - t * (double)o[j];
		if (m > 0) { total += m; g = -t * scale; }
		if (dout) dout[(long)i * C + j] = (float)g;
	}
	loss[i] = total;
}
`

// kernelNames are the kernels Prepare looks up.
var kernelNames = []string{"relu", "relu_mask", "sgd", "loss_ce", "loss_hinge"}
