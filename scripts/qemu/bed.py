#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""xsanfs QEMU test bed: run one test script in 1 to 3 guests.

Each guest boots Debian's stock kernel (the ABI the module is built against)
under qemu-system-x86_64 without KVM, from the base initramfs built by
mkinitramfs.sh plus a per-run archive with the fresh xsanfs.ko, the tools and
the test. All guests attach the same LUN image files through virtio-scsi
(share-rw=on, file.locking=off), so every LUN is an sd device under the SCSI
midlayer. Networking is QEMU user mode with restrict=on: a guest reaches only
10.0.2.100:60766 and :60868, which guestfwd relays (one socat per connection)
to 127.0.0.1 on the host. Nothing else is reachable.

A test is a bash script run by every guest; BED_GUEST (a, b, c) tells them
apart and bed_barrier / bed_put / bed_get (guest-lib.sh) sequence steps
across guests over a virtio-serial control channel served here.

A header line in the test sets the run:
    # bed: guests=2 luns=lun0:64M,lun1:64M deadline=120 expect=pass mdc=vol1
expect is pass (default), fail-log (the log scan must catch something) or
fail-deadline (the deadline must fire); the last two exist to test the bed.
mdc=VOLUME makes a real volume before the guests boot: the LUN images are
labelled (label = LUN name) and formatted with mkfs.xsanfs as one stripe
group, xsanmdc serves it on 127.0.0.1 (ports it picks), the guests'
10.0.2.100 relays reach it, and each guest finds the volume secret in
/etc/xsanfs/VOLUME.auth_secret. xsanmdc's log is RESULTS/TEST/mdc.log;
the run fails if xsanmdc does not stop cleanly (exit 0) after the test.
A LUN written NAME:SIZE:spare is attached to every guest like the others
but left blank, outside the volume (a local disk for comparisons).
hostprep=CMD,ARG,... (with mdc=) runs a host command after xsanmdc is up
and before the guests boot, to prepare the volume faster than a guest
can: CMD is relative to the top of the tree (a tests/mdc/build/ program is
built first), the words are split at commas, and @HOST, @PORT, @VOLUME and
@SECRET in them become 127.0.0.1, the MDC's session port, the volume name
and the volume secret's file (also in the environment as XSAN_MDC_HOST,
XSAN_MDC_PORT, XSAN_NS_PORT, XSAN_VOLUME, XSAN_SECRET). It must exit 0
within the deadline (its time counts against it). Each "KEY VALUE" line it
prints is published as if a guest had done bed_put KEY VALUE; its output
is RESULTS/TEST/hostprep.log.
hostpost=CMD,ARG,... runs a host command after every guest has ended and
passed (it is skipped when the run already failed) and after xsanmdc has
stopped (so RESULTS/TEST/mdc.log is complete, with the volume's byte
counters): a check of what the guests left on the LUN images. CMD and the
words are as for hostprep=, plus @LUNS (NAME=PATH,NAME=PATH,... of every
LUN image, also XSAN_LUNS), @KV (a file of the "KEY VALUE" lines the
guests and hostprep published, also XSAN_KV), @MDCLOG (xsanmdc's log,
also XSAN_MDC_LOG) and @STATE (its state directory, for fsck.xsanfs -S,
also XSAN_MDC_STATE) and @RUNDIR (RESULTS/TEST, where the guests'
bed_upload files are); XSAN_MDC_PORT and XSAN_NS_PORT name the ports the MDC
served. Its stdout lines that begin "figure: " are shown in the bed's
output. It must exit 0 within 300 s; its output is RESULTS/TEST/hostpost.log
and a non-zero exit fails the run with its last stderr line.
killable=a,b (guest names) lets a guest's test run `bed_kill G`: the bed
kills guest G's QEMU by its PID at once (a power cut: no flush, no
unmount). Only a listed guest may be killed, and only a guest the test
killed may end without reporting a result; its console log is still
scanned. bed_kill from a guest not listed fails the run.
cache=writeback|none is QEMU's cache mode for the LUN images (default
writeback: the host page cache holds them, a guest flush is an fdatasync
on the host; none: the host's O_DIRECT, every write goes to the host
disk, as an array's LUN would). The environment's XSAN_BED_CACHE
overrides it (make bench-data runs both).
With mdc=, any guest's test may run `bed_mdc kill|start|stop|cont`: the
bed SIGKILLs xsanmdc, starts it again on the same state directory and
ports (a restart: its sessions come back as ghosts in a grace window), or
SIGSTOPs / SIGCONTs it; the last one running must still stop cleanly.

linkcut=a,b (guest names) gives each listed guest a QMP socket, and lets
any guest's test run `bed_link G off|on`: the bed sets guest G's network
link down or up (QMP set_link on its netdev n0, so both the NIC and the
user-mode backend drop frames). Its TCP to the MDC stalls while its LUNs
stay attached and working: a network partition between one client and
the MDC only. bed_link waits for the bed's answer; naming a guest not
listed fails the run. `bed_slow G on|off` (a guest listed in linkcut=
too) throttles guest G's LUNs to 40 I/Os and 4 MB per second each (QMP
block_set_io_throttle), or lifts it: a slow array on one host, its network
untouched.
lease=SECS:GRACE (with mdc=) runs xsanmdc with -l SECS -g GRACE (a short
lease, so that a silent client is evicted in seconds: the MDC logs
"lease expired ... session dropped"). A test learns what the MDC logged
with `bed_mdclog REGEX` (guest-lib.sh): the number of lines of
RESULTS/TEST/mdc.log that match the Python regular expression.

Another guest kernel (make check-debug; scripts/qemu/debug-kernel.sh):
XSAN_GUEST_KERNEL is the bzImage to boot, XSAN_MODULE the xsanfs.ko built
for it, XSAN_KDIR its build tree (read by mkinitramfs.sh),
XSAN_BED_DEADLINE_SCALE multiplies every test's deadline and the guests'
wait at a barrier (a debug kernel is several times slower) and
XSAN_BED_RESULTS replaces RESULTS.

