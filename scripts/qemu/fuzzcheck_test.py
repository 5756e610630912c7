#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of the fuzzer's checker (scripts/qemu/fuzzcheck.py), a step of
make check: made-up logs of two guests, each a case the checker must pass
or must report (stale bytes, zeros after a completed write, bytes of
another file or offset, bytes from the future, garbage, guests that
disagree at the end, a failed operation). Prints a PASS:/FAIL: line per
case (make check counts them) and exits 1 if the checker got one wrong."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzzcheck  # noqa: E402

MS = 1000000
HEAD_A = "C 0 0\nP writer 0\n"
HEAD_B = "C 0 0\nP writer 1\n"

# (name, log of a, log of b, violations expected? [, errnos allowed])
CASES = [
    ("last completed write is read",
     "W 1 w 7 0 32 32 100000000 200000000\n"
     "W 2 w 7 0 32 32 300000000 400000000\n"
     "R 3 r 7 0 32 32 500000000 600000000 0.2.0.2\n", "", False),
    ("stale: an older write read after a newer one completed",
     "W 1 w 7 0 32 32 100000000 200000000\n"
     "W 2 w 7 0 32 32 300000000 400000000\n"
     "R 3 r 7 0 32 32 500000000 600000000 0.1.0.2\n", "", True),
    ("concurrent writes: either may be read",
     "W 1 w 7 0 32 32 100000000 400000000\n",
     "W 1 w 7 0 32 32 200000000 300000000\n"
     "R 2 r 7 0 32 32 500000000 600000000 0.1.0.2\n", False),
    ("zeros after a completed write",
     "W 1 w 7 0 32 32 100000000 200000000\n"
     "R 2 r 7 0 32 32 500000000 600000000 Z.2\n", "", True),
    ("zeros after a truncate that followed the write",
     "W 1 w 7 0 32 32 100000000 200000000\n"
     "W 2 t 7 0 0 0 300000000 350000000\n"
     "R 3 r 7 0 32 32 500000000 600000000 Z.2\n", "", False),
    ("zeros of a punch",
     "W 1 w 7 0 64 64 100000000 200000000\n"
     "W 2 p 7 16 16 0 300000000 350000000\n"
     "R 3 r 7 0 64 64 500000000 600000000 0.1.0.1 Z.1 0.1.2.2\n", "", False),
    ("write read back at the wrong offset",
     "W 1 w 7 64 32 32 100000000 200000000\n"
     "R 2 r 7 0 32 32 500000000 600000000 0.1.0.2\n", "", True),
    ("bytes of another file",
     "W 1 w 8 0 32 32 100000000 200000000\n"
     "R 2 r 7 0 32 32 500000000 600000000 0.1.0.2\n", "", True),
    ("bytes of a write that began after the read ended",
     "R 1 r 7 0 32 32 100000000 200000000 1.5.0.2\n",
     "W 5 w 7 0 32 32 300000000 400000000\n", True),
    ("garbage",
     "R 1 r 7 0 32 32 100000000 200000000 X.2\n", "", True),
    ("within the clocks' margin: not a violation",
     "W 1 w 7 0 32 32 100000000 200000000\n"
     "W 2 w 7 0 32 32 202000000 300000000\n"
     "R 3 r 7 0 32 32 301000000 400000000 0.1.0.2\n", "", False),
    ("a failed write is a violation unless the run allows its errno",
     "W 1 w 7 0 32 32 100000000 200000000\n"
     "W 2 w 7 0 32 -5 300000000 400000000\n"
     "R 3 r 7 0 32 32 500000000 600000000 0.1.0.2\n", "", True),
    ("an allowed failed write supersedes nothing, its bytes may show",
     "W 1 w 7 0 32 32 100000000 200000000\n"
     "W 2 w 7 0 32 -5 300000000 400000000\n"
     "R 3 r 7 0 32 32 500000000 600000000 0.1.0.2\n"
     "R 4 r 7 0 32 32 700000000 800000000 0.2.0.2\n", "", False, {5}),
    ("the guests disagree at the end",
     "P final\nR 9 r 7 0 32 32 500000000 600000000 Z.2\n",
     "P final\nR 9 r 7 0 32 16 500000000 600000000 Z.1\n", True),
    ("open(O_CREAT) failed",
     "W 1 w 0 0 0 -17 0 0\n", "", True),
    ("namespace ENOENT and EEXIST are part of the game",
     "N 1 u -2 100 200 n1 n1\nN 2 l -17 300 400 n0 n1\n", "", False),
    ("increments under the lock read distinct values",
     "L 1 0 0 100 200\nL 2 2 0 500 600\n", "L 1 1 0 300 400\n", False),
    ("two increments read one value: the lock was held twice",
     "L 1 0 0 100 200\nL 2 1 0 500 600\n", "L 1 1 0 300 400\n", True),
    ("an increment that failed is a violation",
     "L 1 0 -5 100 200\n", "", True),
]


def run(name, a, b, bad, allowed=frozenset()):
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "up-fz-a"), "w") as f:
            f.write(HEAD_A + a)
        with open(os.path.join(d, "up-fz-b"), "w") as f:
            f.write(HEAD_B + b)
        c = fuzzcheck.Checker(5 * MS, set(allowed))
        c.load(os.path.join(d, "up-fz-a"), "a")
        c.load(os.path.join(d, "up-fz-b"), "b")
        c.index()
        c.check_reads()
        c.check_final()
        got = bool(c.violations)
        ok = got == bad
        print(f"{'PASS' if ok else 'FAIL'}: fuzzcheck.{name.replace(' ', '_')}: "
              f"{len(c.violations)} violation(s)"
              + (f" ({c.violations[0]})" if c.violations else ""))
        return ok


def main():
    wrong = sum(not run(*case) for case in CASES)
    print(f"fuzzcheck self-test: {len(CASES)} cases, {wrong} wrong")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
