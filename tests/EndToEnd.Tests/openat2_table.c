// Builds a small tree with every kind of symlink in a fresh directory TREE of the mount OUTSIDE/MOUNT, then
// runs a table of openat2 calls from directories inside and outside that mount and prints one line per call:
// "ok" with what was opened (type, and the contents of a file or the "id" file of a directory), or the errno's
// name. The lines name no fd number and no absolute path, so a run on a real tmpfs and a run under ptfs on a
// memory or passthrough mount at the same place print the same when ptfs resolves as the kernel does.
//
// usage: openat2_table OUTSIDE MOUNT TREE ESCAPE
//   OUTSIDE/MOUNT is a mount point (a filesystem other than OUTSIDE's), TREE a new name in it, ESCAPE the name
//   of an existing file in OUTSIDE (what symlinks that escape the mount lead to).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { X = RESOLVE_NO_XDEV, M = RESOLVE_NO_MAGICLINKS, S = RESOLVE_NO_SYMLINKS, B = RESOLVE_BENEATH, R = RESOLVE_IN_ROOT, C = RESOLVE_CACHED };

static const char *outside, *mount, *tree, *escape;
static int outFd, mountFd, treeFd, subFd;

static void die(const char *what) { perror(what); exit(2); }

static void put(int dir, const char *name, const char *text)
{
    int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) != 0) die(name);
}

static void link_(const char *target, int dir, const char *name)
{
    if (symlinkat(target, dir, name) != 0) die(name);
}

// The tree, from inside TREE:  file  id  d/{id,inner,up -> ../file}  and the symlinks below.
static void build(void)
{
    char path[4096];
    if ((outFd = open(outside, O_RDONLY | O_DIRECTORY)) < 0) die(outside);
    if ((mountFd = openat(outFd, mount, O_RDONLY | O_DIRECTORY)) < 0) die(mount);
    if (mkdirat(mountFd, tree, 0755) != 0) die(tree);
    if ((treeFd = openat(mountFd, tree, O_RDONLY | O_DIRECTORY)) < 0) die(tree);
    if (mkdirat(treeFd, "d", 0755) != 0) die("d");
    if ((subFd = openat(treeFd, "d", O_RDONLY | O_DIRECTORY)) < 0) die("d");
    put(treeFd, "file", "file\n");
    put(treeFd, "id", "tree\n");
    put(subFd, "id", "d\n");
    put(subFd, "inner", "inner\n");
    link_("../file", subFd, "up");                      // relative, with "..", staying inside the tree
    link_("file", treeFd, "rel");
    link_("d", treeFd, "reld");
    link_("rel", treeFd, "chain");                      // two hops
    link_("d/../file", treeFd, "dotdot");
    snprintf(path, sizeof path, "%s/%s/%s/file", outside, mount, tree);
    link_(path, treeFd, "abs");                         // absolute, inside the tree
    link_("/file", treeFd, "rootabs");                  // absolute: the tree's own file only under RESOLVE_IN_ROOT
    link_("/d", treeFd, "rootabsd");
    snprintf(path, sizeof path, "../../%s", escape);
    link_(path, treeFd, "esc");                         // relative, out of the tree and out of the mount
    link_("..", treeFd, "escmnt");                      // relative, out of the tree to the mount's root
    snprintf(path, sizeof path, "%s/%s", outside, escape);
    link_(path, treeFd, "absout");                      // absolute, out of the mount
    link_("loop", treeFd, "loop");
    link_("missing", treeFd, "dangling");
    snprintf(path, sizeof path, "/proc/self/fd/%d/file", treeFd);
    link_(path, treeFd, "magic");                       // through a magic link, back into the tree
    snprintf(path, sizeof path, "/proc/self/fd/%d", treeFd);
    link_(path, treeFd, "magicd");
}

