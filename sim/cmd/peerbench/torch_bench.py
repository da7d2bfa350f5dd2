"""PyTorch side of peerbench: reads commands on stdin, answers one JSON line each.

  step SECONDS   SGD steps per second of MLP 784-128-128-10 (no biases, ReLU, cross-entropy)
                 at batch 100, on one thread.
Run with Debian's /usr/bin/python3 (python3-torch 1.13).
"""
import json
import sys
import time

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
        else:
            print(json.dumps({"error": "unknown command " + cmd[0]}), flush=True)
    except Exception as e:  # report, keep serving
        print(json.dumps({"error": repr(e)}), flush=True)
