"""Writes the PyTorch fixtures of sim/convnet's tests: for small AlexNet variants (the
reference code's layout, channel scale ch, first convolution on the input's channels), the
weights PyTorch draws, an input batch and labels, the logits and loss in evaluation mode
(dropout off), the gradient, and the weights after one plain SGD step.

Run with Debian's python3-torch (1.13, CPU):  /usr/bin/python3 gen_fixtures.py
Arrays are little-endian float32, base64-encoded, flat in PyTorch's parameter order.
"""
import base64
import json
import math

import torch
import torch.nn as nn


def alexnet(in_shape, ch, classes):
    c, h, w = in_shape
    features = nn.Sequential(
        nn.Conv2d(c, ch, kernel_size=4, stride=2, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(ch, ch, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(ch, ch, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(ch, ch, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(ch, ch, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
    )
    size = features(torch.zeros(1, c, h, w)).numel()
    a = torch.tensor(size).float()
    width = int(a) * int(1 + torch.log(a) / torch.log(torch.tensor(2).float()))
    classifier = nn.Sequential(
        nn.Dropout(), nn.Linear(size, width), nn.ReLU(),
        nn.Dropout(), nn.Linear(width, width), nn.ReLU(),
        nn.Linear(width, classes),
    )
    return nn.Sequential(features, nn.Flatten(), classifier)


def hinge(out, y):
    t = -torch.ones_like(out)
    t[torch.arange(out.size(0)), y] = 1
    return torch.clamp(1 - t * out, min=0).mean()


def b64(t):
    return base64.b64encode(t.detach().reshape(-1).to(torch.float32).numpy().astype('<f4').tobytes()).decode()


def flat(params):
    return torch.cat([p.detach().reshape(-1) for p in params])


def fixture(name, in_shape, ch, classes, batch, loss, lr, seed):
    torch.manual_seed(seed)
    net = alexnet(in_shape, ch, classes)
    x = torch.randn(batch, *in_shape)
    y = torch.randint(0, classes, (batch,))
    net.eval()  # dropout off: the reference measures its noise in this mode
    w0 = flat(net.parameters())
    out = net(x)
    crit = nn.CrossEntropyLoss() if loss == 'ce' else hinge
    l = crit(out, y)
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    opt.zero_grad()
    l.backward()
    grad = flat(p.grad for p in net.parameters())
    opt.step()
    w1 = flat(net.parameters())
    doc = {
        'name': name, 'shape': list(in_shape), 'ch': ch, 'classes': classes, 'loss': loss, 'lr': lr,
        'labels': y.tolist(), 'loss_value': float(l), 'torch': torch.__version__,
        'weights': b64(w0), 'input': b64(x), 'logits': b64(out), 'grad': b64(grad), 'stepped': b64(w1),
    }
    with open(name + '.json', 'w') as f:
        json.dump(doc, f)


if __name__ == '__main__':
    torch.set_num_threads(1)
    fixture('alexnet_cifar_ce', (3, 32, 32), 4, 10, 3, 'ce', 0.1, 0)
    fixture('alexnet_mnist_hinge', (1, 28, 28), 6, 10, 4, 'hinge', 0.5, 1)
