#!/usr/bin/env python3
"""PtFs against native, FUSE (fuse-zip), proot and strace, side by side in one run.

Every workload runs under every system that can run it, alternating round by round, so that the
machine's drift hits all of them alike. Each run is timed from inside (bench/reference/timeit, or the
program's own clock), never including the start-up of the tool that runs it, except in the start-up
workload. Prints a markdown table per workload (median, min, max, ratio of medians to native) and
writes the same to bench/results/.
"""
import argparse
import datetime
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PTFS = os.path.join(ROOT, "ptfs")


def sh(command, **kw):
    return subprocess.run(command, shell=isinstance(command, str), check=True, **kw)


class Lab:
    """The data (on tmpfs), the helper programs, and the FUSE mounts of one run."""

    def __init__(self, big_mib, dirs, files):
        self.base = tempfile.mkdtemp(prefix="ptfs-bench-", dir="/dev/shm")
        self.bin = os.path.join(self.base, "bin")
        self.data = os.path.join(self.base, "data")
        self.times = os.path.join(self.base, "times")
        self.fuse = {}
        os.makedirs(self.bin)
        os.makedirs(self.data)
        for program in ("reftracer", "timeit", "loops"):
            sh(["gcc", "-O2", "-o", os.path.join(self.bin, program), os.path.join(ROOT, "bench", "reference", program + ".c")])
        self.make_big(big_mib)
        self.make_tree(dirs, files)
        self.make_python_package()
        self.make_c_sources()
        self.make_git_repository()
        self.zip("big-stored.zip", ["big"], zipfile.ZIP_STORED)
        self.zip("big-deflated.zip", ["big"], zipfile.ZIP_DEFLATED)
        self.zip("tree.zip", ["tree"], zipfile.ZIP_DEFLATED)
        self.zip("pkg.zip", ["pkg"], zipfile.ZIP_DEFLATED)

    def path(self, *parts):
        return os.path.join(self.base, *parts)

    def make_big(self, mib):
        # Text-like bytes (deflate about 3:1), not zeros: compressors and caches must do real work.
        words = [b"alpha ", b"bravo ", b"charlie ", b"delta ", b"echo ", b"foxtrot ", b"golf\n", b"hotel ", b"india "]
        block = bytearray()
        seed = 12345
        while len(block) < 1 << 20:
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            block += words[seed % len(words)] + str(seed % 1000).encode()
        with open(os.path.join(self.data, "big"), "wb") as f:
            for i in range(mib):
                f.write(bytes(block[: 1 << 20]))

    def make_tree(self, dirs, files):
        for d in range(dirs):
            folder = os.path.join(self.data, "tree", f"d{d:03}")
            os.makedirs(folder)
            for i in range(files):
                with open(os.path.join(folder, f"f{i:03}.txt"), "wb") as f:
                    f.write(b"x" * (64 + (d * 131 + i * 17) % 4032))

    def make_python_package(self):
        for m in range(50):
            folder = os.path.join(self.data, "pkg", "benchpkg", f"sub{m:02}")
            os.makedirs(folder)
            with open(os.path.join(folder, "__init__.py"), "w") as f:
                f.write("".join(f"def f{i}(x):\n    return x * {i}\n" for i in range(40)))
        with open(os.path.join(self.data, "pkg", "benchpkg", "__init__.py"), "w") as f:
            f.write("".join(f"from . import sub{m:02}\n" for m in range(50)))

    def make_c_sources(self):
        folder = os.path.join(self.data, "csrc")
        os.makedirs(folder)
        with open(os.path.join(folder, "common.h"), "w") as f:
            f.write("#include <stdio.h>\n#include <string.h>\n#include <stdlib.h>\n")
        for i in range(200):
            with open(os.path.join(folder, f"c{i:03}.c"), "w") as f:
                f.write(f'#include "common.h"\nint f{i}(const char *s) {{ return (int)strlen(s) * {i}; }}\n')

    def make_git_repository(self):
        if not shutil.which("git"):
            return
        repo = os.path.join(self.data, "repo")
        shutil.copytree(os.path.join(self.data, "tree"), os.path.join(repo, "tree"))
        env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@b")
        sh(["git", "init", "-q", repo], env=env)
        sh(["git", "-C", repo, "add", "-A"], env=env)
        sh(["git", "-C", repo, "commit", "-qm", "tree"], env=env)

    def zip(self, name, members, method):
        with zipfile.ZipFile(self.path(name), "w", method) as z:
            for member in members:
                root = os.path.join(self.data, member)
                if os.path.isfile(root):
                    z.write(root, member)
                    continue
                for folder, _, names in os.walk(root):
                    for n in sorted(names):
                        full = os.path.join(folder, n)
                        z.write(full, os.path.relpath(full, self.data))

    def fuse_zip(self, archive):
        """fuse-zip's read-only mount of an archive (once per run), or None without FUSE."""
        if archive in self.fuse:
            return self.fuse[archive]
        point = None
        if shutil.which("fuse-zip") and os.path.exists("/dev/fuse"):
            point = self.path("fuse-" + archive)
            os.makedirs(point)
            if subprocess.run(["fuse-zip", "-r", self.path(archive), point]).returncode != 0:
                point = None
        self.fuse[archive] = point
        return point

    def close(self):
        for point in self.fuse.values():
            if point:
                subprocess.run(["fusermount", "-u", point])
        shutil.rmtree(self.base, ignore_errors=True)


