// Package cpuinfo names the processor a figure was measured on: its model and
// the vector extensions the kernels choose between, read from /proc/cpuinfo.
// Every figure the project prints names its CPU, since a figure from one
// machine is not a claim about another; this is the one place that reads it.
package cpuinfo

import (
	"os"
	"runtime"
	"strings"
	"sync"
)

// Info is what /proc/cpuinfo says of the first processor.
type Info struct {
	Model string          // "model name", or GOARCH when unknown
	Flags map[string]bool // "flags": avx2, fma, avx512f, ...
}

// Parse reads the first processor's model name and flags from the text of
// /proc/cpuinfo. A text without a model name gives GOARCH as the model.
func Parse(text string) Info {
	info := Info{Flags: map[string]bool{}}
	for line := range strings.SplitSeq(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "model name":
			if info.Model == "" {
				info.Model = strings.TrimSpace(v)
			}
		case "flags":
			if len(info.Flags) == 0 {
				for _, f := range strings.Fields(v) {
					info.Flags[f] = true
				}
			}
		}
	}
	if info.Model == "" {
		info.Model = runtime.GOARCH
	}
	return info
}

// Vectors lists the vector extensions the native kernels choose between, as
// "AVX2, FMA, AVX-512", with "no AVX-512" when AVX2 is there without it.
func (i Info) Vectors() string {
	var ext []string
	for _, f := range []struct{ flag, name string }{{"avx2", "AVX2"}, {"fma", "FMA"}, {"avx512f", "AVX-512"}} {
		if i.Flags[f.flag] {
			ext = append(ext, f.name)
		}
	}
	if i.Flags["avx2"] && !i.Flags["avx512f"] {
		ext = append(ext, "no AVX-512")
	}
	return strings.Join(ext, ", ")
}

// String is the model with its vector extensions: "AMD EPYC (AVX2, FMA, AVX-512)".
func (i Info) String() string {
	if v := i.Vectors(); v != "" {
		return i.Model + " (" + v + ")"
	}
	return i.Model
}

// This is the machine's Info, read once (GOARCH and no flags without /proc/cpuinfo).
var This = sync.OnceValue(func() Info {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return Parse(string(b))
})

// Model is the machine's model name, or GOARCH when unknown.
func Model() string { return This().Model }

// Describe is the machine's model with its vector extensions.
func Describe() string { return This().String() }
