package data

import (
	"fmt"
	"strings"
)

// Load returns the full dataset called name, one of Catalog's: "mnist-train", "mnist-test",
// "cifar10-train", "cifar10-test", "cifar100-train", "cifar100-test" (from the data
// directory; an error wrapping ErrMissing names the command to get them), or a synthetic set ("blobs", "spirals") of DefaultSyntheticSize points drawn with
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
	for _, c := range CIFARSets() {
		for _, train := range []bool{true, false} {
			if name == c.SetName(train) {
				return LoadCIFAR(c, train)
			}
		}
	}
	names := make([]string, 0, 4)
	for _, i := range Catalog() {
		names = append(names, i.Name)
	}
	return nil, fmt.Errorf("data: no dataset %q (known: %s)", name, strings.Join(names, ", "))
}