// {T} is TREE, {M} MOUNT, {E} ESCAPE, {O} OUTSIDE, {fd} the tree's fd number.
static const char *expand(const char *template, char *out, size_t size)
{
    char number[16];
    snprintf(number, sizeof number, "%d", treeFd);
    size_t n = 0;
    for (const char *p = template; *p && n + 1 < size;)
    {
        const char *with = NULL;
        size_t skip = 0;
        if (!strncmp(p, "{T}", 3)) with = tree, skip = 3;
        else if (!strncmp(p, "{M}", 3)) with = mount, skip = 3;
        else if (!strncmp(p, "{E}", 3)) with = escape, skip = 3;
        else if (!strncmp(p, "{O}", 3)) with = outside, skip = 3;
        else if (!strncmp(p, "{fd}", 4)) with = number, skip = 4;
        if (with) { n += snprintf(out + n, size - n, "%s", with); p += skip; }
        else out[n++] = *p++;
    }
    out[n] = 0;
    return out;
}

static const char *resolveNames(uint64_t resolve, char *out)
{
    static const char *names[] = { "NO_XDEV", "NO_MAGICLINKS", "NO_SYMLINKS", "BENEATH", "IN_ROOT", "CACHED", "0x40" };
    out[0] = 0;
    for (int i = 0; i < 7; i++)
        if (resolve & (1ull << i)) { if (out[0]) strcat(out, "|"); strcat(out, names[i]); }
    if (!out[0]) strcpy(out, "0");
    return out;
}

// What an fd opened: its type, and for a file its first line, for a directory the first line of its "id".
static void describe(int fd, uint64_t flags)
{
    struct stat st;
    if (fstat(fd, &st) != 0) { printf("ok, fstat %s\n", strerrorname_np(errno)); return; }
    const char *type = S_ISREG(st.st_mode) ? "reg" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "lnk"
        : S_ISCHR(st.st_mode) ? "chr" : "other";
    char text[64] = "";
    int from = -1;
    if (S_ISREG(st.st_mode) && !(flags & O_PATH) && (flags & O_ACCMODE) != O_WRONLY) from = dup(fd);
    else if (S_ISDIR(st.st_mode)) from = openat(fd, "id", O_RDONLY);
    if (from >= 0)
    {
        ssize_t n = pread(from, text, sizeof text - 1, 0);
        text[n > 0 ? n : 0] = 0;
        text[strcspn(text, "\n")] = 0;
        close(from);
    }
    else if (S_ISDIR(st.st_mode)) strcpy(text, "-");
    printf("ok %s %s\n", type, text);
}

static long openat2_(int dir, const char *path, void *how, size_t size)
{
    return syscall(SYS_openat2, dir, path, how, size);
}

static void result(long fd, uint64_t flags)
{
    if (fd < 0) { printf("%s\n", strerrorname_np(errno)); return; }
    describe((int)fd, flags);
    close((int)fd);
}

static int dirFd(const char *name)
{
    return !strcmp(name, "tree") ? treeFd : !strcmp(name, "sub") ? subFd : !strcmp(name, "mount") ? mountFd
        : !strcmp(name, "out") ? outFd : AT_FDCWD;
}

static void row(const char *dir, const char *template, uint64_t flags, const char *flagNames, uint64_t mode, uint64_t resolve)
{
    char path[4096], names[128];
    struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
    printf("%-5s %-22s %-28s %-4llo %-22s ", dir, template, flagNames, (unsigned long long)mode, resolveNames(resolve, names));
    expand(template, path, sizeof path);
    if (resolve & C)
    {
        // A lookup is cached once it has been done: do it first, so that the kernel's answer does not depend
        // on what happened to be in its dcache.
        struct open_how warm = { .flags = flags, .mode = mode, .resolve = resolve & ~(uint64_t)C };
        long fd = openat2_(dirFd(dir), path, &warm, sizeof warm);
        if (fd >= 0) close((int)fd);
    }
    result(openat2_(dirFd(dir), path, &how, sizeof how), flags);
    fflush(stdout);
}

#define ROW(dir, path, flags, mode, resolve) row(dir, path, flags, #flags, mode, resolve)

