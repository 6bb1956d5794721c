#!/usr/bin/env python3
"""Checks that every kernel of KERNELS.md is a `.visible .entry` of each PTX file with the contract's
number of parameters. Usage: check-ptx-contract.py [ptx files...] (default: ptx/chrysalis.sm_*.ptx)."""
import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = ["f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q4_k", "q5_k", "q6_k"]


def contract():
    text = open(os.path.join(HERE, "KERNELS.md")).read()
    kernels = {}
    # a signature starts with a backtick, a name and "(", and may run over several lines up to ")`"
    for m in re.finditer(r"`([a-z0-9_<>]+)\(([^)]*)\)`", text, re.S):
        name, params = m.group(1), m.group(2)
        count = len([p for p in params.split(",") if p.strip()])
        # "for type in a, b:" right after a signature narrows <type> to those types
        only = re.match(r"\s*for type in ([a-z0-9_, ]+):", text[m.end():])
        types = [t.strip() for t in only.group(1).split(",")] if only else TYPES
        names = [name.replace("<type>", t) for t in types] if "<type>" in name else [name]
        for n in names:
            kernels[n] = count
    return kernels


def entries(ptx):
    text = open(ptx).read()
    found = {}
    for m in re.finditer(r"\.visible \.entry (\w+)\(\s*(.*?)\)", text, re.S):
        found[m.group(1)] = len(re.findall(r"\.param ", m.group(2)))
    return found


def main():
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(HERE, "ptx", "chrysalis.sm_*.ptx")))
    want = contract()
    bad = 0
    for f in files:
        have = entries(f)
        for name, count in sorted(want.items()):
            if name not in have:
                print(f"{f}: missing kernel {name}")
                bad += 1
            elif have[name] != count:
                print(f"{f}: {name} has {have[name]} parameters, KERNELS.md says {count}")
                bad += 1
        extra = sorted(set(have) - set(want))
        print(f"{f}: {len(want)} contract kernels checked" + (f"; not in the contract: {extra}" if extra else ""))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
