package data

import (
	"fmt"
	"strings"
)

// Load returns the full dataset called name, one of Catalog's: "mnist-train", "mnist-test",
// or a synthetic set ("blobs", "spirals") of DefaultSyntheticSize points drawn with
// DefaultSyntheticSeed.
func Load(name string) (*Set, error) {
	switch name {
	case "mnist-train":
		return MNIST(true)
	case "mnist-test":
		return MNIST(false)
	case "blobs", "spirals":
		return Synthetic(name, DefaultSyntheticSize, DefaultSyntheticSeed, 0)
	}
	names := make([]string, 0, 4)
	for _, i := range Catalog() {
		names = append(names, i.Name)
	}
	return nil, fmt.Errorf("data: no dataset %q (known: %s)", name, strings.Join(names, ", "))
}
