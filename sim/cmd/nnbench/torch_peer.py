#!/usr/bin/python3
"""PyTorch peer of Tailscope's network benchmarks (run by `go run ./sim/cmd/nnbench`).

    torch_peer.py step SECONDS      one SGD step of 784-128-128-10 (no biases, ReLU, CE, lr 0.1)
                                    at b = 100 on N(0, 1) inputs, repeated for SECONDS
    torch_peer.py eval MNIST_DIR    one full-protocol noise evaluation with the reference code's
                                    estimate (Simsekli et al. 2019), done the fastest correct way
                                    we know in PyTorch: 784-100-100-10 on MNIST's 60000 training
                                    images, the P = 600 minibatch gradients written into one
                                    preallocated P x M matrix (the reference code's memory),
                                    noise = G - mean in place, tail index with K1 = the largest
                                    divisor of N not above sqrt(N), |x| by abs() where the
                                    reference code takes norm(dim=1) of an N x 1 view (same
                                    value, a tenth of the time)

Prints one JSON object. Uses one thread, as the Go code does.
"""
import gzip, json, math, resource, sys, time

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(1)


def net(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], bias=False))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def step(seconds):
    model = net([784, 128, 128, 10])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(100, 784)
    y = torch.randint(0, 10, (100,))
    lossf = nn.CrossEntropyLoss()
    for _ in range(20):  # warm up
        opt.zero_grad(); lossf(model(x), y).backward(); opt.step()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for _ in range(10):
            opt.zero_grad(); lossf(model(x), y).backward(); opt.step()
        n += 10
    dt = time.perf_counter() - t0
    return {"steps": n, "seconds": dt, "steps_per_s": n / dt}


def get_divisor(n):
    for d in range(int(math.isqrt(n)), 1, -1):
        if n % d == 0:
            return d
    return 1


def alpha_estimator(m, X):
    # The reference code's estimator (Mohammadi et al. 2015, Cor. 2.4) on a flat X.
    N = X.numel()
    n = N // m
    Y = X.view(n, m).sum(1)
    eps = np.spacing(1)
    Y_log_norm = torch.log(Y.abs() + eps).mean()
    X_log_norm = torch.log(X.abs() + eps).mean()
    diff = (Y_log_norm - X_log_norm) / math.log(m)
    return 1 / diff


def idx(path, header):
    with gzip.open(path, "rb") as f:
        b = f.read()
    return np.frombuffer(b, dtype=np.uint8, offset=header)


def evaluate(mnist_dir):
    px = idx(mnist_dir + "/train-images-idx3-ubyte.gz", 16).reshape(60000, 784)
    lab = idx(mnist_dir + "/train-labels-idx1-ubyte.gz", 8).astype(np.int64)
    x = (torch.from_numpy(px.astype(np.float32)) / 255 - 0.1307) / 0.3081
    y = torch.from_numpy(lab)
    model = net([784, 100, 100, 10])
    lossf = nn.CrossEntropyLoss()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    params = list(model.parameters())
    G = torch.empty(600, sum(p.numel() for p in params))
    for j in range(600):
        model.zero_grad(set_to_none=True)
        lossf(model(x[j * 100:(j + 1) * 100]), y[j * 100:(j + 1) * 100]).backward()
        torch.cat([p.grad.view(-1) for p in params], out=G[j])
    G -= G.mean(0)
    noise = G.view(-1)
    alpha = float(alpha_estimator(get_divisor(noise.numel()), noise))
    dt = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": dt, "alpha": alpha, "peak_rss_growth_bytes": (rss1 - rss0) * 1024}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("step", "eval"):
        sys.exit(__doc__)
    out = step(float(sys.argv[2])) if sys.argv[1] == "step" else evaluate(sys.argv[2])
    out["torch"] = torch.__version__
    print(json.dumps(out))