class System:
    """A way to run a workload: natively, under ptfs with some mount, under a peer tool."""

    def __init__(self, name, wrap, where, prepare=None, before=None):
        self.name = name
        self.wrap = wrap          # shell command -> argv that runs it under this system
        self.where = where        # the directory in which the workload's data appears
        self.prepare = prepare    # shell command run first, under the system but untimed
        self.before = before      # called before each timed run (cache expiry)


def systems(lab, archive, member, include):
    """The systems for a workload whose data is <member> in the data dir, or inside <archive>."""
    data = lab.data
    out = []

    def ptfs(mount_args, point):
        return lambda cmd: [PTFS, "mount", *mount_args, "--at", point, "--", "sh", "-c", cmd]

    out.append(System("native (tmpfs)", lambda cmd: ["sh", "-c", cmd], data))
    if "memory" in include:
        point = lab.path("mem")
        out.append(System("ptfs memory", ptfs(["--provider", "memory"], point), point, prepare=f"cp -r {data}/{member} {point}/"))
    if "zip" in include:
        for label, a in archive:
            out.append(System(f"ptfs zip ({label})", ptfs(["--provider", "zip", "--source", lab.path(a)], lab.path("zip")), lab.path("zip")))
    if "fuse" in include:
        for label, a in archive:
            point = lab.fuse_zip(a)
            if point and "expired" in include:
                # fuse-zip's kernel attribute and entry caches last 1 s: wait them out, then run.
                out.append(System(f"fuse-zip ({label}, caches expired)", lambda cmd: ["sh", "-c", cmd], point, before=lambda: time.sleep(1.2)))
            if point:
                out.append(System(f"fuse-zip ({label}, warm)", lambda cmd: ["sh", "-c", cmd], point))
    if "passthrough" in include:
        out.append(System("ptfs passthrough", ptfs(["--provider", "passthrough", "--source", data], lab.path("pass")), lab.path("pass")))
    if "proot" in include and shutil.which("proot"):
        # Bound onto itself: proot 5.1 loses subdirectories of a directory bound to a path that does not exist.
        out.append(System("proot -b", lambda cmd: ["proot", "-b", data, "sh", "-c", cmd], data))
    if "strace" in include and shutil.which("strace"):
        out.append(System("strace --seccomp-bpf", lambda cmd: ["strace", "-f", "--seccomp-bpf", "-e", "trace=file", "-o", "/dev/null", "sh", "-c", cmd], data))
    return out


def timed(lab, system, workload):
    """One run of the workload under the system; its time in seconds, from inside."""
    if os.path.exists(lab.times):
        os.remove(lab.times)
    command = workload.replace("{D}", system.where).replace("{T}", f"{lab.bin}/timeit {lab.times}").replace("{B}", lab.bin)
    if system.prepare:
        command = system.prepare + " && " + command
    if system.before:
        system.before()
    result = subprocess.run(system.wrap(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=lab.base)
    if result.returncode != 0:
        raise RuntimeError(f"{system.name}: {command} failed ({result.returncode}): {result.stderr[-500:]}")
    with open(lab.times) as f:
        return sum(int(line) for line in f) / 1e9


def table(title, rows, unit="s", base="native"):
    """Rows of (name, samples); ratios are to the first row, which is named by base in the header."""
    first = statistics.median(rows[0][1])
    lines = [f"### {title}", "", f"| system | median | min | max | ratio to {base} |", "|---|---:|---:|---:|---:|"]
    for name, samples in rows:
        median = statistics.median(samples)
        ratio = median / first if first > 0 else float("nan")
        lines.append(f"| {name} | {fmt(median, unit)} | {fmt(min(samples), unit)} | {fmt(max(samples), unit)} | {ratio:.2f}x |")
    return "\n".join(lines) + "\n"


def fmt(value, unit):
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.2f} s"
    return f"{value:.0f} {unit}" if unit == "ns" else f"{value:.1f} {unit}"


