"""Runs the reference code of Simsekli, Sagun and Gurbuzbalaban (ICML 2019), main.py of
github.com/umutsimsekli/sgd_tail_index, from a checkout on this machine, on one configuration,
and writes its evaluation histories as JSON. refcompare (main.go, next to this file) calls it;
nothing of the reference code is copied here.

The reference code reads CIFAR-10 through torchvision, that is from the Python version of the
set (cifar-10-batches-py, pickles), checked against torchvision's pinned MD5s. Tailscope reads
the binary version (cifar-10-batches-bin). With --from-binary DIR this runner writes the
Python version from the binary files in DIR, byte for byte the same pixels and labels, and
turns torchvision's MD5 check off (a synthetic set cannot match the published checksums).
Without it, the reference code gets the real set itself (torchvision downloads it into --path).

    python3 reference.py --official ~/src/sgd_tail_index --json out.json [--from-binary DIR] -- \
        --dataset cifar10 --model fc --iterations 100 ... (main.py's own flags)

Run with Debian's python3-torch and python3-torchvision (/usr/bin/python3). One change to the
reference code's run: its main.py imports get_id from utils.py, which does not define it (main.py
never calls it); the runner supplies a stand-in that raises if called.
"""

import argparse
import json
import os
import pickle
import runpy
import sys

import numpy as np

CIFAR10_RECORD = 1 + 3 * 32 * 32
CIFAR10_FILES = ["data_batch_%d" % i for i in range(1, 6)] + ["test_batch"]


def binary_to_python(bin_dir, root):
    """Writes root/cifar-10-batches-py from the binary version in bin_dir, as the official
    archive lays it out (dicts with "data" as N x 3072 uint8 rows and "labels")."""
    out = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(out, exist_ok=True)
    for name in CIFAR10_FILES:
        raw = np.fromfile(os.path.join(bin_dir, name + ".bin"), dtype=np.uint8)
        if raw.size % CIFAR10_RECORD:
            raise SystemExit("%s.bin: %d bytes, not whole %d-byte records" % (name, raw.size, CIFAR10_RECORD))
        raw = raw.reshape(-1, CIFAR10_RECORD)
        entry = {"batch_label": name, "labels": raw[:, 0].tolist(), "data": np.ascontiguousarray(raw[:, 1:]),
                 "filenames": ["%s_%d.png" % (name, i) for i in range(len(raw))]}
        with open(os.path.join(out, name), "wb") as f:
            pickle.dump(entry, f, protocol=2)
    meta = {"label_names": ["class%d" % c for c in range(10)], "num_vis": 3072}
    with open(os.path.join(out, "batches.meta"), "wb") as f:
        pickle.dump(meta, f, protocol=2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--official", required=True, help="checkout of sgd_tail_index (holds main.py)")
    ap.add_argument("--json", required=True, help="where to write the histories")
    ap.add_argument("--from-binary", default="", help="cifar-10-batches-bin folder to convert (synthetic sets)")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    ap.add_argument("rest", nargs=argparse.REMAINDER, help="-- then main.py's flags")
    args = ap.parse_args()
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest

    main_py = os.path.join(args.official, "main.py")
    if not os.path.isfile(main_py):
        raise SystemExit("no main.py in %s: give a checkout of github.com/umutsimsekli/sgd_tail_index" % args.official)
    margs = argparse.ArgumentParser(add_help=False)
    margs.add_argument("--path", default="./data")
    margs.add_argument("--save_dir", default="results/")
    known, _ = margs.parse_known_args(rest)

    import torch
    import torchvision.datasets.cifar as tv_cifar

    torch.set_num_threads(args.threads)
    if args.from_binary:
        binary_to_python(args.from_binary, known.path)
        tv_cifar.check_integrity = lambda *a, **k: True

    sys.path.insert(0, args.official)  # main.py imports models and utils from its folder
    import utils

    if not hasattr(utils, "get_id"):
        # main.py imports get_id from utils, which the published utils.py lacks, and never
        # calls it: without a stand-in the published main.py does not start.
        def get_id(*_):
            raise RuntimeError("get_id is not in the reference code's utils.py")

        utils.get_id = get_id
    sys.argv = [main_py] + rest
    stdout = sys.stdout
    sys.stdout = sys.stderr  # main.py prints its progress; keep stdout for nothing
    try:
        runpy.run_path(main_py, run_name="__main__")
    finally:
        sys.stdout = stdout

    def load(name):
        return [[float(v) for v in row] for row in torch.load(os.path.join(known.save_dir, name))]

    # Rows are [iteration, loss, accuracy in %, alpha] (main.py's eval).
    result = {"train": load("evaluation_history_TRAIN.hist"), "test": load("evaluation_history_TEST.hist")}
    with open(args.json, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