// The struct and its size: the kernel's checks before it looks at the path. A struct larger than the kernel's
// may carry newer fields only as zeros; bytes past the size given are not the kernel's business.
static void sizes(const char *dir, const char *template)
{
    char path[4096];
    static char big[8192];
    expand(template, path, sizeof path);
    struct open_how *how = (struct open_how *)big;
    how->flags = O_RDONLY;
    static const struct { size_t size; int byte31; } cases[] = { { 0, 0 }, { 23, 0 }, { 24, 0 }, { 32, 0 }, { 4096, 0 }, { 4097, 0 }, { 32, 1 }, { 24, 1 } };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    {
        big[31] = (char)cases[i].byte31;
        printf("%-5s %-22s size %-5zu byte 31 %d: ", dir, template, cases[i].size, cases[i].byte31);
        result(openat2_(dirFd(dir), path, how, cases[i].size), O_RDONLY);
    }
    big[31] = 0;
    printf("%-5s %-22s how NULL: ", dir, template);
    result(openat2_(dirFd(dir), path, NULL, 24), O_RDONLY);
    printf("%-5s %-22s path NULL: ", dir, template);
    result(openat2_(dirFd(dir), NULL, how, 24), O_RDONLY);
    fflush(stdout);
}

// Combinations the kernel refuses whatever the path (build_open_flags), on a path in the tree and on one outside.
static void invalid(const char *dir, const char *path)
{
    ROW(dir, path, O_RDONLY, 0644, 0);
    ROW(dir, path, O_RDONLY, 0, 0x40);
    ROW(dir, path, O_RDONLY, 0, B | R);
    ROW(dir, path, O_RDONLY | (1ull << 32), 0, 0);
    ROW(dir, path, O_RDONLY | 0x800000, 0, 0);
    ROW(dir, path, O_RDONLY | 0x4, 0, 0);
    ROW(dir, path, O_WRONLY | O_CREAT, 010000, 0);
    ROW(dir, path, O_PATH | O_RDWR, 0, 0);
    ROW(dir, path, O_CREAT | O_DIRECTORY, 0644, 0);
    ROW(dir, path, 020000000 /* __O_TMPFILE without O_DIRECTORY */ | O_RDWR, 0600, 0);
    ROW(dir, path, O_TMPFILE | O_RDWR, 0600, 0);
    ROW(dir, path, O_TMPFILE | O_RDONLY, 0600, 0);
    ROW(dir, path, O_RDONLY | O_CREAT, 0644, C);
    ROW(dir, path, O_RDWR | O_TRUNC, 0, C);
    ROW(dir, path, O_TMPFILE | O_RDWR, 0600, C);
    ROW(dir, path, O_RDONLY | O_CLOEXEC, 0, 0);
}

