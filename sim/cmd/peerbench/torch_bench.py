"""PyTorch side of peerbench: reads commands on stdin, answers one JSON line each.

  threads N             torch.set_num_threads(N) for what follows (the harness starts it with
                        OMP_NUM_THREADS=1 and then asks for 1 or 2).
  step SIZES B SECONDS  SGD steps per second (lr 0.1) of the MLP SIZES (e.g. 784-128-128-10:
                        no biases, ReLU, cross-entropy) at batch B, on N(0, 1) inputs with labels
                        uniform over the classes, as sim/nn.NewBenchStep does on the Go side.
  alexnet CH B SECONDS  SGD steps per second (lr 0.01) of the reference code's AlexNet variant
                        (models.py of sgd_tail_index: channel scale CH, biases, dropout on,
                        10 classes) at batch B on N(0, 1) 3x32x32 inputs, as the Go side's
                        sim/convnet.AlexNet(CIFARShape, CH, 10) step.
  noise SIZES P         the paper's noise evaluation of the MLP SIZES on P minibatches of 100
                        N(0, 1) inputs, done the fastest correct way we know in PyTorch for the
                        reference code's estimate: the P minibatch gradients written into one
                        preallocated P×M matrix (the reference code's O(P·M) memory, without the
                        list and torch.stack copy), their mean subtracted in place, then
                        alpha_estimator with m = the largest divisor of N ≤ √N, computing
                        log(|x| + eps) with abs() where the reference code takes norm(dim=1) of an
                        N×1 view (same value, one tenth of the time). Answers evaluations per
                        second and alpha.
Run with Debian's /usr/bin/python3 (python3-torch 1.13).
"""
import json
import math
import sys
import time

import numpy as np

import torch

torch.set_num_threads(1)
torch.manual_seed(1)


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1], bias=False))
        if i + 2 < len(sizes):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


lossf = torch.nn.CrossEntropyLoss()
steppers = {}


def stepper(sizes, b):
    key = (tuple(sizes), b)
    if key not in steppers:
        model = mlp(sizes)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x = torch.randn(b, sizes[0])
        y = torch.randint(0, sizes[-1], (b,))

        def step():
            opt.zero_grad(set_to_none=True)
            loss = lossf(model(x), y)
            loss.backward()
            opt.step()

        for _ in range(3):
            step()  # warm-up: allocations, first-call paths
        steppers[key] = step
    return steppers[key]


def alexnet(ch, classes=10):
    # the reference code's AlexNet variant on 3x32x32 inputs; its hidden width follows its
    # rule size * int(1 + log2(size)) with size the flattened features
    nn = torch.nn
    features = nn.Sequential(
        nn.Conv2d(3, ch, kernel_size=4, stride=2, padding=2), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(ch, ch, kernel_size=5, padding=2), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(ch, ch, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(ch, ch, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(ch, ch, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
    )
    size = features(torch.zeros(1, 3, 32, 32)).numel()
    width = size * int(1 + math.log2(size))
    return nn.Sequential(features, nn.Flatten(),
                         nn.Dropout(), nn.Linear(size, width), nn.ReLU(inplace=True),
                         nn.Dropout(), nn.Linear(width, width), nn.ReLU(inplace=True),
                         nn.Linear(width, classes))


def alexnet_stepper(ch, b):
    key = ("alexnet", ch, b)
    if key not in steppers:
        model = alexnet(ch)
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        x = torch.randn(b, 3, 32, 32)
        y = torch.randint(0, 10, (b,))

        def step():
            opt.zero_grad(set_to_none=True)
            loss = lossf(model(x), y)
            loss.backward()
            opt.step()

        for _ in range(3):
            step()
        steppers[key] = step
    return steppers[key]


def largest_divisor(N):
    for d in range(int(math.isqrt(N)), 1, -1):
        if N % d == 0:
            return d
    return 1


def alpha_estimator(m, X):
    # Mohammadi et al. Corollary 2.4 as in the reference code, with |x| by abs() (X is flat)
    N = X.numel()
    n = N // m
    Y = X.view(n, m).sum(1)
    eps = np.spacing(1)
    Y_log_norm = torch.log(Y.abs() + eps).mean()
    X_log_norm = torch.log(X.abs() + eps).mean()
    diff = (Y_log_norm - X_log_norm) / math.log(m)
    return 1 / diff


noise_cache = {}


def noise_eval(sizes, P):
    key = tuple(sizes)
    if key not in noise_cache:
        noise_cache.clear()  # one network's data at a time
        model = mlp(sizes)
        x = torch.randn(P * 100, sizes[0])
        y = torch.randint(0, sizes[-1], (P * 100,))
        noise_cache[key] = (model, x, y)
    model, x, y = noise_cache[key]
    t0 = time.perf_counter()
    params = list(model.parameters())
    M = sum(p.numel() for p in params)
    G = torch.empty(P, M)
    for j in range(P):
        model.zero_grad(set_to_none=True)
        lossf(model(x[j * 100:(j + 1) * 100]), y[j * 100:(j + 1) * 100]).backward()
        torch.cat([p.grad.view(-1) for p in params], out=G[j])
    G -= G.mean(0)
    noise = G.view(-1)
    alpha = alpha_estimator(largest_divisor(noise.numel()), noise).item()
    el = time.perf_counter() - t0
    del G, noise
    return alpha, el


def sizes_of(s):
    return [int(v) for v in s.split("-")]




def blas_name():
    # the BLAS library actually loaded, with OpenBLAS's core type: a name for the tables only;
    # peerbench has refused a torch whose products do not run on OpenBLAS before starting this
    # script (sim/internal/torchpeer), so the reference BLAS never reaches here
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            if "blas" in line:
                libs.add(line.split()[-1])
    name = ", ".join(sorted(libs)) or "no BLAS library loaded"
    try:
        import ctypes
        for lib in libs:
            if "openblas" in lib:
                core = ctypes.CDLL(lib).openblas_get_corename
                core.restype = ctypes.c_char_p
                name = "OpenBLAS 0.3, core " + core().decode()
    except (OSError, AttributeError):
        pass
    return name


blas = blas_name()
print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas}),
      flush=True)
for line in sys.stdin:
    cmd = line.split()
    if not cmd:
        continue
    try:
        if cmd[0] == "threads":
            torch.set_num_threads(int(cmd[1]))
            print(json.dumps({"threads": torch.get_num_threads()}), flush=True)
        elif cmd[0] in ("step", "alexnet"):
            if cmd[0] == "step":
                step = stepper(sizes_of(cmd[1]), int(cmd[2]))
            else:
                step = alexnet_stepper(int(cmd[1]), int(cmd[2]))
            seconds = float(cmd[3])
            steps = 0
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < seconds or steps < 3:
                step()
                steps += 1
            print(json.dumps({"rate": steps / (time.perf_counter() - t0)}), flush=True)
        elif cmd[0] == "noise":
            sizes = sizes_of(cmd[1])
            alpha, el = noise_eval(sizes, int(cmd[2]))
            print(json.dumps({"rate": 1 / el, "alpha": alpha}), flush=True)
        else:
            print(json.dumps({"error": "unknown command " + cmd[0]}), flush=True)
    except Exception as e:  # report, keep serving
        print(json.dumps({"error": repr(e)}), flush=True)
