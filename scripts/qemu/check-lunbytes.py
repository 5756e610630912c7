#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""hostpost= check of tests/qemu/data-lunbytes.sh, on the host.

Reads what the guests published (XSAN_KV): the pattern seed, the file size
and the file's fiemap as LOGICAL:PHYSICAL:LENGTH byte triples (physical =
byte offset in the LUN's xsanfs partition, see fs/data.c). For each extent
it reads the LUN images (XSAN_LUNS) at the partition's start (from the
image's GPT) + physical and requires exactly one LUN to hold the pattern's
bytes for that logical range; together the extents must cover the file.
Then it reads the MDC's session-port byte counters from its log
(XSAN_MDC_LOG, "volume V: session traffic N bytes in, M bytes out") and
requires N + M below 1% of the file size. Prints the figures; exits 1 with
a reason on stderr on any mismatch.
"""
import os
import re
import struct
import sys


def die(msg):
    print(f"check-lunbytes: {msg}", file=sys.stderr)
    sys.exit(1)


def part_start(path):
    """Byte offset of the first GPT partition of a LUN image (512 B LBAs)."""
    with open(path, "rb") as f:
        f.seek(512)
        hdr = f.read(92)
        if hdr[:8] != b"EFI PART":
            die(f"{path}: no GPT header")
        entries_lba, = struct.unpack_from("<Q", hdr, 72)
        f.seek(entries_lba * 512)
        ent = f.read(128)
        first, = struct.unpack_from("<Q", ent, 32)
        if not first:
            die(f"{path}: no partition")
        return first * 512


def pattern(seed, start, length):
    """Bytes [start, start+length) of seq -f "SEED-%018.0f" 0 N."""
    first = start // 32
    last = (start + length + 31) // 32
    b = b"".join(b"%s-%018d\n" % (seed, i) for i in range(first, last))
    if len(seed) + 20 != 32:
        die(f"seed {seed!r} does not make 32-byte lines")
    off = start - first * 32
    return b[off:off + length]


def main():
    kv = {}
    with open(os.environ["XSAN_KV"], encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition(" ")
            kv[k] = v
    for k in ("seed", "size", "fiemap"):
        if k not in kv:
            die(f"the guest did not publish {k}")
    seed, size = kv["seed"].encode(), int(kv["size"])
    luns = []
    for spec in os.environ["XSAN_LUNS"].split(","):
        name, _, path = spec.partition("=")
        luns.append((name, path, part_start(path)))
    fds = {name: open(path, "rb") for name, path, _ in luns}
    covered = 0
    per_lun = {name: 0 for name, _, _ in luns}
    for ext in kv["fiemap"].split(","):
        logical, phys, length = (int(x) for x in ext.split(":"))
        if logical != covered:
            die(f"fiemap extents leave a gap or overlap at {covered} "
                f"(next extent at {logical})")
        want = pattern(seed, logical, min(length, size - logical))
        found = []
        for name, _, start in luns:
            fds[name].seek(start + phys)
            if fds[name].read(len(want)) == want:
                found.append(name)
        if len(found) != 1:
            die(f"extent {logical}+{length} at physical {phys}: the pattern "
                f"is on {len(found)} LUNs ({','.join(found) or 'none'})")
        per_lun[found[0]] += len(want)
        covered += length
    if covered < size:
        die(f"fiemap covers {covered} of {size} bytes")
    print(f"lunbytes: {size} bytes in {len(kv['fiemap'].split(','))} extents "
          f"found on the LUN images at fiemap's places: " +
          ", ".join(f"{n} {b}" for n, b in per_lun.items()))
    with open(os.environ["XSAN_MDC_LOG"], encoding="utf-8",
              errors="replace") as f:
        m = re.findall(r"volume \S+: session traffic (\d+) bytes in, "
                       r"(\d+) bytes out", f.read())
    if not m:
        die("no session traffic line in the MDC's log")
    bin_, bout = (int(x) for x in m[-1])
    ratio = (bin_ + bout) / size
    print(f"lunbytes: MDC session port: {bin_} bytes in, {bout} bytes out, "
          f"{ratio * 100:.3f}% of the {size} bytes written")
    if ratio >= 0.01:
        die(f"the session port carried {bin_ + bout} bytes, "
            f"{ratio * 100:.2f}% of the data (limit 1%)")


if __name__ == "__main__":
    main()
