"""Builds a test tree and archives of it, the way users make them (zipfile and tarfile).

usage: make_archives.py DIR
  DIR/src          the tree: modes, symlinks (to files, to directories, dangling), a hard link, an empty
                   directory, odd and long names, a big deflatable file and a stored binary one; every
                   time set to whole even seconds so that zip's 2-second DOS times hold it exactly
  DIR/data.zip     zip with Unix modes and symlinks (create_system 3), deflated except *.bin (stored)
  DIR/data.tar     GNU tar (long names as GNU headers); DIR/data.tar.gz: pax, gzip-compressed
"""
import os, sys, stat, random, time, zipfile, tarfile

root = sys.argv[1]
src = os.path.join(root, 'src')
rng = random.Random(7)

def write(path, data, mode=0o644):
    full = os.path.join(src, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, 'wb') as f:
        f.write(data)
    os.chmod(full, mode)

write('docs/readme.txt', b'hello from the archive\n')
write('docs/deep/nums', ''.join(f'{i}\n' for i in range(120000)).encode())
write('bin/run.sh', b'#!/bin/sh\necho run\n', 0o755)
write('private.txt', b'secret\n', 0o600)
write('name with spaces.txt', b'spaces\n')
write('\u00fcn\u00efc\u00f6d\u00e9-\u540d\u524d.txt', 'unicode\n'.encode())
write("odd$chars&;[]'.txt", b'odd\n')
write('random.bin', bytes(rng.getrandbits(8) for _ in range(300000)))
write('a/' + 'long-directory-name-' * 6 + '/' + 'f' * 200 + '.txt', b'long name\n')
write('empty.txt', b'')
os.makedirs(os.path.join(src, 'empty'), mode=0o700)
os.chmod(os.path.join(src, 'empty'), 0o700)
os.symlink('docs/readme.txt', os.path.join(src, 'link'))
os.symlink('docs', os.path.join(src, 'dirlink'))
os.symlink('nowhere', os.path.join(src, 'dangling'))
os.link(os.path.join(src, 'docs/readme.txt'), os.path.join(src, 'docs/hard'))

stamp = 1600000000
for dirpath, dirnames, filenames in sorted(os.walk(src, topdown=False)):
    for name in sorted(filenames + dirnames) + ['']:
        path = os.path.join(dirpath, name) if name else dirpath
        stamp += 2
        os.utime(path, (stamp, stamp), follow_symlinks=False)

def members():
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        for name in sorted(dirnames) + sorted(filenames):
            full = os.path.join(dirpath, name)
            yield full, os.path.relpath(full, src)

with zipfile.ZipFile(os.path.join(root, 'data.zip'), 'w') as z:
    for full, rel in members():
        st = os.lstat(full)
        info = zipfile.ZipInfo(rel + ('/' if stat.S_ISDIR(st.st_mode) and not os.path.islink(full) else ''),
                               time.localtime(st.st_mtime)[:6])
        info.create_system = 3
        info.external_attr = st.st_mode << 16
        if os.path.islink(full):
            z.writestr(info, os.readlink(full))
        elif stat.S_ISDIR(st.st_mode):
            info.external_attr |= 0x10
            z.writestr(info, b'')
        else:
            info.compress_type = zipfile.ZIP_STORED if rel.endswith('.bin') else zipfile.ZIP_DEFLATED
            with open(full, 'rb') as f:
                z.writestr(info, f.read())

with tarfile.open(os.path.join(root, 'data.tar'), 'w', format=tarfile.GNU_FORMAT) as t:
    t.add(src, arcname='.')
with tarfile.open(os.path.join(root, 'data.tar.gz'), 'w:gz', format=tarfile.PAX_FORMAT) as t:
    t.add(src, arcname='.')
