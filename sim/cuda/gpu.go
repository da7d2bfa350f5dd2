//go:build !js && !wasip1

package cuda

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

// GPU is one device made ready: its primary context retained and the kernels compiled and
// loaded. It is shared by every run on that device; each run locks its goroutine to an OS
// thread and makes the context current there (Bind), and has its own cuBLAS handle.
type GPU struct {
	rt     *Runtime
	Device Device
	TF32   bool // cuBLAS may use TF32 tensor cores for SGEMM
	dev    int32
	ctx    uintptr
	module uintptr
	fn     map[string]uintptr
}

// Prepare retains device ordinal's primary context and compiles the kernels with NVRTC for
// its architecture.
func (rt *Runtime) Prepare(ordinal int, tf32 bool) (*GPU, error) {
	if ordinal < 0 || ordinal >= len(rt.Devices) {
		return nil, fmt.Errorf("cuda: no device %d (%d found)", ordinal, len(rt.Devices))
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	g := &GPU{rt: rt, Device: rt.Devices[ordinal], TF32: tf32, fn: map[string]uintptr{}}
	if err := rt.drv.check("cuDeviceGet", rt.drv.cuDeviceGet(&g.dev, int32(ordinal))); err != nil {
		return nil, err
	}
	if err := rt.drv.check("cuDevicePrimaryCtxRetain", rt.drv.cuDevicePrimaryCtxRetain(&g.ctx, g.dev)); err != nil {
		return nil, err
	}
	if err := rt.drv.check("cuCtxSetCurrent", rt.drv.cuCtxSetCurrent(g.ctx)); err != nil {
		g.Close()
		return nil, err
	}
	cubin, err := rt.compile(kernelSource, g.Device.Major, g.Device.Minor)
	if err != nil {
		g.Close()
		return nil, err
	}
	if err := rt.drv.check("cuModuleLoadData", rt.drv.cuModuleLoadData(&g.module, unsafe.Pointer(&cubin[0]))); err != nil {
		g.Close()
		return nil, err
	}
	runtime.KeepAlive(cubin)
	for _, name := range kernelNames {
		var f uintptr
		if err := rt.drv.check("cuModuleGetFunction "+name, rt.drv.cuModuleGetFunction(&f, g.module, name)); err != nil {
			g.Close()
			return nil, err
		}
		g.fn[name] = f
	}
	return g, nil
}

// Close unloads the kernels and releases the context.
func (g *GPU) Close() {
	if g.module != 0 {
		g.rt.drv.cuModuleUnload(g.module)
		g.module = 0
	}
	if g.ctx != 0 {
		g.rt.drv.cuDevicePrimaryCtxRelease(g.dev)
		g.ctx = 0
	}
}

// Bind locks the calling goroutine to its OS thread and makes the GPU's context current
// there; the returned function undoes the lock. Every call into CUDA of a run happens
// between the two.
func (g *GPU) Bind() (unbind func(), err error) {
	runtime.LockOSThread()
	if err := g.rt.drv.check("cuCtxSetCurrent", g.rt.drv.cuCtxSetCurrent(g.ctx)); err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	return runtime.UnlockOSThread, nil
}

// FreeMemory returns the device memory free now and in all (call between Bind and unbind).
func (g *GPU) FreeMemory() (free, total uint64, err error) {
	err = g.rt.drv.check("cuMemGetInfo", g.rt.drv.cuMemGetInfo(&free, &total))
	return free, total, err
}

// compile compiles src with NVRTC to a CUBIN for compute capability major.minor. A CUBIN,
// rather than PTX, loads on a driver older than the NVRTC (PTX of a newer ISA would not).
func (rt *Runtime) compile(src string, major, minor int) ([]byte, error) {
	var prog uintptr
	if r := rt.rtc.nvrtcCreateProgram(&prog, src, "tailscope_kernels.cu", 0, nil, nil); r != 0 {
		return nil, fmt.Errorf("cuda: nvrtcCreateProgram failed (%d)", r)
	}
	defer rt.rtc.nvrtcDestroyProgram(&prog)
	opts := []string{fmt.Sprintf("--gpu-architecture=sm_%d%d", major, minor), "--fmad=true", "--std=c++14"}
	cOpts := make([][]byte, len(opts))
	ptrs := make([]*byte, len(opts))
	for i, o := range opts {
		cOpts[i] = append([]byte(o), 0)
		ptrs[i] = &cOpts[i][0]
	}
	r := rt.rtc.nvrtcCompileProgram(prog, int32(len(ptrs)), &ptrs[0])
	runtime.KeepAlive(cOpts)
	if r != 0 {
		var n uint64
		rt.rtc.nvrtcGetProgramLogSize(prog, &n)
		log := make([]byte, n+1)
		rt.rtc.nvrtcGetProgramLog(prog, &log[0])
		return nil, fmt.Errorf("cuda: NVRTC cannot compile the kernels for sm_%d%d (%d): %s", major, minor, r, oneLine(cString(log)))
	}
	var n uint64
	if r := rt.rtc.nvrtcGetCUBINSize(prog, &n); r != 0 || n == 0 {
		return nil, fmt.Errorf("cuda: nvrtcGetCUBINSize failed (%d)", r)
	}
	cubin := make([]byte, n)
	if r := rt.rtc.nvrtcGetCUBIN(prog, &cubin[0]); r != 0 {
		return nil, fmt.Errorf("cuda: nvrtcGetCUBIN failed (%d)", r)
	}
	return cubin, nil
}

// launch runs kernel name over n threads in blocks of 256; args are device pointers
// (uintptr), int32 and float32 values, in the kernel's order.
func (g *GPU) launch(name string, n int, args ...any) error {
	if n == 0 {
		return nil
	}
	params := make([]unsafe.Pointer, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case uintptr:
			p := new(uintptr)
			*p = v
			params[i] = unsafe.Pointer(p)
		case int32:
			p := new(int32)
			*p = v
			params[i] = unsafe.Pointer(p)
		case float32:
			p := new(float32)
			*p = v
			params[i] = unsafe.Pointer(p)
		default:
			return fmt.Errorf("cuda: kernel %s: argument %d of type %T", name, i, a)
		}
	}
	const block = 256
	r := g.rt.drv.cuLaunchKernel(g.fn[name], uint32((n+block-1)/block), 1, 1, block, 1, 1, 0, 0, &params[0], nil)
	runtime.KeepAlive(params)
	return g.rt.drv.check("cuLaunchKernel "+name, r)
}