# A peer whose first run takes longer than this runs once: its figure is context, and repeating proot's 40 s
# of gcc would take the run past 10 minutes. Native and ptfs always run every round.
SLOW_PEER_SECONDS = 5


def compare(lab, title, workload, rounds, archive, member, include):
    chosen = systems(lab, archive, member, include)
    samples = {s.name: [] for s in chosen}
    for round in range(rounds):
        for system in chosen:
            peer = not system.name.startswith(("native", "ptfs"))
            if round > 0 and peer and samples[system.name][0] > SLOW_PEER_SECONDS:
                continue
            samples[system.name].append(timed(lab, system, workload))
    rows = [(name if len(runs) == rounds else f"{name} (1 run)", runs) for name, runs in samples.items()]
    return table(title, rows)


def self_timed(lab, title, rows, rounds, unit="µs", base="native"):
    """Rows of (name, argv) whose program prints nanoseconds per call; alternating rounds."""
    samples = {name: [] for name, _ in rows}
    for _ in range(rounds):
        for name, argv in rows:
            out = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=lab.base).stdout.split()
            samples[name].append(float(out[-1]) / (1000 if unit == "µs" else 1))
    return table(title, list(samples.items()), unit=unit, base=base)


def whole_commands(lab, title, rows, rounds):
    samples = {name: [] for name, _ in rows}
    for _ in range(rounds):
        for name, argv in rows:
            start = time.perf_counter()
            subprocess.run(argv, check=True, cwd=lab.base, stdout=subprocess.DEVNULL)
            samples[name].append(time.perf_counter() - start)
    return table(title, list(samples.items()))


class Report:
    """The markdown report, written out after every section so that a cut-short run keeps what it measured."""

    def __init__(self, path):
        self.path = path
        self.parts = []

    def add(self, text):
        self.parts.append(text)
        print(text, flush=True)
        with open(self.path, "w") as f:
            f.write("\n".join(self.parts))


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    return (f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC\n- kernel: {platform.release()}; "
            f"{os.cpu_count()} CPUs ({cpu}); {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB\n"
            f"- PTI: {open('/sys/devices/system/cpu/vulnerabilities/meltdown').read().strip()}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--big-mib", type=int, default=256)
    parser.add_argument("--only", default="", help="run only workloads whose title contains this")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "run.md"))
    args = parser.parse_args()

    sh([PTFS, "--version"], stdout=subprocess.DEVNULL)  # builds ptfs in Release before anything is timed
    # A timeout's or ^C's signal still unmounts the FUSE file systems and removes the data.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    lab = Lab(args.big_mib, dirs=100, files=200)
    try:
        run_all(lab, args)
    finally:
        lab.close()
    print(f"written to {args.out}", file=sys.stderr)


