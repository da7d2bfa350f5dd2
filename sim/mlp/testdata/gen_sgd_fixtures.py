"""Writes sgd_reference.json: the weights of a small fully connected net after each of 14 SGD
steps taken as the reference code's training loop takes them (main.py of sgd_tail_index:
torch.optim.SGD with momentum and weight_decay, MultiStepLR(milestones=[T, 2T], T = iters // 3)
stepped with scheduler.step(i) after step i, a DataLoader without shuffling that keeps the short
last batch, cycled). TestSGDMatchesPyTorch replays them with the Trainer. Run with Debian's
python3-torch 1.13:

    cd sim/mlp/testdata && /usr/bin/python3 gen_sgd_fixtures.py
"""
import base64
import json
import warnings

import torch

N, DIM, CLASSES, WIDTH, BATCH, LR, ITERS, STEPS = 103, 4, 3, 5, 10, 0.1, 12, 14

CASES = [  # name, momentum, weight decay, thirds schedule (gamma 0.5)
    ("plain", 0.0, 0.0, False),
    ("momentum", 0.9, 0.0, False),
    ("weight decay", 0.0, 0.01, False),
    ("thirds", 0.0, 0.0, True),
    ("all", 0.9, 0.01, True),
]


def b64(t):
    return base64.b64encode(t.detach().reshape(-1).to(torch.float32).numpy().astype("<f4").tobytes()).decode()


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
    start = flat(init).clone()
    out = {"n": N, "dim": DIM, "classes": CLASSES, "width": WIDTH, "batch": BATCH, "lr": LR, "iters": ITERS,
           "inputs": b64(x), "labels": y.tolist(), "weights": b64(start), "cases": []}
    crit = torch.nn.CrossEntropyLoss()
    for name, mom, wd, thirds in CASES:
        net = torch.nn.Sequential(*[torch.nn.Linear(l.in_features, l.out_features, bias=False) if isinstance(l, torch.nn.Linear)
                                    else torch.nn.ReLU() for l in init])
        net.load_state_dict(init.state_dict())
        opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=mom, weight_decay=wd)
        sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[ITERS // 3, 2 * (ITERS // 3)], gamma=0.5) if thirds else None
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=BATCH, shuffle=False)
        after = []
        i = 0
        while i < STEPS:
            for xb, yb in loader:
                opt.zero_grad()
                crit(net(xb), yb).backward()
                opt.step()
                if sched is not None:
                    with warnings.catch_warnings():  # step(epoch) is deprecated; the reference calls it so
                        warnings.simplefilter("ignore")
                        sched.step(i)
                after.append(flat(net))
                i += 1
                if i == STEPS:
                    break
        out["cases"].append({"name": name, "momentum": mom, "weight_decay": wd, "thirds": thirds,
                             "after": [b64(w) for w in after]})
    with open("sgd_reference.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