int main(int argc, char **argv)
{
    if (argc != 5) { fprintf(stderr, "usage: %s OUTSIDE MOUNT TREE ESCAPE\n", argv[0]); return 2; }
    outside = argv[1], mount = argv[2], tree = argv[3], escape = argv[4];
    build();
    if (fchdir(treeFd) != 0) die("fchdir");

    static const char *paths[] = {
        ".", "file", "d", "d/inner", "d/", "file/", "missing", "d/missing/x", "rel", "rel/", "reld/inner", "chain",
        "d/up", "dotdot", "abs", "rootabs", "rootabsd/inner", "esc", "escmnt", "absout", "loop", "dangling",
        "magic", "magicd/d/inner", "..", "../..", "../../{E}", "d/..", "d/../..", "../{T}/file", "/",
        "{O}/{M}/{T}/file", "/proc/self/fd/{fd}/file", "/proc/self/fd/{fd}", "/dev/fd/{fd}/d/inner",
    };
    static const uint64_t resolves[] = { 0, X, M, S, B, R, C, B | S, R | X, R | S };
    for (size_t r = 0; r < sizeof resolves / sizeof *resolves; r++)
        for (size_t p = 0; p < sizeof paths / sizeof *paths; p++)
            ROW("tree", paths[p], O_RDONLY, 0, resolves[r]);

    // The last component: not followed with O_NOFOLLOW, so RESOLVE_NO_SYMLINKS does not see it.
    ROW("tree", "rel", O_RDONLY | O_NOFOLLOW, 0, 0);
    ROW("tree", "rel", O_RDONLY | O_NOFOLLOW, 0, S);
    ROW("tree", "rel", O_PATH | O_NOFOLLOW, 0, S);
    ROW("tree", "magicd", O_PATH | O_NOFOLLOW, 0, M);
    ROW("tree", "magicd", O_PATH, 0, M);
    ROW("tree", "reld", O_RDONLY | O_DIRECTORY, 0, S);
    ROW("tree", "file", O_RDONLY | O_DIRECTORY, 0, B);
    ROW("tree", "d", O_PATH | O_DIRECTORY, 0, B);
    ROW("tree", "file", O_WRONLY, 0, R);
    ROW("tree", "rel", O_CREAT | O_EXCL | O_WRONLY, 0644, S);
    ROW("tree", "dangling", O_CREAT | O_WRONLY, 0644, S);
    ROW("tree", "new-b", O_CREAT | O_WRONLY, 0644, B);
    ROW("tree", "new-b", O_RDONLY, 0, 0);
    ROW("tree", "../new-x", O_CREAT | O_WRONLY, 0644, B);
    ROW("tree", "/new-r", O_CREAT | O_WRONLY, 0600, R);
    ROW("tree", "new-r", O_RDONLY, 0, S);
    ROW("tree", "d/../new-s", O_CREAT | O_RDWR, 0644, S | X);

    // From the mount's root: ".." leaves the mount.
    static const char *mountPaths[] = { ".", "{T}/file", "{T}/esc", "{T}/escmnt", "{T}/abs", "{T}/rootabs", "..", "../{M}/{T}/file" };
    static const uint64_t mountResolves[] = { 0, X, B, R, S };
    for (size_t r = 0; r < sizeof mountResolves / sizeof *mountResolves; r++)
        for (size_t p = 0; p < sizeof mountPaths / sizeof *mountPaths; p++)
            ROW("mount", mountPaths[p], O_RDONLY, 0, mountResolves[r]);

    // From the real directory that holds the mount: the walk enters the mount (and may come back out).
    static const char *outPaths[] = {
        "{E}", "{M}", "{M}/{T}/file", "{M}/{T}/d/up", "{M}/{T}/esc", "{M}/{T}/absout", "{M}/{T}/abs", "{M}/{T}/rootabs",
        "{M}/{T}/../../{E}", "{M}/..", "{M}/{T}/magic", "{M}/{T}/missing", "{M}/{T}/../{T}/id", "/{M}/{T}/file",
    };
    static const uint64_t outResolves[] = { 0, X, M, S, B, R, C };
    for (size_t r = 0; r < sizeof outResolves / sizeof *outResolves; r++)
        for (size_t p = 0; p < sizeof outPaths / sizeof *outPaths; p++)
            ROW("out", outPaths[p], O_RDONLY, 0, outResolves[r]);

    // From a directory below the tree's root, and from the working directory (the tree).
    static const char *subPaths[] = { "inner", "up", "../file", "../d/inner", "../..", "/d/inner" };
    static const char *cwdPaths[] = { "file", "..", "/file", "esc", "escmnt", "../{T}/d/up" };
    static const uint64_t scoped[] = { 0, B, R, X };
    for (size_t r = 0; r < sizeof scoped / sizeof *scoped; r++)
    {
        for (size_t p = 0; p < sizeof subPaths / sizeof *subPaths; p++) ROW("sub", subPaths[p], O_RDONLY, 0, scoped[r]);
        for (size_t p = 0; p < sizeof cwdPaths / sizeof *cwdPaths; p++) ROW("cwd", cwdPaths[p], O_RDONLY, 0, scoped[r]);
    }

    ROW("tree", "d/up", O_RDWR | O_TRUNC, 0, R);                // last: it empties "file"
    ROW("tree", "file", O_RDONLY, 0, 0);
    invalid("tree", "file");
    invalid("out", "{E}");
    sizes("tree", "file");
    sizes("out", "{E}");
    return 0;
}