Results: every guest's console log and the bed's own log go to
RESULTS/TEST/. The run fails if any guest's test exits non-zero, a guest
dies, the deadline passes, or any console log holds an oops, BUG, WARNING,
Call Trace, KASAN, UBSAN or lockdep report. QEMU processes are always
killed and reaped by PID.
"""

import argparse
import ctypes
import json
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CACHE = os.environ.get("XSAN_CACHE", "/var/cache/xsanfs")
GUEST_NAMES = "abc"
GUESTFWD_ADDR = "10.0.2.100"
PORTS = {"volume": 60766, "name": 60868}
# Taint bits a guest may show: O (out-of-tree module), E (unsigned module).
# Any other bit means the kernel reported something (W for a WARN, D for
# an oops, ...), whatever reached the console.
TAINT_OK = (1 << 12) | (1 << 13)
PR_SET_PDEATHSIG = 1

# What in a console log fails a test. Tests must not print these words.
BAD_LOG = re.compile(
    r"Oops|\bBUG[: ]|WARNING:|Call Trace|KASAN|UBSAN|lockdep|"
    r"possible (circular|recursive) locking|Kernel panic|"
    r"general protection fault|kernel BUG at|blocked for more than")
# Boot banners of a debug kernel (make check-debug) that BAD_LOG would match.
BENIGN_LOG = re.compile(r"RCU lockdep checking is enabled\.$")


def log(msg):
    print(f"bed: {msg}", file=sys.stderr, flush=True)


def parse_size(s):
    m = re.fullmatch(r"(\d+)([KMGT]?)", s)
    if not m:
        raise ValueError(f"bad size {s!r}")
    return int(m.group(1)) * 1024 ** " KMGT".index(m.group(2) or " ")


def parse_header(path):
    """The '# bed:' line of a test -> dict of settings."""
    cfg = {"guests": "1", "luns": "", "deadline": "120", "expect": "pass",
           "memory": "1024", "smp": "1", "mdc": "", "hostprep": "",
           "hostpost": "", "killable": "", "cache": "writeback",
           "linkcut": "", "lease": ""}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# bed:"):
                for tok in line[len("# bed:"):].split():
                    k, sep, v = tok.partition("=")
                    if not sep or k not in cfg:
                        raise ValueError(f"{path}: bad bed setting {tok!r}")
                    cfg[k] = v
    guests = int(cfg["guests"])
    if not 1 <= guests <= len(GUEST_NAMES):
        raise ValueError(f"{path}: guests must be 1 to {len(GUEST_NAMES)}")
    luns = []
    spare = set()
    for spec in filter(None, cfg["luns"].split(",")):
        name, _, rest = spec.partition(":")
        size, _, flag = rest.partition(":")
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", name):
            raise ValueError(f"{path}: bad LUN name {name!r}")
        if flag not in ("", "spare"):
            raise ValueError(f"{path}: bad LUN flag {flag!r} (only spare)")
        if flag:
            spare.add(name)
        luns.append((name, parse_size(size or "64M")))
    if cfg["expect"] not in ("pass", "fail-log", "fail-deadline"):
        raise ValueError(f"{path}: bad expect={cfg['expect']}")
    if cfg["mdc"] and not (re.fullmatch(r"[A-Za-z0-9_-]{1,64}", cfg["mdc"])
                           and len(luns) > len(spare)):
        raise ValueError(f"{path}: mdc= needs a volume name and luns= "
                         f"(not all spare)")
    hostprep = [w for w in cfg["hostprep"].split(",") if w]
    if hostprep and not cfg["mdc"]:
        raise ValueError(f"{path}: hostprep= needs mdc=")
    if hostprep and (os.path.isabs(hostprep[0]) or ".." in hostprep[0].split("/")):
        raise ValueError(f"{path}: hostprep= command must be inside the tree")
    hostpost = [w for w in cfg["hostpost"].split(",") if w]
    if hostpost and (os.path.isabs(hostpost[0]) or ".." in hostpost[0].split("/")):
        raise ValueError(f"{path}: hostpost= command must be inside the tree")
    # the LUN images' host cache mode; XSAN_BED_CACHE overrides (benchmarks)
    cache = os.environ.get("XSAN_BED_CACHE") or cfg["cache"]
    if cache not in ("writeback", "none"):
        raise ValueError(f"{path}: cache= must be writeback or none")
    killable = set(filter(None, cfg["killable"].split(",")))
    if not killable <= set(GUEST_NAMES[:guests]):
        raise ValueError(f"{path}: killable= names a guest that is not there")
    linkcut = set(filter(None, cfg["linkcut"].split(",")))
    if not linkcut <= set(GUEST_NAMES[:guests]):
        raise ValueError(f"{path}: linkcut= names a guest that is not there")
    lease = []
    if cfg["lease"]:
        m = re.fullmatch(r"(\d+):(\d+)", cfg["lease"])
        if not m or not cfg["mdc"] or int(m.group(1)) < 1:
            raise ValueError(f"{path}: lease= is SECS:GRACE (SECS >= 1), "
                             f"with mdc=")
        lease = ["-l", m.group(1), "-g", m.group(2)]
    return {"guests": guests, "luns": luns, "spare": spare,
            "deadline": int(cfg["deadline"]),
            "expect": cfg["expect"], "memory": int(cfg["memory"]),
            "smp": int(cfg["smp"]), "mdc": cfg["mdc"],
            "hostprep": hostprep, "hostpost": hostpost,
            "killable": killable, "cache": cache,
            "linkcut": linkcut, "lease": lease}


def qemu_child_setup():
    """In the QEMU child: die with the bed, even if the bed is SIGKILLed."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def guest_kernel():
    """The bzImage the guests boot: XSAN_GUEST_KERNEL, else the cached
    Debian kernel of XSAN_GUEST_KVER or of the module's build directory."""
    kernel = os.environ.get("XSAN_GUEST_KERNEL")
    if kernel:
        return kernel
    kver = os.environ.get("XSAN_GUEST_KVER") or subprocess.run(
        [os.path.join(TOP, "scripts", "kver.sh")], check=True,
        stdout=subprocess.PIPE, text=True).stdout.strip()
    return f"{CACHE}/guest-kernel/{kver}/root/boot/vmlinuz-{kver}"