def run_all(lab, args):
    r = args.rounds
    big_systems = ["memory", "zip", "fuse", "passthrough", "proot", "strace"]
    tree_systems = ["memory", "zip", "fuse", "expired", "passthrough", "proot", "strace"]
    big = [("stored", "big-stored.zip"), ("deflated", "big-deflated.zip")]
    tree = [("deflated", "tree.zip")]
    sections = [
        (f"1. cat {args.big_mib} MiB > /dev/null", lambda t: compare(lab, t, "{T} cat {D}/big > /dev/null", r, big, "big", big_systems)),
        (f"2a. sha256sum {args.big_mib} MiB", lambda t: compare(lab, t, "{T} sha256sum {D}/big", r, big, "big", big_systems)),
        (f"2b. dd bs=4k {args.big_mib} MiB", lambda t: compare(lab, t, "{T} dd if={D}/big of=/dev/null bs=4k status=none", r, big, "big", big_systems)),
        (f"2c. dd bs=1M {args.big_mib} MiB", lambda t: compare(lab, t, "{T} dd if={D}/big of=/dev/null bs=1M status=none", r, big, "big", big_systems)),
        ("3a. find -type f | wc -l (20,000 files)", lambda t: compare(lab, t, "{T} sh -c 'find {D}/tree -type f | wc -l'", r, tree, "tree", tree_systems)),
        ("3b. ls -lR > /dev/null (20,000 files)", lambda t: compare(lab, t, "{T} ls -lR {D}/tree", r, tree, "tree", tree_systems)),
        ("3c. du -s (20,000 files)", lambda t: compare(lab, t, "{T} du -s {D}/tree", r, tree, "tree", tree_systems)),
        ("4a. tar cf - tree | wc -c", lambda t: compare(lab, t, "{T} sh -c 'tar cf - -C {D} tree | wc -c'", r, tree, "tree", ["memory", "zip", "passthrough", "proot", "strace"])),
        ("4b. python3 imports a package tree (50 modules)", lambda t: compare(lab, t, "cd {D}/pkg && {T} python3 -B -c 'import benchpkg'", r, [("deflated", "pkg.zip")], "pkg", ["zip", "passthrough", "proot", "strace"])),
        ("4c. gcc -c of 200 small C files", lambda t: compare(lab, t, "cd {D}/csrc && {T} sh -c 'for f in c*.c; do gcc -c -o /dev/null $f; done'", r, [], "csrc", ["passthrough", "proot", "strace"])),
        ("4d. git status", lambda t: compare(lab, t, "cd {D}/repo && {T} git status --porcelain", r, [], "repo", ["passthrough", "proot", "strace"])),
        ("6b. 500 fork+exec of /bin/true", lambda t: compare(lab, t, "{T} sh -c 'i=0; while [ $i -lt 500 ]; do /bin/true; i=$((i+1)); done'", r, [], "tree", ["memory"])),
    ]
    report = Report(args.out)
    report.add("# PtFs against native, FUSE, proot and strace\n\nMeasured by `bench/run` (medians of "
               f"{r} alternating rounds; times from inside the traced program).\n\n" + machine())
    for title, run in sections:
        if args.only and args.only not in title:
            continue
        print(f"running {title}", file=sys.stderr, flush=True)
        report.add(run(title))

    if not args.only or "5." in args.only or "7." in args.only or "6a" in args.only:
        b = lab.bin
        mem = lab.path("mem")
        under = lambda cmd: [PTFS, "mount", "--provider", "memory", "--at", mem, "--", "sh", "-c", cmd]
        rows = [
            ("getppid, native", [f"{b}/reftracer", "native", "getppid", "1000000"]),
            ("getppid, under ptfs (not trapped)", under(f"{b}/reftracer native getppid 1000000")),
            ("getppid under an allow-everything seccomp filter (any seccomp tool's floor)", [f"{b}/reftracer", "filtered", "getppid", "1000000"]),
        ]
        report.add(self_timed(lab, "5a. Untouched syscalls: getppid (ns per call)", rows, r, unit="ns"))
        rows = [
            ("1-byte read of /dev/zero, native", [f"{b}/reftracer", "native", "read", "1000000", "1"]),
            ("1-byte read of /dev/zero, under ptfs (not trapped)", under(f"{b}/reftracer native read 1000000 1")),
            ("1-byte read under an allow-everything seccomp filter", [f"{b}/reftracer", "filtered", "read", "1000000", "1"]),
        ]
        report.add(self_timed(lab, "5b. Untouched syscalls: read of a real fd (ns per call)", rows, r, unit="ns"))
        # PtFs's tracer polls waitpid before it sleeps; each figure is set against the C reference that waits
        # the same way, and the sleeping pair shows what the poll is worth on this machine.
        lseek = f"head -c 8192 /dev/zero > {mem}/f && {b}/loops lseek {mem}/f 20000"
        pread = f"head -c 8192 /dev/zero > {mem}/f && {b}/loops pread {mem}/f 20000 4096"
        sleeping = lambda cmd: ["env", "PTFS_POLL_US=0", *under(cmd)]
        rows = [
            ("C reference: one stop, emulated getppid", [f"{b}/reftracer", "poll", "getppid", "20000"]),
            ("ptfs: lseek of a virtual fd (one stop, served)", under(lseek)),
            ("C reference, sleeping tracer", [f"{b}/reftracer", "emulate", "getppid", "20000"]),
            ("ptfs, sleeping tracer (PTFS_POLL_US=0)", sleeping(lseek)),
        ]
        report.add(self_timed(lab, "7a. Per-stop cost: an emulated syscall against the C reference tracer (µs per call)", rows, r, base="C reference"))
        rows = [
            ("C reference: 4 KiB read, one stop + process_vm_writev", [f"{b}/reftracer", "poll", "read", "20000", "4096"]),
            ("ptfs: 4 KiB pread of a virtual file", under(pread)),
            ("C reference, sleeping tracer", [f"{b}/reftracer", "emulate", "read", "20000", "4096"]),
            ("ptfs, sleeping tracer (PTFS_POLL_US=0)", sleeping(pread)),
        ]
        report.add(self_timed(lab, "7b. Per-stop cost: a served 4 KiB read against the C reference tracer (µs per call)", rows, r, base="C reference"))
        rows = [
            ("true", ["true"]),
            ("ptfs mount --provider memory -- true", [PTFS, "mount", "--provider", "memory", "--at", mem, "--", "true"]),
        ] + ([("proot true", ["proot", "true"])] if shutil.which("proot") else [])
        report.add(whole_commands(lab, "6a. Start-up (the whole command)", rows, r))


if __name__ == "__main__":
    main()
