"""Writes alexnet_double.json, the float64 fixture of sim/convnet's TestMatchesPyTorchDouble:
a small AlexNet variant (gen_fixtures.py's layout) initialised by PyTorch in float32 and
converted with .double(), as Tailscope's precision=float64 widens its float32 draws, then, in
double precision and evaluation mode (dropout off), the logits and loss of one batch, the
gradient, and the weights after three plain SGD steps on that batch.

Run with Debian's python3-torch (1.13, CPU):  cd sim/convnet/testdata && /usr/bin/python3 gen_double_fixtures.py
Arrays are little-endian float64, base64-encoded, flat in PyTorch's parameter order.
"""
import base64
import json

import torch
import torch.nn as nn

from gen_fixtures import alexnet, hinge


def b64(t):
    return base64.b64encode(t.detach().reshape(-1).to(torch.float64).numpy().astype('<f8').tobytes()).decode()


def flat(params):
    return torch.cat([p.detach().reshape(-1) for p in params])


def fixture(name, in_shape, ch, classes, batch, loss, lr, steps, seed):
    torch.manual_seed(seed)
    net = alexnet(in_shape, ch, classes)  # float32 initialisation ...
    x = torch.randn(batch, *in_shape)     # ... and float32 data, both then converted
    y = torch.randint(0, classes, (batch,))
    net = net.double()
    x = x.double()
    net.eval()
    crit = nn.CrossEntropyLoss() if loss == 'ce' else hinge
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    doc = {'name': name, 'shape': list(in_shape), 'ch': ch, 'classes': classes, 'loss': loss, 'lr': lr,
           'labels': y.tolist(), 'torch': torch.__version__, 'weights': b64(flat(net.parameters())),
           'input': b64(x)}
    for k in range(steps):
        opt.zero_grad()
        out = net(x)
        l = crit(out, y)
        l.backward()
        if k == 0:
            doc['logits'], doc['loss_value'] = b64(out), float(l)
            doc['grad'] = b64(flat(p.grad for p in net.parameters()))
        opt.step()
    doc['steps'], doc['after'] = steps, b64(flat(net.parameters()))
    return doc


if __name__ == '__main__':
    torch.set_num_threads(1)
    docs = [fixture('mnist_ce', (1, 28, 28), 4, 10, 3, 'ce', 0.1, 3, 2),
            fixture('mnist_hinge', (1, 28, 28), 3, 10, 2, 'hinge', 0.5, 3, 3)]
    with open('alexnet_double.json', 'w') as f:
        json.dump(docs, f)
