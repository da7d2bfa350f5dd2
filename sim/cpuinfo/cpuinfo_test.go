package cpuinfo

import (
	"runtime"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, text, model, vectors, str string
	}{
		{"avx512", "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx2 fma avx512f\n\nprocessor\t: 1\nmodel name\t: other\nflags\t: fpu\n",
			"AMD EPYC", "AVX2, FMA, AVX-512", "AMD EPYC (AVX2, FMA, AVX-512)"},
		{"avx2 only", "model name : Intel Xeon\nflags : avx2 fma\n", "Intel Xeon", "AVX2, FMA, no AVX-512", "Intel Xeon (AVX2, FMA, no AVX-512)"},
		{"no vectors", "model name: Some ARM\nflags: neon\n", "Some ARM", "", "Some ARM"},
		{"empty", "", runtime.GOARCH, "", runtime.GOARCH},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := Parse(tt.text)
			if i.Model != tt.model || i.Vectors() != tt.vectors || i.String() != tt.str {
				t.Errorf("Parse: model %q, vectors %q, string %q; want %q, %q, %q", i.Model, i.Vectors(), i.String(), tt.model, tt.vectors, tt.str)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("model name\t: AMD EPYC\nflags\t: avx2 fma avx512f\n")
	f.Add("::::\nflags:\nmodel name:")
	f.Fuzz(func(t *testing.T, text string) {
		i := Parse(text)
		if i.Model == "" {
			t.Errorf("Parse(%q) gave an empty model", text)
		}
		_ = i.String()
	})
}