def module_path():
    return os.environ.get("XSAN_MODULE") or os.path.join(TOP, "xsanfs.ko")


def bzimage_release(path):
    """The release a bzImage names in its setup header (the first word of
    its kernel_version string), or None if it has none."""
    with open(path, "rb") as f:
        data = f.read(1 << 16)
    if len(data) < 0x210 or data[0x202:0x206] != b"HdrS":
        return None
    off = int.from_bytes(data[0x20e:0x210], "little") + 0x200
    end = data.find(b"\0", off)
    if off >= len(data) or end <= off:
        return None
    words = data[off:end].decode(errors="replace").split()
    return words[0] if words else None


def module_release(path):
    """The kernel release a module was built for (its vermagic's first
    word), or None if it names none."""
    with open(path, "rb") as f:
        data = f.read()
    i = data.find(b"vermagic=")
    if i < 0:
        return None
    end = data.find(b"\0", i)
    words = data[i + 9:end if end >= 0 else len(data)].decode(
        errors="replace").split()
    return words[0] if words else None


def kernel_mismatch(ko, kernel):
    """One sentence if @ko was built for another kernel than @kernel, the
    bzImage the guests boot, else None (also when either says nothing)."""
    m, k = module_release(ko), bzimage_release(kernel)
    if m and k and m != k:
        return (f"{ko} was built for kernel {m} but the guests boot {k} "
                f"({kernel}): build the module against {k}'s headers, or "
                f"boot the kernel it was built for (XSAN_GUEST_KVER={m})")
    return None


def make_run_cpio(stage, out, test, extra=()):
    """The per-run archive: module, tools, test script, @extra (src, dst)."""
    os.makedirs(f"{stage}/opt/xsanfs", exist_ok=True)
    os.makedirs(f"{stage}/usr/sbin", exist_ok=True)
    os.makedirs(f"{stage}/bed", exist_ok=True)
    ko = module_path()
    if not os.path.exists(ko):
        raise FileNotFoundError(f"{ko} is not built (run make)")
    shutil.copy(ko, f"{stage}/opt/xsanfs/xsanfs.ko")
    bindir = os.path.join(TOP, "tools", "bin")
    if os.path.isdir(bindir):
        for name in sorted(os.listdir(bindir)):
            src = os.path.join(bindir, name)
            if os.path.isfile(src) and os.access(src, os.X_OK) \
                    and not name.startswith("."):
                shutil.copy(src, f"{stage}/usr/sbin/{name}")
    # the guests' helper programs (tests/qemu/helpers), built fresh
    helpers = os.path.join(TOP, "tests", "qemu", "helpers")
    subprocess.run(["make", "-s", "-C", helpers], check=True,
                   stdout=subprocess.DEVNULL)
    os.makedirs(f"{stage}/usr/bin", exist_ok=True)
    hbuild = os.path.join(helpers, "build")
    for name in sorted(os.listdir(hbuild)):
        shutil.copy(os.path.join(hbuild, name), f"{stage}/usr/bin/{name}")
    # shell functions the tests share (tests/qemu/lib/*.sh -> /bed/)
    libdir = os.path.join(TOP, "tests", "qemu", "lib")
    for name in sorted(os.listdir(libdir)):
        if name.endswith(".sh"):
            shutil.copy(os.path.join(libdir, name), f"{stage}/bed/{name}")
    shutil.copy(test, f"{stage}/bed/test.sh")
    for src, dst in extra:
        os.makedirs(os.path.dirname(f"{stage}{dst}"), exist_ok=True)
        shutil.copy(src, f"{stage}{dst}")
    files = subprocess.run(["find", ".", "-mindepth", "1"], cwd=stage,
                           check=True, capture_output=True, text=True).stdout
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=stage,
                       input="\n".join(sorted(files.split())).encode(),
                       stdout=f, check=True)


class Guest:
    def __init__(self, index, rundir):
        self.index = index
        self.name = GUEST_NAMES[index]
        self.console = os.path.join(rundir, f"{self.name}.console.log")
        self.qemu_log = os.path.join(rundir, f"{self.name}.qemu.log")
        self.sock_path = None
        self.qmp_path = None    # QMP socket (linkcut=)
        self.proc = None
        self.conn = None
        self.buf = b""
        self.rc = None          # exit status the test reported
        self.hello = False      # /init came up and reached the channel
        self.taint = None       # /proc/sys/kernel/tainted at the end
        self.ended = False      # QEMU process is gone
        self.barrier = None     # barrier this guest waits at
        self.getting = []       # keys it waits for
        self.killed = False     # bed_kill ended it (killable=)


