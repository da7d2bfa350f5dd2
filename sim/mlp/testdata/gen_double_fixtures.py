"""Writes sgd_double.json: gen_sgd_fixtures.py's reference training loop (same data, same
float32-drawn weights, same cases) with the model and the data converted to float64, as
Tailscope's precision=float64 widens them (the reference code's --double sets torch's default
type to double instead, drawing its weights in double); the weights after each of its 14 steps.
TestSGDMatchesPyTorchDouble replays them with a precision=float64 Trainer. Run with Debian's
python3-torch 1.13:

    cd sim/mlp/testdata && /usr/bin/python3 gen_double_fixtures.py
"""
import base64
import json
import warnings

import torch

from gen_sgd_fixtures import BATCH, CASES, CLASSES, DIM, ITERS, LR, N, STEPS, WIDTH


def b64(t):
    return base64.b64encode(t.detach().reshape(-1).to(torch.float64).numpy().astype("<f8").tobytes()).decode()


def flat(net):
    return torch.cat([p.detach().reshape(-1) for p in net.parameters()])


def main():
    torch.manual_seed(7)
    x = torch.randn(N, DIM)
    y = torch.randint(0, CLASSES, (N,))
    init = torch.nn.Sequential(
        torch.nn.Linear(DIM, WIDTH, bias=False), torch.nn.ReLU(),
        torch.nn.Linear(WIDTH, WIDTH, bias=False), torch.nn.ReLU(),
        torch.nn.Linear(WIDTH, CLASSES, bias=False))
    out = {"n": N, "dim": DIM, "classes": CLASSES, "width": WIDTH, "batch": BATCH, "lr": LR, "iters": ITERS,
           "inputs": b64(x), "labels": y.tolist(), "weights": b64(flat(init)), "cases": []}
    crit = torch.nn.CrossEntropyLoss()
    xd = x.double()
    for name, mom, wd, thirds in CASES:
        net = torch.nn.Sequential(*[torch.nn.Linear(l.in_features, l.out_features, bias=False) if isinstance(l, torch.nn.Linear)
                                    else torch.nn.ReLU() for l in init])
        net.load_state_dict(init.state_dict())
        net = net.double()
        opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=mom, weight_decay=wd)
        sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[ITERS // 3, 2 * (ITERS // 3)], gamma=0.5) if thirds else None
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xd, y), batch_size=BATCH, shuffle=False)
        after = []
        i = 0
        while i < STEPS:
            for xb, yb in loader:
                opt.zero_grad()
                crit(net(xb), yb).backward()
                opt.step()
                if sched is not None:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        sched.step(i)
                after.append(flat(net))
                i += 1
                if i == STEPS:
                    break
        out["cases"].append({"name": name, "momentum": mom, "weight_decay": wd, "thirds": thirds,
                             "after": [b64(w) for w in after]})
    with open("sgd_double.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
