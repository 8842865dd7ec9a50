#!/usr/bin/env python3
"""A seeded random sequence of file operations in the current directory, one result line per step, then
the final tree. Run it on a real directory and inside a PtFs mount: the outputs must be equal.
usage: random_ops.py SEED STEPS"""
import errno, hashlib, os, random, stat, sys

rng = random.Random(int(sys.argv[1]))
steps = int(sys.argv[2])
names = ["a", "b", "c", "d"]


def path():
    return "/".join(rng.choice(names) for _ in range(rng.randint(1, 3)))


def attempt(op, *args):
    shown = ", ".join(f"{len(a)} bytes" if isinstance(a, bytes) else repr(a) for a in args)
    try:
        result = op(*args)
        outcome = "ok" if result is None else repr(result)
    except OSError as e:
        outcome = errno.errorcode.get(e.errno, str(e.errno))
    return f"{getattr(op, '__name__', 'op')}({shown}) = {outcome}"


def write(p, data, flags):
    fd = os.open(p, flags, 0o644)
    try:
        return os.write(fd, data)
    finally:
        os.close(fd)


def read(p, offset, size):
    fd = os.open(p, os.O_RDONLY)
    try:
        os.lseek(fd, offset, os.SEEK_SET)
        return hashlib.sha1(os.read(fd, size)).hexdigest()[:12]
    finally:
        os.close(fd)


def describe(p):
    s = os.lstat(p)
    kind = "d" if stat.S_ISDIR(s.st_mode) else "l" if stat.S_ISLNK(s.st_mode) else "f"
    size = s.st_size if kind == "f" else 0
    return (kind, oct(stat.S_IMODE(s.st_mode)), size, s.st_nlink if kind == "f" else 0)


operations = [
    lambda: attempt(os.mkdir, path()),
    lambda: attempt(os.makedirs, path(), 0o755, True),
    lambda: attempt(write, path(), rng.randbytes(rng.randint(0, 9000)), os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
    lambda: attempt(write, path(), rng.randbytes(rng.randint(1, 300)), os.O_WRONLY | os.O_APPEND),
    lambda: attempt(write, path(), b"x", os.O_WRONLY | os.O_CREAT | os.O_EXCL),
    lambda: attempt(read, path(), rng.randint(0, 5000), rng.randint(0, 5000)),
    lambda: attempt(os.rename, path(), path()),
    lambda: attempt(os.replace, path(), path()),
    lambda: attempt(os.unlink, path()),
    lambda: attempt(os.rmdir, path()),
    lambda: attempt(os.symlink, rng.choice(names), path()),
    lambda: attempt(os.link, path(), path()),
    lambda: attempt(os.truncate, path(), rng.randint(0, 12000)),
    lambda: attempt(os.chmod, path(), rng.choice([0o600, 0o644, 0o755, 0o700])),
    lambda: attempt(describe, path()),
    lambda: attempt(lambda p: sorted(os.listdir(p)), path()),
    lambda: attempt(os.readlink, path()),
    lambda: attempt(lambda p: os.path.exists(p), path()),
]

for step in range(steps):
    print("step", step, rng.choice(operations)())

for root, dirs, files in os.walk(".", followlinks=False):
    dirs.sort()
    for name in sorted(dirs + files):
        p = os.path.join(root, name)
        kind, mode, size, links = describe(p)
        content = read(p, 0, size) if kind == "f" and os.access(p, os.R_OK) else os.readlink(p) if kind == "l" else ""
        print("tree", p, kind, mode, size, links, content)
