#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The host side of the multi-client coherence fuzzer (tests/qemu/fuzz.sh).

Reads the operation logs the guests' xsanfuzz wrote (tests/qemu/helpers/
xsanfuzz.c describes the lines) and uploaded to RUNDIR/up-fz-* and checks
every 16-byte unit every read returned:

- it holds zeros or a stamp of a write that exists, to the same inode, at
  the same place (never bytes of another file, offset or garbage);
- the write it came from began before the read ended (nothing from the
  future);
- it is not stale: no write, truncate or punch that completed (fully,
  with success) before the read began started after the write the bytes
  came from ended (so a read returns the last completed write or one
  concurrent with it; zeros count as the value of a truncate, a punch or
  the file's creation);
- the reads of the final phase (every guest, after a barrier, of every
  name, buffered and O_DIRECT) agree between guests, sizes included;
- no operation failed unless the run allows it (--allow ERRNO,...): a
  lost write must be reported, and in the runs of make check none may be
  lost. ENOENT/EEXIST of the namespace operations and EFAULT of a mapping
  truncated under it are part of the game.

Times: each guest's CLOCK_MONOTONIC is turned into the host's by the last
"C OFFSET ERR" line; every interval is widened by that error plus a
margin (--margin-ms, default 5) before "before" and "after" are decided,
so a violation is one by more than the clocks' uncertainty.

Prints "figure: ..." lines (the bed shows them) and, per violation, a
line on stderr; exits 1 if there was any.
Usage: fuzzcheck.py RUNDIR [--allow EIO,...] [--margin-ms MS]
"""
import argparse
import bisect
import collections
import errno
import glob
import os
import sys

UNIT = 16
SYNCS = {"f": "fsync", "y": "fdatasync", "c": "close"}
NEG_INF = float("-inf")


class Checker:
    def __init__(self, margin_ns, allowed):
        self.margin = margin_ns
        self.allowed = allowed
        self.writes = {}        # (writer, seq) -> (ino, off, len, start, end)
        self.units = collections.defaultdict(list)  # (ino, unit) -> events
        self.truncs = collections.defaultdict(list)  # ino -> truncates
        self.reads = []         # (guest, ino, off, rc, start, end, runs, final)
        self.violations = []
        self.ops = collections.Counter()
        self.faults = collections.Counter()
        self.errors = 0
        self.stale_opens = 0
        self.final = collections.defaultdict(dict)  # (ino, off, kind) -> guest -> (rc, runs)
        self.counter = {}       # value read under the lock -> where
        self.increments = 0

    def bad(self, msg):
        self.violations.append(msg)

    def load(self, path, guest):
        off, err = None, 0
        self.writer = None
        final = False
        with open(path, encoding="ascii", errors="replace") as f:
            for n, line in enumerate(f, 1):
                w = line.split()
                if not w:
                    continue
                where = f"{os.path.basename(path)}:{n}"
                try:
                    self.line(w, where, guest, off, err, final)
                except (ValueError, IndexError) as e:
                    self.bad(f"{where}: cannot parse ({e}): {line.strip()[:120]}")
                    continue
                if w[0] == "C":
                    off, err = int(w[1]), int(w[2])
                elif w[0] == "P" and w[1] == "final":
                    final = True
                elif w[0] == "P" and w[1] == "writer":
                    self.writer = int(w[2])

    def span(self, t0, t1, off, err):
        if off is None:
            raise ValueError("an operation before the first clock line")
        m = err + self.margin
        return int(t0) + off - m, int(t1) + off + m

    def failed(self, rc, where, text, ok=()):
        if rc >= 0:
            return False
        e = -rc
        if e in ok:
            return True
        self.errors += 1
        if e not in self.allowed:
            self.bad(f"{where}: {text} failed: "
                     f"{errno.errorcode.get(e, str(e))}")
        return True

    def open_failed(self, rc, where, text):
        # ESTALE: the other guest removed the name twice in a row while
        # the VFS looked it up, opened, and walked once more (its one
        # retry): counted, not a violation (Documentation/testing.rst)
        if rc == -errno.ESTALE:
            self.stale_opens += 1
            return
        self.failed(rc, where, text)

    def line(self, w, where, guest, off, err, final):
        kind = w[0]
        if kind == "X":
            self.bad(f"{where}: guest {guest}: {' '.join(w[1:])}")
        elif kind == "F":
            self.faults[w[1]] += 1
        elif kind == "W":
            self.ops[guest] += 1
            seq, k, ino, o, ln, rc = (int(w[1]), w[2], int(w[3]), int(w[4]),
                                      int(w[5]), int(w[6]))
            if ino == 0:
                self.open_failed(rc, where, "open for a write")
                return
            start, end = self.span(w[7], w[8], off, err)
            self.write(guest, seq, k, ino, o, ln, rc, start, end, where)
        elif kind == "R":
            self.ops[guest] += 1
            seq, k, ino, o, ln, rc = (int(w[1]), w[2], int(w[3]), int(w[4]),
                                      int(w[5]), int(w[6]))
            if ino == 0:
                self.open_failed(rc, where, "open for a read")
                return
            if self.failed(rc, where, f"read ({k}) of inode {ino}",
                           ok=(errno.EFAULT,) if k == "m" else ()):
                return
            start, end = self.span(w[7], w[8], off, err)
            self.reads.append((guest, ino, o, rc, start, end, w[9:], where))
            if final:
                self.final[(ino, o, k)][guest] = (rc, tuple(w[9:]))
        elif kind == "S":
            self.ops[guest] += 1
            self.failed(int(w[4]), where, f"{SYNCS[w[2]]} of inode {w[3]}")
        elif kind == "N":
            self.ops[guest] += 1
            self.failed(int(w[3]), where, f"namespace op {w[2]}",
                        ok=(errno.ENOENT, errno.EEXIST))
        elif kind == "L":
            self.ops[guest] += 1
            value, rc = int(w[2]), int(w[3])
            if self.failed(rc, where, "increment under an fcntl lock"):
                return
            self.increments += 1
            if value in self.counter:
                self.bad(f"{where}: guest {guest} read counter value {value} "
                         f"under its fcntl lock, as {self.counter[value]} "
                         f"did: two owners held the lock at once (or a read "
                         f"under it was stale), an increment is lost")
            else:
                self.counter[value] = f"guest {guest} ({where})"

    def write(self, guest, seq, k, ino, o, ln, rc, start, end, where):
        ok = (errno.EFAULT,) if k == "m" else ()
        if self.failed(rc, where, f"write ({k}) of inode {ino}", ok=ok):
            strong = False
            n = ln // UNIT
        elif k in "tp":
            strong = True
            n = ln // UNIT
        else:
            strong = rc == ln
            n = (rc if rc >= 0 else ln) // UNIT
        if k == "t":
            # a truncate to o: every unit from o on reads zeros after it
            # (added to the units some write touched, in index())
            self.truncs[ino].append((o // UNIT, start, end, strong))
            return
        if k == "p":
            for u in range(o // UNIT, (o + ln) // UNIT):
                self.units[(ino, u)].append((start, end, strong, None))
            return
        if self.writer is None:
            raise ValueError("a write before the log said its writer")
        key = (self.writer, seq)
        if key in self.writes:
            self.bad(f"{where}: write {key} logged twice")
        self.writes[key] = (ino, o, ln, start, end)
        for i in range(n):
            self.units[(ino, o // UNIT + i)].append((start, end, strong, key))

    def index(self):
        """Per unit: strong events by end with the latest start so far;
        zero events by start with the latest end so far."""
        self.idx = {}
        for key, evs in self.units.items():
            evs = evs + [(s, e, strong, None)
                         for f, s, e, strong in self.truncs.get(key[0], ())
                         if f <= key[1]]
            strong = sorted((e[1], e[0]) for e in evs if e[2])
            ends, pm, best = [], [], NEG_INF
            for end, start in strong:
                best = max(best, start)
                ends.append(end)
                pm.append(best)
            zeros = sorted((e[0], e[1]) for e in evs if e[3] is None)
            zs, zpm, zbest = [NEG_INF], [NEG_INF], NEG_INF
            for start, end in zeros:
                zbest = max(zbest, end)
                zs.append(start)
                zpm.append(zbest)
            self.idx[key] = (ends, pm, zs, zpm)

    def check_unit(self, ino, u, value, rs, re_, where):
        ends, pm, zs, zpm = self.idx.get((ino, u), ([], [], [NEG_INF], [NEG_INF]))
        i = bisect.bisect_left(ends, rs)
        latest = pm[i - 1] if i else NEG_INF
        if value is None:
            j = bisect.bisect_left(zs, re_)
            vend = zpm[j - 1] if j else NEG_INF
            if vend < latest:
                self.bad(f"{where}: inode {ino} offset {u * UNIT}: zeros, "
                         f"but data written and completed since the last "
                         f"zeroing ended")
                return False
            return True
        ino_w, off_w, ln_w, ws, we = self.writes[value]
        if ws > re_:
            self.bad(f"{where}: inode {ino} offset {u * UNIT}: bytes of write "
                     f"{value} that began after the read ended")
            return False
        if we < latest:
            self.bad(f"{where}: inode {ino} offset {u * UNIT}: stale bytes of "
                     f"write {value}: a later write or truncate completed "
                     f"before the read began")
            return False
        return True

    def check_reads(self):
        units = 0
        for guest, ino, o, rc, rs, re_, runs, where in self.reads:
            u = o // UNIT
            for run in runs:
                p = run.split(".")
                if p[0] == "X":
                    self.bad(f"{where}: inode {ino} offset {u * UNIT}: "
                             f"{p[1]} units of neither zeros nor a stamp")
                    u += int(p[1])
                    units += int(p[1])
                    continue
                if p[0] == "Z":
                    n = int(p[1])
                    for i in range(n):
                        if not self.check_unit(ino, u + i, None, rs, re_, where):
                            break
                else:
                    g, s, k, n = (int(x) for x in p)
                    key = (g, s)
                    wr = self.writes.get(key)
                    if wr is None:
                        self.bad(f"{where}: inode {ino} offset {u * UNIT}: "
                                 f"bytes of write {key}, which no log has")
                    elif wr[0] != ino:
                        self.bad(f"{where}: inode {ino} offset {u * UNIT}: "
                                 f"bytes of write {key} to inode {wr[0]}")
                    elif wr[1] // UNIT + k != u:
                        self.bad(f"{where}: inode {ino} offset {u * UNIT}: "
                                 f"bytes of write {key} written at offset "
                                 f"{wr[1] + k * UNIT}")
                    else:
                        for i in range(n):
                            if not self.check_unit(ino, u + i, key, rs, re_, where):
                                break
                u += n
                units += n
            if (u - o // UNIT) * UNIT != rc // UNIT * UNIT:
                self.bad(f"{where}: runs cover {(u - o // UNIT) * UNIT} bytes "
                         f"of a read of {rc}")
        return units

    def check_final(self):
        n = 0
        for (ino, o, k), by in sorted(self.final.items()):
            if len(set(by.values())) > 1:
                self.bad(f"final read of inode {ino} at {o} ({k}): guests "
                         f"disagree: " + "; ".join(
                             f"{g}: {rc} bytes {' '.join(r)[:80]}"
                             for g, (rc, r) in sorted(by.items())))
            n += 1
        return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rundir")
    ap.add_argument("--allow", default="",
                    help="errnos an operation may fail with, e.g. EIO")
    ap.add_argument("--margin-ms", type=float, default=5)
    a = ap.parse_args()
    allowed = {getattr(errno, e) for e in a.allow.split(",") if e}
    c = Checker(int(a.margin_ms * 1e6), allowed)
    logs = sorted(glob.glob(os.path.join(a.rundir, "up-fz-*")))
    if not logs:
        print(f"fuzzcheck: no logs (up-fz-*) in {a.rundir}", file=sys.stderr)
        return 1
    for p in logs:
        c.load(p, os.path.basename(p)[6:])
    c.index()
    units = c.check_reads()
    finals = c.check_final()
    ops = sum(c.ops.values())
    faults = sum(c.faults.values())
    per = ", ".join(f"{g} {n}" for g, n in sorted(c.ops.items()))
    fl = ", ".join(f"{k} {n}" for k, n in sorted(c.faults.items()))
    print(f"figure: fuzz: {ops} operations ({per}), {len(c.writes)} writes, "
          f"{len(c.reads)} reads of {units * UNIT / 1e6:.1f} MB checked unit "
          f"by unit, {finals} final reads compared")
    print(f"figure: fuzz: {c.increments} increments under cluster-wide "
          f"fcntl locks, {len(c.counter)} distinct values read")
    print(f"figure: fuzz: {faults} faults ({fl or 'none'}), {c.errors} errors, "
          f"{c.stale_opens} opens ESTALE after the VFS's retry, "
          f"{len(c.violations)} violations")
    for v in c.violations[:30]:
        print(f"violation: {v}", file=sys.stderr)
    if c.violations:
        print(f"fuzzcheck: {len(c.violations)} violations (first above)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