class Bed:
    def __init__(self, test, cfg, results, ports, keep_luns=False):
        self.test = test
        self.cfg = cfg
        self.name = os.path.splitext(os.path.basename(test))[0]
        self.rundir = os.path.join(results, self.name)
        self.ports = ports
        self.keep_luns = keep_luns
        self.kv = {}
        self.guests = []
        self.reasons = []
        self.tmp = None
        self.mdc = None         # the xsanmdc Popen, with mdc=
        self.mdc_env = {}
        self.mdc_log = None
        self.extra = []         # (host file, guest path) for the archive
        self.sel = selectors.DefaultSelector()

    def setup_mdc(self):
        """mdc=VOLUME: label and mkfs the LUN images, start xsanmdc."""
        vol = self.cfg["mdc"]
        d = os.path.join(self.tmp, "mdc")
        cfgdir, state = os.path.join(d, "config"), os.path.join(d, "state")
        os.makedirs(cfgdir)
        os.makedirs(state)
        bindir = os.path.join(TOP, "tools", "bin")
        # LUNs flagged spare are attached to the guests but stay blank.
        sizes = dict(self.cfg["luns"])
        vluns = [(i, lname, path) for i, lname, path in self.luns
                 if lname not in self.cfg["spare"]]
        # The partition leaves the first and last MiB; keep 4 MiB spare.
        disks = "".join(
            f'        <disk index="{i}" diskLabel="{lname}" diskType="t{i}"/>\n'
            for i, (_, lname, _) in enumerate(vluns))
        types = "".join(
            f'      <diskType typeName="t{i}" sectors="{(sizes[lname] - (4 << 20)) // 512}" sectorSize="512"/>\n'
            for i, (_, lname, _) in enumerate(vluns))
        with open(os.path.join(cfgdir, f"{vol}.cfgx"), "w") as f:
            f.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<configDoc xmlns="http://www.quantum.com/snfs" version="1.0">
  <config configVersion="0" name="{vol}">
    <globals><fsBlockSize>4096</fsBlockSize></globals>
    <diskTypes>
{types}    </diskTypes>
    <stripeGroups>
      <stripeGroup index="0" name="Data" stripeBreadth="262144" metadata="true" journal="true" userdata="true">
{disks}      </stripeGroup>
    </stripeGroups>
  </config>
