//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"sync"

	"github.com/tailscope/tailscope/sim/data"
)

// embedded holds subsets of MNIST in sim/data's compact binary form, written by
// server/worker/build.sh (go run ./server/worker/internal/genassets): a Worker has no file
// system and a script of at most a few MiB, so it serves the first examples of each set
// rather than all 70 000.
//
//go:embed embedded/*.bin
var embedded embed.FS

// workerDatasets serves the embedded MNIST subsets and the synthetic sets, which are
// drawn from their default seed on demand.
type workerDatasets struct{}

var (
	embeddedOnce sync.Once
	embeddedSets map[string]*data.Set
	embeddedErr  error
)

func loadEmbedded() (map[string]*data.Set, error) {
	embeddedOnce.Do(func() {
		embeddedSets = map[string]*data.Set{}
		entries, err := embedded.ReadDir("embedded")
		if err != nil {
			embeddedErr = err
			return
		}
		for _, e := range entries {
			b, err := embedded.ReadFile("embedded/" + e.Name())
			if err != nil {
				embeddedErr = err
				return
			}
			s, err := data.ReadBinary(bytes.NewReader(b))
			if err != nil {
				embeddedErr = fmt.Errorf("embedded dataset %s: %w", e.Name(), err)
				return
			}
			embeddedSets[s.Name] = s
		}
	})
	return embeddedSets, embeddedErr
}

// Catalog lists what this Worker serves, with the sizes it serves them at.
func (workerDatasets) Catalog() []data.Info {
	sets, _ := loadEmbedded()
	var out []data.Info
	for _, info := range data.Catalog() {
		if s, ok := sets[info.Name]; ok {
			info.Examples = s.Len()
			var n countWriter
			s.WriteBinary(&n)
			info.Bytes = int64(n)
			out = append(out, info)
			continue
		}
		if _, err := data.Synthetic(info.Name, 1, data.DefaultSyntheticSeed, 0); err == nil {
			out = append(out, info)
		}
	}
	return out
}

// Load returns a dataset of the catalog.
func (workerDatasets) Load(_ context.Context, name string) (*data.Set, error) {
	sets, err := loadEmbedded()
	if err != nil {
		return nil, err
	}
	if s, ok := sets[name]; ok {
		return s, nil
	}
	if name == "mnist-train" || name == "mnist-test" {
		return nil, fmt.Errorf("dataset %s is not embedded in this Worker build", name)
	}
	return data.Load(name)
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}