// arena is the device memory of one run: every allocation is recorded and freed by free,
// whatever happened (cancel, error, panic).
type arena struct {
	g     *GPU
	ptrs  []uintptr
	bytes uint64
}

func (a *arena) alloc(bytes uint64, what string) (uintptr, error) {
	var p uintptr
	if r := a.g.rt.drv.cuMemAlloc(&p, max(bytes, 4)); r != 0 {
		return 0, fmt.Errorf("cuda: allocating %s (%s): %s", what, mib(bytes), a.g.rt.drv.errString(r))
	}
	a.ptrs = append(a.ptrs, p)
	a.bytes += bytes
	return p, nil
}

func (a *arena) free() {
	for _, p := range a.ptrs {
		a.g.rt.drv.cuMemFree(p)
	}
	a.ptrs, a.bytes = nil, 0
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func (g *GPU) upload(dst uintptr, src unsafe.Pointer, bytes int) error {
	if bytes == 0 {
		return nil
	}
	return g.rt.drv.check("cuMemcpyHtoD", g.rt.drv.cuMemcpyHtoD(dst, src, uint64(bytes)))
}

func (g *GPU) download(dst unsafe.Pointer, src uintptr, bytes int) error {
	if bytes == 0 {
		return nil
	}
	return g.rt.drv.check("cuMemcpyDtoH", g.rt.drv.cuMemcpyDtoH(dst, src, uint64(bytes)))
}

// String names the GPU as users see it, e.g. "NVIDIA H100 80GB HBM3".
func (g *GPU) String() string {
	s := g.Device.Name
	if g.TF32 {
		s += " (TF32)"
	}
	return strings.TrimSpace(s)
}
