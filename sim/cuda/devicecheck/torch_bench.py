#!/usr/bin/env python3
"""PyTorch peer of sim/cuda's benchmarks (gpu_bench_test.go), same shapes, same GPU.

Prints lines "torch <name> <value> <unit>" that table.py pairs with the Go benchmark lines:
  step/<shape>/b<batch>  ms/step: forward, cross-entropy, backward, SGD on bias-free ReLU
                         nets, loss.item() each step (the Go trainer reads every loss back
                         too, for its divergence check)
  noise                  ms/eval: the reference procedure of Şimşekli et al. (2019): the
                         gradients of all P = 120 minibatches of 500 of 60 000 examples kept
                         as a P×M matrix, their mean, the noise, and the pooled and per-layer
                         Mohammadi estimates (block sums of K1 = largest divisor of N ≤ √N)
--device cpu --quick runs tiny sizes, to check the script where there is no GPU.
"""
import argparse
import math
import time

import torch
import torch.nn as tnn


def net(depth, width, dev):
    sizes = [784] + [width] * (depth - 1) + [10]
    layers = []
    for i in range(depth):
        layers.append(tnn.Linear(sizes[i], sizes[i + 1], bias=False))
        if i < depth - 1:
            layers.append(tnn.ReLU())
    return tnn.Sequential(*layers).to(dev)


def sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize()


def bench_step(depth, width, batch, n, steps, dev):
    torch.manual_seed(1)
    m = net(depth, width, dev)
    x = torch.rand(n, 784, device=dev)
    y = torch.randint(0, 10, (n,), device=dev)
    opt = torch.optim.SGD(m.parameters(), lr=0.001)
    lossf = tnn.CrossEntropyLoss()
    P = n // batch

    def step(k):
        k %= P
        opt.zero_grad(set_to_none=True)
        loss = lossf(m(x[k * batch:(k + 1) * batch]), y[k * batch:(k + 1) * batch])
        loss.backward()
        opt.step()
        return loss.item()

    for k in range(10):
        step(k)
    sync(dev)
    t = time.perf_counter()
    for k in range(steps):
        step(k)
    sync(dev)
    return (time.perf_counter() - t) * 1000 / steps


def paper_k1(N):
    k = int(math.isqrt(N))
    while N % k:
        k -= 1
    return k


def mohammadi(X, K1):
    # the reference alpha_estimator: Y = sums of blocks of K1, 1/((E log|Y| − E log|X|)/log K1)
    eps = 2.0 ** -52
    Y = X.view(-1, K1).sum(1)
    d = (torch.log(Y.abs() + eps).mean() - torch.log(X.abs() + eps).mean()) / math.log(K1)
    return (1 / d).item()


def bench_noise(n, batch, dev, reps):
    torch.manual_seed(1)
    m = net(3, 1024, dev)
    x = torch.rand(n, 784, device=dev)
    y = torch.randint(0, 10, (n,), device=dev)
    lossf = tnn.CrossEntropyLoss()
    params = list(m.parameters())
    M = sum(p.numel() for p in params)
    P = n // batch

    def once():
        G = torch.empty(P, M, device=dev)
        for j in range(P):
            m.zero_grad(set_to_none=True)
            lossf(m(x[j * batch:(j + 1) * batch]), y[j * batch:(j + 1) * batch]).backward()
            G[j] = torch.cat([p.grad.reshape(-1) for p in params])
        noise = (G - G.mean(0)).double()
        a = mohammadi(noise.reshape(-1), paper_k1(P * M))
        off = 0
        for p in params:
            k = p.numel()
            mohammadi(noise[:, off:off + k].reshape(-1), paper_k1(P * k))
            off += k
        return a

    once()
    sync(dev)
    t = time.perf_counter()
    for _ in range(reps):
        a = once()
    sync(dev)
    return (time.perf_counter() - t) * 1000 / reps, a


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    dev = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = False  # fp32, as the Go backend without -tf32
    torch.backends.cudnn.allow_tf32 = False
    name = torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu"
    print(f"torch version {torch.__version__} device {name}")
    n, steps, noise_n, reps = (10000, 200, 60000, 3) if not args.quick else (1000, 3, 2000, 1)
    for shape, depth in (("784-1024-1024-10", 3), ("depth10-width1024", 10)):
        width = 1024 if not args.quick else 32
        for batch in (100, 500):
            ms = bench_step(depth, width, batch, n, steps, dev)
            print(f"torch step/{shape}/b{batch} {ms:.4f} ms/step", flush=True)
    ms, a = bench_noise(noise_n, 500, dev, reps)
    print(f"torch noise {ms:.1f} ms/eval (alpha {a:.4f})", flush=True)


if __name__ == "__main__":
    main()
