package data

import (
	"os"
	"path/filepath"
	"sync"
)

// The data directory holds the datasets that are downloaded rather than shipped (CIFAR-10
// and CIFAR-100, under its datasets folder); the server keeps its database in it too.
var dataDir struct {
	sync.Mutex
	dir string
}

// DefaultDir is the data directory when none is set: $TAILSCOPE_DATA_DIR if set, else a
// tailscope-data folder in the user's cache directory, else tailscope-data in the working
// directory. The server's -data flag defaults to it, so `tailscope data get` and the server
// agree without flags.
func DefaultDir() string {
	if dir := os.Getenv("TAILSCOPE_DATA_DIR"); dir != "" {
		return dir
	}
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "tailscope-data")
	}
	return "tailscope-data"
}

// SetDir makes dir the data directory of this process (the server calls it with its -data
// flag); the empty string restores DefaultDir. Sets already loaded stay loaded.
func SetDir(dir string) {
	dataDir.Lock()
	defer dataDir.Unlock()
	dataDir.dir = dir
}

// Dir returns the data directory: the one SetDir set, else DefaultDir.
func Dir() string {
	dataDir.Lock()
	defer dataDir.Unlock()
	if dataDir.dir != "" {
		return dataDir.dir
	}
	return DefaultDir()
}

// DatasetsDir returns the folder of the data directory dir that downloaded sets are
// unpacked into, one folder per set as its archive names it.
func DatasetsDir(dir string) string { return filepath.Join(dir, "datasets") }
