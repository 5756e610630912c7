#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of the bed's module/kernel pairing check (scripts/qemu/bed.py,
kernel_mismatch()), a step of make check: a module built for one kernel
and a guest kernel of another must be one sentence before any guest boots,
not a whole QEMU suite failing "Invalid module format". Made-up bzImage
headers and modules, then the real module and guest kernel when they are
there. Prints a PASS:/FAIL: line per case and exits 1 if one failed."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bed  # noqa: E402


def fake_bzimage(path, version):
    data = bytearray(0x1000)
    data[0x202:0x206] = b"HdrS"
    off = 0x800
    data[0x20e:0x210] = (off - 0x200).to_bytes(2, "little")
    data[off:off + len(version) + 1] = version.encode() + b"\0"
    with open(path, "wb") as f:
        f.write(data)


def fake_module(path, vermagic):
    with open(path, "wb") as f:
        f.write(b"\x7fELF" + b"\0" * 100)
        if vermagic is not None:
            f.write(b"license=GPL\0vermagic=" + vermagic.encode() + b"\0")
        f.write(b"\0" * 100)


def main():
    failed = 0

    def case(name, ok):
        nonlocal failed
        print(f"{'PASS' if ok else 'FAIL'}: bedcheck.{name}", flush=True)
        failed += not ok

    with tempfile.TemporaryDirectory() as d:
        k61, k612 = os.path.join(d, "k61"), os.path.join(d, "k612")
        fake_bzimage(k61, "6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP")
        fake_bzimage(k612, "6.12.57+deb12-amd64 (debian-kernel@lists.debian.org) #1 SMP")
        m61, m612, mnone = (os.path.join(d, n) for n in ("m61", "m612", "mnone"))
        fake_module(m61, "6.1.0-57-amd64 SMP preempt mod_unload modversions ")
        fake_module(m612, "6.12.57+deb12-amd64 SMP preempt mod_unload modversions ")
        fake_module(mnone, None)
        case("same_kernel", bed.kernel_mismatch(m61, k61) is None)
        why = bed.kernel_mismatch(m61, k612) or ""
        case("other_kernel_one_sentence",
             "built for kernel 6.1.0-57-amd64" in why and
             "boot 6.12.57+deb12-amd64" in why and
             "XSAN_GUEST_KVER=6.1.0-57-amd64" in why)
        case("other_kernel_reverse", bed.kernel_mismatch(m612, k61) is not None)
        case("module_without_vermagic", bed.kernel_mismatch(mnone, k61) is None)
        notbz = os.path.join(d, "notbz")
        with open(notbz, "wb") as f:
            f.write(b"\0" * 4096)
        case("not_a_bzimage", bed.kernel_mismatch(m61, notbz) is None)
    ko = bed.module_path()
    try:
        kernel = bed.guest_kernel()
    except Exception:  # no headers yet: nothing real to compare
        kernel = None
    if kernel and os.path.exists(ko) and os.path.exists(kernel):
        case("built_module_fits_guest_kernel",
             bed.kernel_mismatch(ko, kernel) is None)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
