"""PyTorch peer of BenchmarkAlexNetStep: one SGD step of the reference code's AlexNet (ch 64,
batch 100, 3×32×32 inputs, dropout on) on one CPU thread. Prints ms per step (median of
rounds) in wall time and in process CPU time, which a loaded machine does not inflate.
    /usr/bin/python3 bench_torch.py [rounds]"""
import statistics
import sys
import time

import torch

from gen_fixtures import alexnet

torch.set_num_threads(1)
torch.manual_seed(1)
net = alexnet((3, 32, 32), 64, 10)
net.train()
x = torch.randn(100, 3, 32, 32)
y = torch.randint(0, 10, (100,))
opt = torch.optim.SGD(net.parameters(), lr=0.01)
crit = torch.nn.CrossEntropyLoss()


def step():
    opt.zero_grad()
    crit(net(x), y).backward()
    opt.step()


for _ in range(3):
    step()
times, cpu = [], []
for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 10):
    t, c = time.perf_counter(), time.process_time()
    step()
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
print(f"pytorch {torch.__version__} 1 thread: {1e3 * statistics.median(times):.1f} ms/step wall, "
      f"{1e3 * statistics.mean(cpu):.1f} cpu-ms/step")
