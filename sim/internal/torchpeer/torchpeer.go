//go:build !js && !wasip1

// Package torchpeer checks the PyTorch that the speed comparisons (peerbench, nnbench) measure
// Tailscope against: Debian's python3-torch with its products on OpenBLAS.
//
// python3-torch alone brings the reference BLAS (libblas3) on a fresh machine, on which
// PyTorch's MLP step 784-256-256-10 at b=100 ran 47 steps/s against 838 with OpenBLAS (AMD EPYC,
// one thread, same VM and hour): a peer nobody runs, whose ratios mean nothing. OpenBLAS takes
// over the libblas.so.3 alternative when installed; its OpenMP build matches Debian's torch,
// which threads with OpenMP.
package torchpeer

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// Packages are the Debian packages of the peer.
var Packages = []string{"python3-torch", "libopenblas0-openmp"}

// InstallCommand is the command that installs Packages.
func InstallCommand() string { return "apt-get install -y " + strings.Join(Packages, " ") }

// probe imports torch, runs one product and prints whether that product ran on OpenBLAS. Debian's
// torch calls the libblas.so.3 it links, so the file mapped under that name decides; OpenBLAS's
// liblapack.so.3 and libopenblas may be mapped beside the reference libblas.so.3 (alternatives
// set apart), so their presence alone proves nothing. A torch that maps no libblas.so (a wheel
// with its BLAS built in) passes when its build names MKL or OpenBLAS. A failed import exits
// with an error.
const probe = `import torch
torch.mm(torch.ones(64, 64), torch.ones(64, 64))
maps = {l.split()[-1] for l in open("/proc/self/maps") if "/" in l}
blas = [p for p in maps if "/libblas.so" in p]
info = torch.__config__.show()
print(all("openblas" in p for p in blas) if blas else ("BLAS_INFO=mkl" in info or "BLAS_INFO=open" in info))`

// Check returns nil when python imports torch and its products run on OpenBLAS, and an error
// that says which of the two is missing otherwise.
func Check(ctx context.Context, python string) error {
	out, err := exec.CommandContext(ctx, python, "-c", probe).Output()
	if err != nil {
		return fmt.Errorf("%s cannot import torch: %w", python, err)
	}
	if strings.TrimSpace(string(out)) != "True" {
		return fmt.Errorf("PyTorch under %s does not run its products on OpenBLAS (Debian's libblas.so.3 is the slow reference BLAS unless OpenBLAS provides it): its times would not be a fair peer", python)
	}
	return nil
}

// Ensure is Check; when the peer is not ready and install is true, it first installs Packages
// with apt-get (needs root), writing apt-get's output to log. Without install, its error names
// the command to run.
func Ensure(ctx context.Context, python string, install bool, log io.Writer) error {
	err := Check(ctx, python)
	if err == nil {
		return nil
	}
	if !install {
		return fmt.Errorf("%w (%s)", err, InstallCommand())
	}
	fmt.Fprintf(log, "%v; installing %s with apt-get\n", err, strings.Join(Packages, " "))
	cmd := exec.CommandContext(ctx, "apt-get", append([]string{"install", "-y"}, Packages...)...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w (run it as root)", InstallCommand(), err)
	}
	return Check(ctx, python)
}
