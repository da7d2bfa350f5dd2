//go:build unix

package boltstore

import (
	"os"
	"syscall"
)

// unlock releases bbolt's lock on a file it panicked holding: closing the descriptor is
// not enough while the file is still memory-mapped, which keeps the lock alive.
func unlock(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
