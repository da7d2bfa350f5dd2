#!/usr/bin/env python3
"""Pairs the Go benchmark output (go test -bench GPU) with torch_bench.py's and prints one
table: each measure's time for both, the speed ratio (PyTorch time / tailscope time, > 1:
tailscope faster) and the target of the issue it checks."""
import re
import sys

TARGETS = {"step": 1.0, "noise": 2.0}


def go_times(path):
    out = {}
    for line in open(path, errors="replace"):
        m = re.match(r"BenchmarkGPU(Step|Noise)(/\S+?)?(-\d+)?\s+\d+\s+.*?([\d.]+) (ms/step|ms/eval)", line)
        if m:
            name = "step" + m.group(2) if m.group(1) == "Step" else "noise"
            out[name] = float(m.group(4))
    return out


def torch_times(path):
    out, device = {}, "?"
    for line in open(path, errors="replace"):
        f = line.split()
        if len(f) >= 4 and f[0] == "torch" and f[1] == "version":
            device = " ".join(f[4:])
        elif len(f) >= 4 and f[0] == "torch":
            out[f[1]] = float(f[2])
    return out, device


def main():
    go, (tt, device) = go_times(sys.argv[1]), torch_times(sys.argv[2])
    print(f"GPU: {device}")
    print(f"{'measure':<34} {'tailscope ms':>13} {'PyTorch ms':>11} {'speed ×':>8} {'target':>7}")
    for name in sorted(set(go) | set(tt)):
        g, t = go.get(name), tt.get(name)
        ratio = f"{t / g:.2f}" if g and t else "-"
        target = TARGETS["noise" if name == "noise" else "step"]
        ok = "" if ratio == "-" else (" ok" if t / g >= target else " MISS")
        fmt = lambda v: f"{v:.3f}" if v is not None else "-"
        print(f"{name:<34} {fmt(g):>13} {fmt(t):>11} {ratio:>8} {'≥' + str(target):>7}{ok}")


if __name__ == "__main__":
    main()