</configDoc>
""")
        secret = os.path.join(cfgdir, f"{vol}.auth_secret")
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, os.urandom(24).hex().encode() + b"\n")
        os.close(fd)
        self.extra.append((secret, f"/etc/xsanfs/{vol}.auth_secret"))
        labels = os.path.join(d, "labels")
        with open(labels, "w") as f:
            for _, lname, path in vluns:
                f.write(f"{lname} {path}\n")
        argv = [os.path.join(bindir, "mkfs.xsanfs"), "-l", labels, "-S", state]
        for _, _, path in vluns:
            argv += ["-d", path]
        argv.append(os.path.join(cfgdir, f"{vol}.cfgx"))
        out = subprocess.run(argv, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=60)
        with open(os.path.join(self.rundir, "mkfs.log"), "w") as f:
            f.write(out.stdout)
        if out.returncode:
            raise RuntimeError(f"mkfs.xsanfs failed: {out.stdout.strip()[-300:]}")
        self.mdc_log = os.path.join(self.rundir, "mdc.log")
        self.mdc_argv = [os.path.join(bindir, "xsanmdc"), "-c", cfgdir,
                         "-S", state, "-b", "127.0.0.1"]
        m = self.spawn_mdc(["-p", "0", "-n", "0"], 0)
        if m:
            self.ports = [(PORTS["volume"], int(m.group(1))),
                          (PORTS["name"], int(m.group(2)))]
            # The name service answers the volume's real port: relay
            # it too, so a mount without mdc= reaches the MDC.
            if int(m.group(1)) not in PORTS.values():
                self.ports.append((int(m.group(1)), int(m.group(1))))
            log(f"{self.name}: xsanmdc pid {self.mdc.pid} serves {vol} "
                f"on 127.0.0.1:{m.group(1)} (name service {m.group(2)})")
            self.mdc_env = {"XSAN_MDC_HOST": "127.0.0.1",
                            "XSAN_MDC_PORT": m.group(1),
                            "XSAN_NS_PORT": m.group(2),
                            "XSAN_VOLUME": vol, "XSAN_SECRET": secret,
                            "XSAN_MDC_STATE": state}
            return
        raise RuntimeError(f"xsanmdc did not start; see {self.mdc_log}")

    def spawn_mdc(self, ports, skip):
        """Start xsanmdc (appending to mdc.log past its first @skip bytes
        of earlier runs); the match of its ports line, or None."""
        with open(self.mdc_log, "ab") as logf:
            self.mdc = subprocess.Popen(
                self.mdc_argv + ports + ["-v"] + self.cfg["lease"],
                stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                preexec_fn=qemu_child_setup)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(self.mdc_log, "rb") as f:
                f.seek(skip)
                m = re.search(r"sessions port (\d+), name service port (\d+)",
                              f.read().decode("utf-8", "replace"))
            if m:
                return m
            if self.mdc.poll() is not None:
                break
            time.sleep(0.05)
        return None

    def mdc_verb(self, g, what):
        """bed_mdc kill|start|stop|cont from guest @g: SIGKILL xsanmdc,
        start it again on the same state and ports, or SIGSTOP/SIGCONT it."""
        if self.mdc is None:
            return "mdc: no xsanmdc in this bed (mdc=)"
        log(f"{self.name}: guest {g.name}: mdc {what}")
        if what == "kill":
            if self.mdc.poll() is None:
                self.mdc.kill()
                self.mdc.wait(timeout=10)
            return "mdc kill ok"
        if what in ("stop", "cont"):
            if self.mdc.poll() is not None:
                return f"mdc {what}: xsanmdc is not running"
            self.mdc.send_signal(signal.SIGSTOP if what == "stop"
                                 else signal.SIGCONT)
            return f"mdc {what} ok"
        if what == "start":
            if self.mdc.poll() is None:
                return "mdc start: xsanmdc is still running"
            port = self.mdc_env["XSAN_MDC_PORT"]
            ns = self.mdc_env["XSAN_NS_PORT"]
            skip = os.path.getsize(self.mdc_log)
            m = None
            # the old process's port may take a moment to be free
            for _ in range(20):
                m = self.spawn_mdc(["-p", port, "-n", ns], skip)
                if m:
                    break
                skip = os.path.getsize(self.mdc_log)
                time.sleep(0.5)
            if not m:
                self.reasons.append(f"guest {g.name}: bed_mdc start: "
                                    f"xsanmdc did not start again")
                return "mdc start: xsanmdc did not start again"
            log(f"{self.name}: xsanmdc pid {self.mdc.pid} started again")
            return "mdc start ok"
        return f"mdc {what}: not kill, start, stop or cont"

    def hostprep(self):
        """hostprep=: run the host command, publish its KEY VALUE lines."""
        words = self.cfg["hostprep"]
        env = self.mdc_env
        subst = {"@HOST": env["XSAN_MDC_HOST"], "@PORT": env["XSAN_MDC_PORT"],
                 "@VOLUME": env["XSAN_VOLUME"], "@SECRET": env["XSAN_SECRET"]}
        argv = [subst.get(w, w) for w in words]
        argv[0] = os.path.join(TOP, argv[0])
        rel = os.path.relpath(argv[0], os.path.join(TOP, "tests", "mdc"))
        if rel.startswith("build" + os.sep):
            subprocess.run(["make", "-s", "-C", os.path.join(TOP, "tests", "mdc"),
                            rel], check=True, timeout=600,
                           stdout=subprocess.DEVNULL)
        t0 = time.monotonic()
        try:
            out = subprocess.run(argv, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, timeout=self.cfg["deadline"],
                                 env={**os.environ, **env},
                                 preexec_fn=qemu_child_setup)
        except subprocess.TimeoutExpired as e:
            raise RuntimeError(f"hostprep {words[0]} ran past the deadline") from e
        secs = time.monotonic() - t0
        with open(os.path.join(self.rundir, "hostprep.log"), "w") as f:
            f.write(f"$ {' '.join(words)}\nexit {out.returncode} after "
                    f"{secs:.1f} s\n--- stdout\n{out.stdout}--- stderr\n"
                    f"{out.stderr}")
        if out.returncode:
            raise RuntimeError(f"hostprep {words[0]} exited {out.returncode}: "
                               f"{out.stderr.strip()[-300:]}")
        for line in out.stdout.splitlines():
            k, sep, v = line.strip().partition(" ")
            if sep and re.fullmatch(r"[A-Za-z0-9_.-]+", k):
                self.kv[k] = v
        log(f"{self.name}: hostprep {words[0]} done in {secs:.1f} s")
        # the guests' deadline starts when they do; hostprep's time counts
        self.cfg["deadline"] = max(1, self.cfg["deadline"] - int(secs))

    def hostpost(self):
        """hostpost=: check the LUN images and the MDC after the guests."""
        words = self.cfg["hostpost"]
        kvfile = os.path.join(self.rundir, "kv")
        with open(kvfile, "w") as f:
            for k, v in sorted(self.kv.items()):
                f.write(f"{k} {v}\n")
        luns = ",".join(f"{lname}={path}" for _, lname, path in self.luns)
        env = {**self.mdc_env, "XSAN_LUNS": luns, "XSAN_KV": kvfile,
               "XSAN_MDC_LOG": self.mdc_log or ""}
        subst = {"@HOST": env.get("XSAN_MDC_HOST", ""),
                 "@PORT": env.get("XSAN_MDC_PORT", ""),
                 "@VOLUME": env.get("XSAN_VOLUME", ""),
                 "@SECRET": env.get("XSAN_SECRET", ""),
                 "@LUNS": luns, "@KV": kvfile, "@MDCLOG": env["XSAN_MDC_LOG"],
                 "@STATE": env.get("XSAN_MDC_STATE", ""),
                 "@RUNDIR": self.rundir}
        argv = [subst.get(w, w) for w in words]
        argv[0] = os.path.join(TOP, argv[0])
        rel = os.path.relpath(argv[0], os.path.join(TOP, "tests", "mdc"))
        if rel.startswith("build" + os.sep):
            subprocess.run(["make", "-s", "-C", os.path.join(TOP, "tests", "mdc"),
                            rel], check=True, timeout=600,
                           stdout=subprocess.DEVNULL)
        t0 = time.monotonic()
        try:
            out = subprocess.run(argv, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, timeout=300,
                                 env={**os.environ, **env},
                                 preexec_fn=qemu_child_setup)
        except subprocess.TimeoutExpired:
            self.reasons.append(f"hostpost: {words[0]} ran past 300 s")
            return
        secs = time.monotonic() - t0
        with open(os.path.join(self.rundir, "hostpost.log"), "w") as f:
            f.write(f"$ {' '.join(words)}\nexit {out.returncode} after "
                    f"{secs:.1f} s\n--- stdout\n{out.stdout}--- stderr\n"
                    f"{out.stderr}")
        log(f"{self.name}: hostpost {words[0]} exited {out.returncode} "
            f"in {secs:.1f} s")
        # its figures (lines it starts with "figure: ") in the bed's output
        for line in out.stdout.splitlines():
            if line.startswith("figure: "):
                log(f"{self.name}: {line[8:]}")
        if out.returncode:
            last = (out.stderr.strip().splitlines() or ["(no stderr)"])[-1]
            self.reasons.append(f"hostpost: {words[0]} exited "
                                f"{out.returncode}: {last[:200]}")

    def stop_mdc(self):
        """Stop xsanmdc by its PID; it must exit 0."""
        if self.mdc is None or getattr(self, "mdc_stopped", False):
            return
        self.mdc_stopped = True
        if self.mdc.poll() is None:
            self.mdc.terminate()
            try:
                self.mdc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.mdc.kill()
                self.mdc.wait(timeout=10)
                self.reasons.append("mdc: xsanmdc did not stop within 10 s of SIGTERM")
                return
        if self.mdc.returncode != 0:
            self.reasons.append(f"mdc: xsanmdc exited {self.mdc.returncode}; "
                                f"see {self.mdc_log}")

    def prepare(self):
        shutil.rmtree(self.rundir, ignore_errors=True)
        os.makedirs(self.rundir)
        lundir = os.environ.get("XSAN_LUN_DIR", CACHE)
        os.makedirs(lundir, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix=f"xsanbed-{self.name}-", dir=lundir)
        # unix socket paths are limited to 108 bytes: keep them short
        self.sockdir = tempfile.mkdtemp(prefix="xsanbed-")
        base = subprocess.run([os.path.join(HERE, "mkinitramfs.sh")],
                              check=True, stdout=subprocess.PIPE,
                              text=True).stdout.strip()
        self.luns = []
        for i, (lname, size) in enumerate(self.cfg["luns"]):
            path = os.path.join(self.tmp, f"{lname}.img")
            with open(path, "wb") as f:
                f.truncate(size)
            self.luns.append((i, lname, path))
        if self.cfg["mdc"]:
            self.setup_mdc()
            if self.cfg["hostprep"]:
                self.hostprep()
        runcpio = os.path.join(self.tmp, "run.cpio")
        make_run_cpio(os.path.join(self.tmp, "stage"), runcpio, self.test,
                      self.extra)
        self.initrd = os.path.join(self.tmp, "initrd.img")
        with open(self.initrd, "wb") as out:
            for part in (base, runcpio):
                with open(part, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 20)
        self.kernel = guest_kernel()

    def qemu_argv(self, g):
        fwd = ",".join(
            f"guestfwd=tcp:{GUESTFWD_ADDR}:{gport}-cmd:socat -lf /dev/null STDIO TCP:127.0.0.1:{hport}"
            for gport, hport in self.ports)
        append = (f"console=ttyS0 ignore_loglevel panic=-1 oops=panic rdinit=/init "
                  f"xsanbed.guest={g.name} xsanbed.index={g.index} "
                  f"xsanbed.guests={self.cfg['guests']} "
                  f"xsanbed.luns={len(self.luns)}")
        # a slower kernel: the guests' own wait for a barrier or a value
        # (BED_WAIT, 600 s in guest-lib.sh) scales with the deadline
        scale = float(os.environ.get("XSAN_BED_DEADLINE_SCALE") or 1)
        if scale != 1:
            append += f" xsanbed.wait={round(600 * scale)}"
        argv = ["qemu-system-x86_64", "-nodefaults", "-no-reboot",
                "-machine", "q35,accel=tcg", "-cpu", "max",
                "-smp", str(self.cfg["smp"]), "-m", str(self.cfg["memory"]),
                "-display", "none", "-monitor", "none",
                "-kernel", self.kernel, "-initrd", self.initrd,
                "-append", append,
                "-chardev", f"file,id=con,path={g.console}",
                "-serial", "chardev:con",
                "-device", "virtio-serial-pci,id=vser0",
                "-chardev", f"socket,id=ctl,path={g.sock_path}",
                "-device", "virtserialport,bus=vser0.0,chardev=ctl,name=xsanbed",
                "-netdev", f"user,id=n0,restrict=on,ipv6=off,{fwd}",
                "-device", "virtio-net-pci,netdev=n0"]
        if g.qmp_path:
            argv += ["-qmp", f"unix:{g.qmp_path},server=on,wait=off"]
        if self.luns:
            argv += ["-device", "virtio-scsi-pci,id=scsi0"]
        for i, lname, path in self.luns:
            argv += ["-drive", f"file={path},format=raw,if=none,id=lun{i},"
                               f"file.locking=off,cache={self.cfg['cache']}",
                     "-device", f"scsi-hd,bus=scsi0.0,scsi-id={i},lun=0,"
                                f"drive=lun{i},serial={lname},"
                                f"wwn=0x5078616e0000{i:04x},share-rw=on"]
        return argv

    def start(self):
        for i in range(self.cfg["guests"]):
            g = Guest(i, self.rundir)
            g.sock_path = os.path.join(self.sockdir, f"{g.name}.ctl")
            if g.name in self.cfg["linkcut"]:
                g.qmp_path = os.path.join(self.sockdir, f"{g.name}.qmp")
            lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                lsock.bind(g.sock_path)
                lsock.listen(1)
                argv = self.qemu_argv(g)
                with open(os.path.join(self.rundir, f"{g.name}.argv"), "w") as f:
                    f.write(" ".join(argv) + "\n")
                with open(g.qemu_log, "wb") as qlog:
                    g.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                              stdout=qlog,
                                              stderr=subprocess.STDOUT,
                                              preexec_fn=qemu_child_setup)
                # From here on cleanup() reaps it, whatever happens next.
                self.guests.append(g)
                log(f"{self.name}: guest {g.name} started, pid {g.proc.pid}")
                lsock.settimeout(30)
                g.conn, _ = lsock.accept()
            except OSError as e:
                self.reasons.append(f"guest {g.name}: QEMU did not start or "
                                    f"connect its control channel ({e}); "
                                    f"see {g.qemu_log}")
                return False
            finally:
                lsock.close()
            # Bounded sends: a guest that stops reading cannot stall the bed.
            g.conn.settimeout(5)
            self.sel.register(g.conn, selectors.EVENT_READ, g)
        return True

    def send(self, g, line):
        try:
            g.conn.sendall((line + "\n").encode())
        except OSError as e:
            self.reasons.append(f"guest {g.name}: control channel stuck ({e})")
            self.reap(g, "control channel stuck")

    def settle_barriers(self):
        waiting = {}
        for g in self.guests:
            if g.barrier is not None:
                waiting.setdefault(g.barrier, []).append(g)
        for name, gs in waiting.items():
            if len(gs) == len(self.guests):
                for g in gs:
                    g.barrier = None
                    self.send(g, f"go {name}")
                continue
            gone = [g.name for g in self.guests if g.ended or g.rc is not None]
            if gone:
                for g in gs:
                    g.barrier = None
                    self.send(g, f"abort guest {','.join(gone)} ended before "
                                 f"barrier {name}")

    def handle(self, g, line):
        verb, _, rest = line.partition(" ")
        if verb == "hello":
            g.hello = True
            log(f"{self.name}: guest {g.name} is up")
        elif verb == "taint":
            try:
                g.taint = int(rest)
            except ValueError:
                g.taint = -1
        elif verb == "barrier":
            g.barrier = rest
        elif verb == "put":
            k, _, v = rest.partition(" ")
            self.kv[k] = v
        elif verb == "get":
            g.getting.append(rest)
        elif verb == "kill":
            victim = next((h for h in self.guests if h.name == rest), None)
            if victim is None or rest not in self.cfg["killable"]:
                self.reasons.append(f"guest {g.name}: bed_kill {rest!r}: not "
                                    f"a guest listed in killable=")
            elif not victim.ended:
                victim.killed = True
                self.reap(victim, f"bed_kill from guest {g.name}")
        elif verb == "link":
            self.send(g, self.set_link(g, rest))
        elif verb == "slow":
            self.send(g, self.set_slow(g, rest))
        elif verb == "mdc":
            self.send(g, self.mdc_verb(g, rest))
        elif verb == "clock":
            # the host's clock, for a guest to align its own (xsanfuzz)
            self.send(g, f"clock {time.monotonic_ns()}")
        elif verb == "append":
            name, _, text = rest.partition(" ")
            if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{0,31}", name):
                self.reasons.append(f"guest {g.name}: bed_append {name!r}: "
                                    f"not a file name")
            else:
                with open(os.path.join(self.rundir, f"up-{name}"), "a") as f:
                    f.write(text + "\n")
        elif verb == "mdclog":
            n = -1
            try:
                rx = re.compile(rest)
                with open(self.mdc_log or "/dev/null", encoding="utf-8",
                          errors="replace") as f:
                    n = sum(1 for ln in f if rx.search(ln))
            except (re.error, OSError) as e:
                self.reasons.append(f"guest {g.name}: bed_mdclog {rest!r}: {e}")
            self.send(g, f"mdclog {n}")
        elif verb == "exit":
            try:
                g.rc = int(rest)
            except ValueError:
                g.rc = 255
            log(f"{self.name}: guest {g.name} test exited {g.rc}")
        for h in self.guests:
            for k in list(h.getting):
                if k in self.kv:
                    h.getting.remove(k)
                    self.send(h, f"val {k} {self.kv[k]}")
        self.settle_barriers()

    @staticmethod
    def qmp_calls(victim, calls):
        """Run QMP commands [(cmd, args), ...] on a guest; the last reply."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(10)
                s.connect(victim.qmp_path)
                f = s.makefile("rw", encoding="utf-8")

                def qmp(cmd, **args):
                    f.write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
                    f.flush()
                    while True:     # skip events
                        reply = json.loads(f.readline() or "{}")
                        if "return" in reply or "error" in reply or not reply:
                            return reply
                json.loads(f.readline() or "{}")   # the greeting
                reply = qmp("qmp_capabilities")
                for cmd, args in calls:
                    reply = qmp(cmd, **args)
                    if "return" not in reply:
                        break
                return reply
        except (OSError, ValueError) as e:
            return {"error": str(e)}

    def qmp_verb(self, g, verb, rest, calls_for):
        """linkcut= guests: 'G off|on' -> the QMP calls calls_for(state)."""
        name, _, state = rest.partition(" ")
        victim = next((h for h in self.guests if h.name == name), None)
        if victim is None or not victim.qmp_path or state not in ("off", "on"):
            self.reasons.append(f"guest {g.name}: bed_{verb} {rest!r}: not a "
                                f"guest listed in linkcut=, or not off|on")
            return f"{verb} {name} refused"
        if victim.ended:
            return f"{verb} {name} gone"
        reply = self.qmp_calls(victim, calls_for(state))
        if "return" not in reply:
            self.reasons.append(f"guest {g.name}: bed_{verb} {rest}: QMP "
                                f"said {reply}")
            return f"{verb} {name} error"
        return f"{verb} {name} {state} ok"

    def set_link(self, g, rest):
        """linkcut=: 'G off|on' -> QMP set_link on guest G's netdev n0."""
        out = self.qmp_verb(g, "link", rest, lambda state: [
            ("set_link", {"name": "n0", "up": state == "on"})])
        if out.endswith(" ok"):
            name, _, state = rest.partition(" ")
            log(f"{self.name}: guest {name}'s network link is {state} "
                f"(asked by guest {g.name})")
        return out

    def set_slow(self, g, rest):
        """linkcut=: 'G on|off' -> throttle guest G's LUNs (or lift it)."""
        def calls(state):
            on = state == "on"
            return [("block_set_io_throttle",
                     {"device": f"lun{i}", "bps": 4000000 if on else 0,
                      "bps_rd": 0, "bps_wr": 0, "iops": 40 if on else 0,
                      "iops_rd": 0, "iops_wr": 0})
                    for i, _, _ in self.luns]
        out = self.qmp_verb(g, "slow", rest, calls)
        if out.endswith(" ok"):
            name, _, state = rest.partition(" ")
            log(f"{self.name}: guest {name}'s LUNs are "
                f"{'throttled' if state == 'on' else 'at full speed'} "
                f"(asked by guest {g.name})")
        return out

    def reap(self, g, why=None):
        """Stop one guest's QEMU by its PID and wait for it."""
        if g.proc is None:
            g.ended = True
            return
        if g.proc.poll() is None:
            if why:
                log(f"{self.name}: killing guest {g.name} (pid {g.proc.pid}): {why}")
            g.proc.kill()
        try:
            g.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            log(f"{self.name}: guest {g.name} pid {g.proc.pid} did not die")
        if not g.ended:
            g.ended = True
            if g.conn is not None:
                try:
                    self.sel.unregister(g.conn)
                except (KeyError, ValueError):
                    pass
                g.conn.close()

    def loop(self):
        deadline = time.monotonic() + self.cfg["deadline"]
        poweroff_by = {}
        while not all(g.ended for g in self.guests):
            now = time.monotonic()
            if now > deadline:
                self.reasons.append(f"deadline: {self.cfg['deadline']} s passed "
                                    f"before every guest finished")
                for g in self.guests:
                    if not g.ended:
                        self.reap(g, "deadline")
                break
            for key, _ in self.sel.select(timeout=0.2):
                g = key.data
                if g.ended:     # bed_kill reaped it in this round
                    continue
                try:
                    data = g.conn.recv(4096)
                except (BlockingIOError, socket.timeout):
                    continue
                except OSError:
                    data = b""
                if not data:
                    self.sel.unregister(g.conn)
                    continue
                g.buf += data
                while b"\n" in g.buf and not g.ended:
                    line, g.buf = g.buf.split(b"\n", 1)
                    self.handle(g, line.decode(errors="replace").strip())
            for g in self.guests:
                if g.ended:
                    continue
                if g.proc.poll() is not None:
                    self.reap(g)
                    self.settle_barriers()
                elif g.rc is not None:
                    # The test is over; the guest powers off by itself.
                    poweroff_by.setdefault(g.name, now + 30)
                    if now > poweroff_by[g.name]:
                        self.reap(g, "did not power off")

    def check(self):
        for g in self.guests:
            if g.rc is None and g.killed:
                pass
            elif g.rc is None:
                if not any(r.startswith("deadline") for r in self.reasons):
                    self.reasons.append(f"guest {g.name}: ended without "
                                        f"reporting a result (crash or panic?)")
            elif g.rc != 0:
                self.reasons.append(f"guest {g.name}: test exited {g.rc}")
            try:
                with open(g.console, encoding="utf-8", errors="replace") as f:
                    lines = f.read().splitlines()
            except FileNotFoundError:
                lines = []
            bad = [ln for ln in lines
                   if BAD_LOG.search(ln) and not BENIGN_LOG.search(ln)]
            if bad:
                self.reasons.append(f"log: guest {g.name} console shows a kernel "
                                    f"report: {bad[0].strip()[:160]}")
            elif g.taint is not None and g.taint & ~TAINT_OK:
                self.reasons.append(f"log: guest {g.name} kernel is tainted "
                                    f"{g.taint:#x} (a WARN or oops happened)")

    def cleanup(self):
        for g in self.guests:
            if not g.ended:
                self.reap(g, "cleanup")
        self.stop_mdc()
        if getattr(self, "sockdir", None):
            shutil.rmtree(self.sockdir, ignore_errors=True)
        if self.tmp is None:
            return
        if self.keep_luns:
            log(f"{self.name}: LUN images kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self):
        t0 = time.monotonic()
        try:
            self.prepare()
            if self.start():
                self.loop()
            self.check()
            if self.cfg["hostpost"] and not self.reasons:
                self.stop_mdc()
                if not self.reasons:
                    self.hostpost()
        finally:
            self.cleanup()
        secs = time.monotonic() - t0
        with open(os.path.join(self.rundir, "bed.log"), "w") as f:
            f.write(f"seconds {secs:.1f}\n")
            for r in self.reasons:
                f.write(r + "\n")
        return self.reasons, secs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("test", help="test script (bash) run inside every guest")
    ap.add_argument("--results", default=os.environ.get(
        "XSAN_BED_RESULTS") or os.path.join(TOP, "results", "qemu"))
    ap.add_argument("--mdc-port", type=int, default=PORTS["volume"],
                    help="host port the guests' 10.0.2.100:60766 reaches")
    ap.add_argument("--ns-port", type=int, default=PORTS["name"],
                    help="host port the guests' 10.0.2.100:60868 reaches")
    ap.add_argument("--keep-luns", action="store_true")
    ap.add_argument("--deadline", type=int, help="override the test's deadline")
    args = ap.parse_args()
    # A cancelled run (CI timeout, Ctrl-C) still stops its guests: exit
    # through the finally blocks; PR_SET_PDEATHSIG covers SIGKILL.
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit(130))

    name = os.path.splitext(os.path.basename(args.test))[0]
    try:
        cfg = parse_header(args.test)
    except (OSError, ValueError) as e:
        print(f"FAIL: qemu.{name} [bad test: {e}]", flush=True)
        return 1
    # a module the guest kernel would refuse ("Invalid module format"):
    # one sentence, before anything starts
    try:
        ko, kernel = module_path(), guest_kernel()
    except (OSError, subprocess.CalledProcessError):
        ko = kernel = None      # prepare() says what is missing
    if ko and kernel and os.path.exists(ko) and os.path.exists(kernel):
        why = kernel_mismatch(ko, kernel)
        if why:
            print(f"FAIL: qemu.{name} [{why}]", flush=True)
            return 1
    if args.deadline:
        cfg["deadline"] = args.deadline
    scale = float(os.environ.get("XSAN_BED_DEADLINE_SCALE") or 1)
    cfg["deadline"] = max(1, round(cfg["deadline"] * scale))
    bed = Bed(args.test, cfg, args.results,
              [(PORTS["volume"], args.mdc_port), (PORTS["name"], args.ns_port)],
              args.keep_luns)
    try:
        reasons, secs = bed.run()
    except Exception as e:  # the bed itself broke: still one verdict line
        print(f"FAIL: qemu.{name} [bed error: {e!r}]", flush=True)
        raise
    expect = cfg["expect"]
    if expect == "pass":
        ok = not reasons
    elif expect == "fail-log":
        ok = any(r.startswith("log:") for r in reasons) and \
            not any(r.startswith("deadline") for r in reasons)
    else:
        # the deadline must be what stopped a run that otherwise worked
        ok = any(r.startswith("deadline") for r in reasons) and \
            all(g.hello for g in bed.guests) and len(bed.guests) == cfg["guests"]
    for r in reasons:
        log(f"{bed.name}: {r}")
    verdict = "PASS" if ok else "FAIL"
    note = "" if expect == "pass" else f" (expected {expect}, bed reported: " \
        f"{'; '.join(reasons) or 'nothing'})"
    print(f"{verdict}: qemu.{bed.name} [{secs:.0f} s, logs in {bed.rundir}]{note}",
          flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
