"""PyTorch side of peerbench: reads commands on stdin, answers one JSON line each.

  step SECONDS   SGD steps per second of MLP 784-128-128-10 (no biases, ReLU, cross-entropy)
                 at batch 100, on one thread.
  noise P        the paper's noise evaluation, as its reference code does it, on an MLP
                 784-100-100-100-10 (width 100, depth 3) with P minibatches of 100 random
                 inputs: every minibatch gradient kept (torch.stack, O(P·M) memory), their mean,
                 the pooled noise, alpha_estimator with m = the largest divisor of N ≤ √N.
                 Answers evaluations per second and alpha.
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


model = mlp([784, 128, 128, 10])
opt = torch.optim.SGD(model.parameters(), lr=0.01)
lossf = torch.nn.CrossEntropyLoss()
x = torch.rand(100, 784)
y = torch.randint(0, 10, (100,))


def step():
    opt.zero_grad(set_to_none=True)
    loss = lossf(model(x), y)
    loss.backward()
    opt.step()


step()

noise_model = mlp([784, 100, 100, 100, 10])
noise_x = torch.rand(60000, 784)
noise_y = torch.randint(0, 10, (60000,))


def get_grads(model):
    return torch.cat([p.grad.view(-1) for p in model.parameters()])


def alpha_estimator(m, X):
    # Mohammadi et al. Corollary 2.4, as in the reference code
    N = len(X)
    n = int(N / m)
    Y = torch.sum(X.view(n, m, -1), 1)
    eps = np.spacing(1)
    Y_log_norm = torch.log(Y.norm(dim=1) + eps).mean()
    X_log_norm = torch.log(X.norm(dim=1) + eps).mean()
    diff = (Y_log_norm - X_log_norm) / math.log(m)
    return 1 / diff


def largest_divisor(N):
    for d in range(int(math.isqrt(N)), 1, -1):
        if N % d == 0:
            return d
    return 1


def noise_eval(P):
    grads = []
    for j in range(P):
        noise_model.zero_grad()
        loss = lossf(noise_model(noise_x[j * 100:(j + 1) * 100]), noise_y[j * 100:(j + 1) * 100])
        loss.backward()
        grads.append(get_grads(noise_model).clone())
    G = torch.stack(grads)
    noise = (G - G.mean(0)).view(-1, 1)
    return alpha_estimator(largest_divisor(noise.shape[0]), noise).item()


print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    cmd = line.split()
    if not cmd:
        continue
    try:
        if cmd[0] == "step":
            seconds = float(cmd[1])
            steps = 0
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < seconds or steps < 3:
                step()
                steps += 1
            print(json.dumps({"rate": steps / (time.perf_counter() - t0)}), flush=True)
        elif cmd[0] == "noise":
            t0 = time.perf_counter()
            alpha = noise_eval(int(cmd[1]))
            el = time.perf_counter() - t0
            print(json.dumps({"rate": 1 / el, "alpha": alpha}), flush=True)
        else:
            print(json.dumps({"error": "unknown command " + cmd[0]}), flush=True)
    except Exception as e:  # report, keep serving
        print(json.dumps({"error": repr(e)}), flush=True)
