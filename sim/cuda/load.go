//go:build !js && !wasip1

package cuda

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/ebitengine/purego"
)

// MinDriverVersion is the oldest CUDA driver API accepted, as cuDriverGetVersion reports it
// (1000·major + 10·minor): CUDA 11.8, the first with Hopper (sm_90) and the CUBIN output of
// NVRTC 11.x that Compile relies on.
const MinDriverVersion = 11080

// Libraries names the shared libraries Open loads: each list is tried in order (dlopen's
// search: a bare name goes through LD_LIBRARY_PATH and the system's cache, a path with a
// slash is opened as is) and the first that opens is used.
type Libraries struct {
	Driver []string // the CUDA driver API, libcuda
	CUBLAS []string // cuBLAS
	NVRTC  []string // the run-time compiler
}

// DefaultLibraries are the names Open tries by default. The environment variables
// TAILSCOPE_CUDA_DRIVER, TAILSCOPE_CUBLAS and TAILSCOPE_NVRTC, when set, name one library
// (a path, for libraries outside the loader's path such as PyTorch's wheels) tried first.
func DefaultLibraries() Libraries {
	first := func(env string, names ...string) []string {
		if v := os.Getenv(env); v != "" {
			return append([]string{v}, names...)
		}
		return names
	}
	return Libraries{
		Driver: first("TAILSCOPE_CUDA_DRIVER", "libcuda.so.1", "libcuda.so"),
		CUBLAS: first("TAILSCOPE_CUBLAS", "libcublas.so.12", "libcublas.so.11", "libcublas.so"),
		NVRTC:  first("TAILSCOPE_NVRTC", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"),
	}
}

// ErrorKind says which step of loading failed.
type ErrorKind string

// The steps of Open that can fail.
const (
	NoDriver     ErrorKind = "no CUDA driver"
	OldDriver    ErrorKind = "CUDA driver too old"
	NoCUBLAS     ErrorKind = "no cuBLAS"
	NoNVRTC      ErrorKind = "no NVRTC"
	NoDevice     ErrorKind = "no CUDA device"
	DriverFailed ErrorKind = "CUDA driver failed"
)

// LoadError is why CUDA cannot be used, in one line.
type LoadError struct {
	Kind   ErrorKind
	Detail string
}

func (e *LoadError) Error() string { return "cuda: " + string(e.Kind) + ": " + e.Detail }

// IsLoadError reports whether err is a LoadError of the given kind.
func IsLoadError(err error, kind ErrorKind) bool {
	var le *LoadError
	return errors.As(err, &le) && le.Kind == kind
}

// open dlopens the first library of names that opens, or says what each attempt answered.
func open(names []string) (uintptr, string, error) {
	if len(names) == 0 {
		return 0, "", fmt.Errorf("no library name given")
	}
	var tried []string
	for _, name := range names {
		h, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err == nil {
			return h, name, nil
		}
		tried = append(tried, oneLine(err.Error()))
	}
	return 0, "", fmt.Errorf("none of %s opens (%s)", strings.Join(names, ", "), strings.Join(tried, "; "))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// symbols binds each function pointer of fns to the symbol of that name in lib, checking
// first that every symbol exists (purego.RegisterLibFunc panics on a missing one).
func symbols(lib uintptr, libName string, fns map[string]any) error {
	var missing []string
	addrs := map[string]uintptr{}
	for name := range fns {
		p, err := purego.Dlsym(lib, name)
		if err != nil || p == 0 {
			missing = append(missing, name)
			continue
		}
		addrs[name] = p
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("%s lacks %s", libName, strings.Join(missing, ", "))
	}
	for name, fptr := range fns {
		purego.RegisterFunc(fptr, addrs[name])
	}
	return nil
}

// Device is one CUDA device.
type Device struct {
	Ordinal     int
	Name        string
	Memory      uint64 // bytes
	Major       int    // compute capability
	Minor       int
	Multiproc   int
	DriverMajor int
	DriverMinor int
}

func (d Device) String() string {
	return fmt.Sprintf("%s (%.0f GiB, sm_%d%d)", d.Name, float64(d.Memory)/(1<<30), d.Major, d.Minor)
}

// Runtime is CUDA loaded: the driver, cuBLAS and NVRTC bound, the driver initialised and
// the devices listed. One Runtime serves the whole process.
type Runtime struct {
	Libraries     Libraries // the names that opened, one per list
	DriverVersion int       // as cuDriverGetVersion reports it
	NVRTCVersion  [2]int
	Devices       []Device
	drv           driverAPI
	blas          blasAPI
	rtc           nvrtcAPI
}

var (
	openMu  sync.Mutex
	opened  = map[string]*Runtime{}
	openErr = map[string]error{}
)

// Open loads CUDA from libs and lists the devices. It never panics: anything missing or
// unusable is a *LoadError naming the step. Opening the same libraries again returns the
// same Runtime (a process loads a library once).
func Open(libs Libraries) (*Runtime, error) {
	key := fmt.Sprint(libs.Driver, libs.CUBLAS, libs.NVRTC)
	openMu.Lock()
	defer openMu.Unlock()
	if rt, ok := opened[key]; ok {
		return rt, nil
	}
	if err, ok := openErr[key]; ok {
		return nil, err
	}
	rt, err := load(libs)
	if err != nil {
		openErr[key] = err
		return nil, err
	}
	opened[key] = rt
	return rt, nil
}

func load(libs Libraries) (rt *Runtime, err error) {
	defer func() {
		// a library with the right symbols but a foreign ABI could still fault in Go
		// code; a recovered panic is reported as a load error rather than a crash
		if r := recover(); r != nil {
			rt, err = nil, &LoadError{DriverFailed, fmt.Sprint(r)}
		}
	}()
	rt = &Runtime{}
	h, name, err := open(libs.Driver)
	if err != nil {
		return nil, &LoadError{NoDriver, err.Error()}
	}
	rt.Libraries.Driver = []string{name}
	if err := symbols(h, name, rt.drv.table()); err != nil {
		return nil, &LoadError{NoDriver, err.Error()}
	}
	var v int32
	if r := rt.drv.cuDriverGetVersion(&v); r != 0 {
		return nil, &LoadError{DriverFailed, "cuDriverGetVersion: " + rt.drv.errString(r)}
	}
	rt.DriverVersion = int(v)
	if rt.DriverVersion < MinDriverVersion {
		return nil, &LoadError{OldDriver, fmt.Sprintf("driver API %s, want ≥ %s (update the NVIDIA driver)",
			versionString(rt.DriverVersion), versionString(MinDriverVersion))}
	}

	hb, bname, err := open(libs.CUBLAS)
	if err != nil {
		return nil, &LoadError{NoCUBLAS, err.Error()}
	}
	rt.Libraries.CUBLAS = []string{bname}
	if err := symbols(hb, bname, rt.blas.table()); err != nil {
		return nil, &LoadError{NoCUBLAS, err.Error()}
	}
	hr, rname, err := open(libs.NVRTC)
	if err != nil {
		return nil, &LoadError{NoNVRTC, err.Error()}
	}
	rt.Libraries.NVRTC = []string{rname}
	if err := symbols(hr, rname, rt.rtc.table()); err != nil {
		return nil, &LoadError{NoNVRTC, err.Error()}
	}
	var maj, min int32
	if r := rt.rtc.nvrtcVersion(&maj, &min); r != 0 {
		return nil, &LoadError{NoNVRTC, fmt.Sprintf("nvrtcVersion failed (%d)", r)}
	}
	rt.NVRTCVersion = [2]int{int(maj), int(min)}

	if r := rt.drv.cuInit(0); r != 0 {
		if r == cudaErrorNoDevice {
			return nil, &LoadError{NoDevice, "cuInit: " + rt.drv.errString(r)}
		}
		return nil, &LoadError{DriverFailed, "cuInit: " + rt.drv.errString(r)}
	}
	var n int32
	if r := rt.drv.cuDeviceGetCount(&n); r != 0 {
		return nil, &LoadError{DriverFailed, "cuDeviceGetCount: " + rt.drv.errString(r)}
	}
	if n == 0 {
		return nil, &LoadError{NoDevice, "the driver sees no device"}
	}
	for i := int32(0); i < n; i++ {
		d, err := rt.device(int(i))
		if err != nil {
			return nil, &LoadError{DriverFailed, err.Error()}
		}
		rt.Devices = append(rt.Devices, d)
	}
	return rt, nil
}

func (rt *Runtime) device(ordinal int) (Device, error) {
	var dev int32
	if r := rt.drv.cuDeviceGet(&dev, int32(ordinal)); r != 0 {
		return Device{}, fmt.Errorf("cuDeviceGet(%d): %s", ordinal, rt.drv.errString(r))
	}
	name := make([]byte, 256)
	if r := rt.drv.cuDeviceGetName(&name[0], int32(len(name)), dev); r != 0 {
		return Device{}, fmt.Errorf("cuDeviceGetName(%d): %s", ordinal, rt.drv.errString(r))
	}
	var mem uint64
	if r := rt.drv.cuDeviceTotalMem(&mem, dev); r != 0 {
		return Device{}, fmt.Errorf("cuDeviceTotalMem(%d): %s", ordinal, rt.drv.errString(r))
	}
	attr := func(a int32) int {
		var v int32
		rt.drv.cuDeviceGetAttribute(&v, a, dev)
		return int(v)
	}
	return Device{Ordinal: ordinal, Name: cString(name), Memory: mem,
		Major: attr(attrComputeCapabilityMajor), Minor: attr(attrComputeCapabilityMinor),
		Multiproc:   attr(attrMultiprocessorCount),
		DriverMajor: rt.DriverVersion / 1000, DriverMinor: rt.DriverVersion % 1000 / 10}, nil
}

func versionString(v int) string { return fmt.Sprintf("%d.%d", v/1000, v%1000/10) }

func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// Describe is one line saying what was loaded, for the server's start message.
func (rt *Runtime) Describe() string {
	var names []string
	for _, d := range rt.Devices {
		names = append(names, d.String())
	}
	return fmt.Sprintf("CUDA %s, NVRTC %d.%d, %s", versionString(rt.DriverVersion), rt.NVRTCVersion[0], rt.NVRTCVersion[1], strings.Join(names, ", "))
}
