//go:build !js && !wasip1

package cuda

import (
	"fmt"
	"unsafe"
)

// Constants of the CUDA driver API and cuBLAS used here (cuda.h, cublas_api.h).
const (
	cudaErrorOutOfMemory = 2
	cudaErrorNoDevice    = 100

	attrMultiprocessorCount    = 16
	attrComputeCapabilityMajor = 75
	attrComputeCapabilityMinor = 76

	blasOpN            = 0
	blasOpT            = 1
	blasDefaultMath    = 0
	blasTF32TensorMath = 3
)

// driverAPI holds the driver functions, bound by symbols (the _v2 entry points are the
// current ones of the 64-bit API).
type driverAPI struct {
	cuInit                    func(flags uint32) int32
	cuDriverGetVersion        func(v *int32) int32
	cuDeviceGetCount          func(n *int32) int32
	cuDeviceGet               func(dev *int32, ordinal int32) int32
	cuDeviceGetName           func(name *byte, n int32, dev int32) int32
	cuDeviceTotalMem          func(bytes *uint64, dev int32) int32
	cuDeviceGetAttribute      func(v *int32, attr int32, dev int32) int32
	cuDevicePrimaryCtxRetain  func(ctx *uintptr, dev int32) int32
	cuDevicePrimaryCtxRelease func(dev int32) int32
	cuCtxSetCurrent           func(ctx uintptr) int32
	cuCtxSynchronize          func() int32
	cuMemGetInfo              func(free, total *uint64) int32
	cuMemAlloc                func(p *uintptr, bytes uint64) int32
	cuMemFree                 func(p uintptr) int32
	cuMemcpyHtoD              func(dst uintptr, src unsafe.Pointer, bytes uint64) int32
	cuMemcpyDtoH              func(dst unsafe.Pointer, src uintptr, bytes uint64) int32
	cuModuleLoadData          func(mod *uintptr, image unsafe.Pointer) int32
	cuModuleUnload            func(mod uintptr) int32
	cuModuleGetFunction       func(fn *uintptr, mod uintptr, name string) int32
	cuLaunchKernel            func(fn uintptr, gx, gy, gz, bx, by, bz, shared uint32, stream uintptr, params *unsafe.Pointer, extra *unsafe.Pointer) int32
	cuGetErrorName            func(r int32, s **byte) int32
}

func (d *driverAPI) table() map[string]any {
	return map[string]any{
		"cuInit": &d.cuInit, "cuDriverGetVersion": &d.cuDriverGetVersion, "cuDeviceGetCount": &d.cuDeviceGetCount,
		"cuDeviceGet": &d.cuDeviceGet, "cuDeviceGetName": &d.cuDeviceGetName, "cuDeviceTotalMem_v2": &d.cuDeviceTotalMem,
		"cuDeviceGetAttribute": &d.cuDeviceGetAttribute, "cuDevicePrimaryCtxRetain": &d.cuDevicePrimaryCtxRetain,
		"cuDevicePrimaryCtxRelease_v2": &d.cuDevicePrimaryCtxRelease, "cuCtxSetCurrent": &d.cuCtxSetCurrent,
		"cuCtxSynchronize": &d.cuCtxSynchronize, "cuMemGetInfo_v2": &d.cuMemGetInfo, "cuMemAlloc_v2": &d.cuMemAlloc,
		"cuMemFree_v2": &d.cuMemFree, "cuMemcpyHtoD_v2": &d.cuMemcpyHtoD, "cuMemcpyDtoH_v2": &d.cuMemcpyDtoH,
		"cuModuleLoadData": &d.cuModuleLoadData, "cuModuleUnload": &d.cuModuleUnload,
		"cuModuleGetFunction": &d.cuModuleGetFunction, "cuLaunchKernel": &d.cuLaunchKernel, "cuGetErrorName": &d.cuGetErrorName,
	}
}

// errString names a CUresult.
func (d *driverAPI) errString(r int32) string {
	var p *byte
	if d.cuGetErrorName != nil && d.cuGetErrorName(r, &p) == 0 && p != nil {
		return fmt.Sprintf("%s (%d)", goString(p), r)
	}
	return fmt.Sprintf("CUresult %d", r)
}

// check turns a CUresult into an error naming the call.
func (d *driverAPI) check(call string, r int32) error {
	if r == 0 {
		return nil
	}
	return &Error{Call: call, Code: int(r), Msg: d.errString(r)}
}

// Error is a failed CUDA call.
type Error struct {
	Call string
	Code int
	Msg  string
}

func (e *Error) Error() string { return "cuda: " + e.Call + ": " + e.Msg }

// goString copies the NUL-terminated C string at p.
func goString(p *byte) string {
	var b []byte
	for i := 0; i < 4096; i++ {
		c := *(*byte)(unsafe.Add(unsafe.Pointer(p), i))
		if c == 0 {
			break
		}
		b = append(b, c)
	}
	return string(b)
}

// blasAPI holds the cuBLAS functions.
type blasAPI struct {
	cublasCreate      func(h *uintptr) int32
	cublasDestroy     func(h uintptr) int32
	cublasGetVersion  func(h uintptr, v *int32) int32
	cublasSetMathMode func(h uintptr, mode int32) int32
	cublasSgemm       func(h uintptr, ta, tb int32, m, n, k int32, alpha *float32, a uintptr, lda int32, b uintptr, ldb int32, beta *float32, c uintptr, ldc int32) int32
}

func (b *blasAPI) table() map[string]any {
	return map[string]any{
		"cublasCreate_v2": &b.cublasCreate, "cublasDestroy_v2": &b.cublasDestroy, "cublasGetVersion_v2": &b.cublasGetVersion,
		"cublasSetMathMode": &b.cublasSetMathMode, "cublasSgemm_v2": &b.cublasSgemm,
	}
}

// nvrtcAPI holds the NVRTC functions.
type nvrtcAPI struct {
	nvrtcVersion           func(major, minor *int32) int32
	nvrtcCreateProgram     func(prog *uintptr, src string, name string, nHeaders int32, headers, includeNames unsafe.Pointer) int32
	nvrtcCompileProgram    func(prog uintptr, nOptions int32, options **byte) int32
	nvrtcGetProgramLogSize func(prog uintptr, n *uint64) int32
	nvrtcGetProgramLog     func(prog uintptr, log *byte) int32
	nvrtcGetCUBINSize      func(prog uintptr, n *uint64) int32
	nvrtcGetCUBIN          func(prog uintptr, cubin *byte) int32
	nvrtcDestroyProgram    func(prog *uintptr) int32
}

func (r *nvrtcAPI) table() map[string]any {
	return map[string]any{
		"nvrtcVersion": &r.nvrtcVersion, "nvrtcCreateProgram": &r.nvrtcCreateProgram, "nvrtcCompileProgram": &r.nvrtcCompileProgram,
		"nvrtcGetProgramLogSize": &r.nvrtcGetProgramLogSize, "nvrtcGetProgramLog": &r.nvrtcGetProgramLog,
		"nvrtcGetCUBINSize": &r.nvrtcGetCUBINSize, "nvrtcGetCUBIN": &r.nvrtcGetCUBIN, "nvrtcDestroyProgram": &r.nvrtcDestroyProgram,
	}
}
