/*
 * berth-init: the single-threaded init stage of a berth container, and of each `berth exec` into one.
 *
 * Run mode (`run`, `start`): the CLI (Node) has unshared mnt/uts/ipc/net namespaces and mounted the rootfs;
 * berth-monitor forks into them with CLONE_NEWPID and starts this static binary, from a sealed memfd copy, as PID 1
 * of the new PID namespace (native/berth-monitor.c). berth-init finishes the work that must run inside the
 * container's PID namespace and on a single thread, then execs the user's command.
 *
 *      CLI (Node)            berth-monitor                    berth-init (PID 1 of the container)
 *      ----------            -------------                    ----------------------------------
 *                            fexecve(sealed copy) ----------> already sealed: go on; not dumpable;
 *                                                             fcntl(4, FD_CLOEXEC); read cap_last_cap
 *      write plan records  KEY=VALUE\0 ... end=1\0  (fd 3) ---> parse records until end=1
 *      write berth-init's pid to cgroup.procs                  block on read(fd 3, 1 byte)
 *      write "g" and close fd 3  (or close without "g" ------> EOF: exit 125 silently, nothing ran)
 *                                                        ---> 'g': cgroupns, cgroupfs, proc, pivot_root, masks, read-only
 *                                                             paths, rlimits, pdeathsig, cwd, close fds,
 *                                                             no_new_privs, capabilities, ids, execve
 *      read fd 4 until EOF                              <---  on failure: "<errno>\t<step>\t<detail>\n", exit 125|126|127
 *        EOF with no line = execve succeeded                  on success: execve closes fd 4 (O_CLOEXEC), no line
 *
 * Exec mode (exec=1, for `berth exec`; CVE-2019-5736): the container already exists, so proc, pivot_root, masks and
 * read-only paths are in place inside its mount namespace. The CLI spawns us in the HOST's namespaces, from our file,
 * with fds of the container's namespaces (setns.<kind>=<fd> for mnt, pid, net, uts, ipc, cgroup). We re-exec from a
 * sealed memfd copy first, are not dumpable, join every namespace ourselves (single-threaded: setns(CLONE_NEWNS) is
 * allowed and makes the container's root our root and cwd; setns(CLONE_NEWPID) moves only our children), drop to
 * the command's ids and capabilities, and only then fork: the container sees nothing of berth-init before that
 * child, which is sealed, not dumpable and inside its mounts, root and cgroup from birth. The parent, invisible in
 * the host's PID namespace, stays as the relay: signals on to the child, the child's exit status as its own.
 *
 *      CLI (Node)                                      berth-init (host PID ns)            child (container PID ns)
 *      spawn(berth-init, fd3 plan, fd4 errors,   --->  re-exec sealed, not dumpable
 *            fd5.. namespaces)
 *      write plan records, end=1                 --->  parse until end=1, wait for "g"
 *      write berth-init's pid to cgroup.procs
 *      write "g", close fd 3                     --->  setns cgroup/ipc/uts/net/pid/mnt,
 *                                                      rlimits, cwd, close fds, caps, ids
 *                                                      fork  -------------------------->  [-d: fork, parent exits]
 *                                                      relay: signals -> child,           [setsid+TIOCSCTTY], pdeathsig,
 *                                                        exit as the child exits          execve (or an error line, 126/127)
 *      read fd 4 until EOF, wait for berth-init  <---  its exit = the command's
 *
 * Trace (trace=1) prints "berth-init: <step> <args>" to stderr before each step, in this order:
 *   run:  unshare, cgroupfs*, proc, chdir <rootfs>, pivot_root, umount2, chdir /, mask*, readonly*, rootfs-readonly,
 *         setrlimit*, [setsid+TIOCSCTTY], pdeathsig, chdir <cwd>, close_range, nonewprivs, capbset, keepcaps,
 *         setgroups, setresgid, setresuid, [pdeathsig again], capset, ambient, dumpable 0, stdio, execve.
 *   exec: setns <kind> fd <N>* (cgroup, ipc, uts, net, pid, mnt), setrlimit*, [pdeathsig], chdir <cwd>, close_range,
 *         nonewprivs, capbset, ..., ambient, dumpable 0, stdio, fork, [fork], [setsid+TIOCSCTTY], [pdeathsig], execve.
 * Step names in error lines are the first word of the trace line (plus "plan", "go" and "seal").
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sealed-exe.h"
#include "write-all.h"

#define PLAN_FD 3
#define ERROR_FD 4
#define EXIT_SETUP 125
#define EXIT_NOT_EXECUTABLE 126
#define EXIT_NOT_FOUND 127

#define PLAN_MAX (1 << 20)
#define MAX_ARGS 4096
#define MAX_ENV 4096
#define MAX_GROUPS 1024
#define MAX_PATHS 256
#define MAX_RLIMITS 32
#define MAX_CGROUPS 64
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define SEALED_ARG "--sealed" /* argv[1] after the re-exec from the sealed copy */

/* Exec mode joins these from the fds of setns.<kind> records, in this order: the mount namespace last, since joining
 * it also makes the container's root our root and cwd. */
static const struct {
  const char *kind;
  int flag;
} ns_kinds[] = {
    {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
    {"net", CLONE_NEWNET},       {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS},
};
#define NS_KINDS (sizeof ns_kinds / sizeof ns_kinds[0])
#define NS_MNT 5

struct rlimit_entry {
  const char *name;
  int resource;
  struct rlimit limit;
};

struct plan {
  const char *rootfs, *cwd;
  char *argv[MAX_ARGS + 1];
  size_t argc;
  char *envp[MAX_ENV + 1];
  size_t envc;
  uid_t uid;
  gid_t gid;
  gid_t groups[MAX_GROUPS];
  size_t ngroups;
  uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
  struct rlimit_entry rlimits[MAX_RLIMITS];
  size_t nrlimits;
  char *masks[MAX_PATHS];
  size_t nmasks;
  char *readonly[MAX_PATHS];
  size_t nreadonly;
  int nonewprivs, proc, cgroupns, pdeathsig, rootfs_readonly, trace, tty;
  int exec, detach;
  int ns_fd[NS_KINDS];      /* exec mode: the container's namespaces to join, per ns_kinds entry, or -1 */
  const char *cgroupfs;     /* where the cgroup filesystem goes in the container (/sys/fs/cgroup), or NULL */
  int cgroupfs_readonly;
  char *cgroup_v1[MAX_CGROUPS]; /* "dir:options" per v1 hierarchy; none: one cgroup2 mount */
  size_t ncgroup_v1;
  char *cgroup_links[MAX_CGROUPS]; /* "name:target" symlinks for co-mounted controllers */
  size_t ncgroup_links;
};

static char plan_buf[PLAN_MAX + 1]; /* records stay here; the plan points into it */
static struct plan plan = {.ns_fd = {-1, -1, -1, -1, -1, -1}};
static int error_fd = ERROR_FD;

static const struct {
  const char *name;
  int resource;
} rlimit_names[] = {
    {"CPU", RLIMIT_CPU},         {"FSIZE", RLIMIT_FSIZE},       {"DATA", RLIMIT_DATA},
    {"STACK", RLIMIT_STACK},     {"CORE", RLIMIT_CORE},         {"RSS", RLIMIT_RSS},
    {"NPROC", RLIMIT_NPROC},     {"NOFILE", RLIMIT_NOFILE},     {"MEMLOCK", RLIMIT_MEMLOCK},
    {"AS", RLIMIT_AS},           {"LOCKS", RLIMIT_LOCKS},       {"SIGPENDING", RLIMIT_SIGPENDING},
    {"MSGQUEUE", RLIMIT_MSGQUEUE}, {"NICE", RLIMIT_NICE},       {"RTPRIO", RLIMIT_RTPRIO},
    {"RTTIME", RLIMIT_RTTIME},
};

/* ---- errors and trace ---------------------------------------------------------------------------- */

static size_t append(char *line, size_t at, size_t cap, const char *text, int sanitize) {
  for (; *text && at < cap; text++) {
    unsigned char c = (unsigned char)*text;
    line[at++] = sanitize && (c < 0x20 || c == 0x7f) ? '?' : (char)c; /* keep the line one line */
  }
  return at;
}

/* Reports "<errno>\t<step>\t<detail>\n" on the error pipe and exits; the CLI turns it into a message. */
__attribute__((noreturn)) static void fail_with(int code, int err, const char *step, const char *detail) {
  char line[1024], number[16];
  size_t at = 0, cap = sizeof line - 1;
  snprintf(number, sizeof number, "%d", err);
  at = append(line, at, cap, number, 0);
  at = append(line, at, cap, "\t", 0);
  at = append(line, at, cap, step, 1);
  at = append(line, at, cap, "\t", 0);
  at = append(line, at, cap, detail ? detail : "", 1);
  line[at++] = '\n';
  write_all(error_fd, line, at);
  _exit(code);
}

__attribute__((noreturn)) static void fail(int err, const char *step, const char *detail) {
  fail_with(EXIT_SETUP, err, step, detail);
}

__attribute__((format(printf, 1, 2))) static void trace(const char *format, ...) {
  char line[4096];
  va_list args;
  if (!plan.trace) return;
  va_start(args, format);
  int n = vsnprintf(line, sizeof line - 1, format, args);
  va_end(args);
  if (n < 0) return;
  size_t len = (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
  line[len++] = '\n';
  write_all(STDERR_FILENO, "berth-init: ", 12);
  write_all(STDERR_FILENO, line, len);
}

/* ---- the plan ------------------------------------------------------------------------------------ */

static uint64_t parse_number(const char *text, int base, const char *key) {
  char *end;
  if (!(base == 16 ? isxdigit((unsigned char)text[0]) : isdigit((unsigned char)text[0]))) fail(EINVAL, "plan", key);
  errno = 0;
  unsigned long long value = strtoull(text, &end, base);
  if (errno != 0 || *end != '\0') fail(EINVAL, "plan", key);
  return (uint64_t)value;
}

static uint32_t parse_id(const char *text, const char *key) {
  uint64_t value = parse_number(text, 10, key);
  if (value >= UINT32_MAX) fail(EINVAL, "plan", key);
  return (uint32_t)value;
}

static rlim_t parse_limit(const char *text) {
  return strcmp(text, "unlimited") == 0 ? RLIM_INFINITY : (rlim_t)parse_number(text, 10, "rlimit");
}

/* rlimit=NAME:soft:hard */
static void parse_rlimit(char *value) {
  char *soft = strchr(value, ':');
  char *hard = soft ? strchr(soft + 1, ':') : NULL;
  if (!hard) fail(EINVAL, "plan", "rlimit");
  *soft++ = '\0';
  *hard++ = '\0';
  if (plan.nrlimits == MAX_RLIMITS) fail(E2BIG, "plan", "rlimit");
  for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++) {
    if (strcmp(rlimit_names[i].name, value) != 0) continue;
    struct rlimit_entry *entry = &plan.rlimits[plan.nrlimits++];
    entry->name = rlimit_names[i].name;
    entry->resource = rlimit_names[i].resource;
    entry->limit.rlim_cur = parse_limit(soft);
    entry->limit.rlim_max = parse_limit(hard);
    return;
  }
  fail(EINVAL, "plan", value);
}

static void push(char **list, size_t *count, size_t max, char *value, const char *key) {
  if (*count == max) fail(E2BIG, "plan", key);
  list[(*count)++] = value;
}

static int flag(const char *value, const char *key) {
  if (strcmp(value, "1") == 0) return 1;
  if (strcmp(value, "0") == 0) return 0;
  fail(EINVAL, "plan", key);
}

/* setns.<kind>=<fd>: one of our inherited fds, above the error pipe */
static void parse_setns(const char *kind, const char *value, const char *key) {
  for (size_t i = 0; i < NS_KINDS; i++) {
    if (strcmp(ns_kinds[i].kind, kind) != 0) continue;
    uint32_t fd = parse_id(value, key);
    if (fd <= ERROR_FD || fd > INT32_MAX) fail(EINVAL, "plan", key);
    plan.ns_fd[i] = (int)fd;
    return;
  }
  fail(EINVAL, "plan", key);
}

static void parse_record(char *record) {
  char *value = strchr(record, '=');
  if (!value) fail(EINVAL, "plan", record);
  *value++ = '\0';
  const char *key = record;
  if (strcmp(key, "rootfs") == 0) plan.rootfs = value;
  else if (strcmp(key, "cwd") == 0) plan.cwd = value;
  else if (strcmp(key, "arg") == 0) push(plan.argv, &plan.argc, MAX_ARGS, value, key);
  else if (strcmp(key, "env") == 0) push(plan.envp, &plan.envc, MAX_ENV, value, key);
  else if (strcmp(key, "uid") == 0) plan.uid = parse_id(value, key);
  else if (strcmp(key, "gid") == 0) plan.gid = parse_id(value, key);
  else if (strcmp(key, "group") == 0) {
    if (plan.ngroups == MAX_GROUPS) fail(E2BIG, "plan", key);
    plan.groups[plan.ngroups++] = parse_id(value, key);
  } else if (strcmp(key, "nonewprivs") == 0) plan.nonewprivs = flag(value, key);
  else if (strcmp(key, "cap.bounding") == 0) plan.cap_bounding = parse_number(value, 16, key);
  else if (strcmp(key, "cap.effective") == 0) plan.cap_effective = parse_number(value, 16, key);
  else if (strcmp(key, "cap.permitted") == 0) plan.cap_permitted = parse_number(value, 16, key);
  else if (strcmp(key, "cap.inheritable") == 0) plan.cap_inheritable = parse_number(value, 16, key);
  else if (strcmp(key, "cap.ambient") == 0) plan.cap_ambient = parse_number(value, 16, key);
  else if (strcmp(key, "rlimit") == 0) parse_rlimit(value);
  else if (strcmp(key, "mask") == 0) push(plan.masks, &plan.nmasks, MAX_PATHS, value, key);
  else if (strcmp(key, "readonly") == 0) push(plan.readonly, &plan.nreadonly, MAX_PATHS, value, key);
  else if (strcmp(key, "proc") == 0) plan.proc = flag(value, key);
  else if (strcmp(key, "cgroupns") == 0) plan.cgroupns = flag(value, key);
  else if (strcmp(key, "pdeathsig") == 0) plan.pdeathsig = (int)parse_number(value, 10, key);
  else if (strcmp(key, "rootfs.readonly") == 0) plan.rootfs_readonly = flag(value, key);
  else if (strcmp(key, "trace") == 0) plan.trace = flag(value, key);
  else if (strcmp(key, "tty") == 0) plan.tty = flag(value, key);
  else if (strcmp(key, "exec") == 0) plan.exec = flag(value, key);
  else if (strcmp(key, "detach") == 0) plan.detach = flag(value, key);
  else if (strncmp(key, "setns.", 6) == 0) parse_setns(key + 6, value, key);
  else if (strcmp(key, "cgroupfs") == 0) plan.cgroupfs = value;
  else if (strcmp(key, "cgroupfs.readonly") == 0) plan.cgroupfs_readonly = flag(value, key);
  else if (strcmp(key, "cgroupfs.v1") == 0) push(plan.cgroup_v1, &plan.ncgroup_v1, MAX_CGROUPS, value, key);
  else if (strcmp(key, "cgroupfs.link") == 0) push(plan.cgroup_links, &plan.ncgroup_links, MAX_CGROUPS, value, key);
  else fail(EINVAL, "plan", key); /* CLI and init ship together: an unknown key is a bug */
}

static ssize_t read_retry(int fd, void *buf, size_t len) {
  ssize_t n;
  do n = read(fd, buf, len);
  while (n < 0 && errno == EINTR);
  return n;
}

/* Parses records until end=1, then waits for the go byte. EOF at any point: the CLI gave up. */
static void read_plan(void) {
  size_t len = 0, parsed = 0;
  for (;;) {
    char *nul;
    while ((nul = memchr(plan_buf + parsed, '\0', len - parsed)) != NULL) {
      char *record = plan_buf + parsed;
      parsed = (size_t)(nul - plan_buf) + 1;
      if (strcmp(record, "end=1") == 0) goto go;
      parse_record(record);
    }
    if (len == PLAN_MAX) fail(E2BIG, "plan", "larger than 1 MiB");
    ssize_t n = read_retry(PLAN_FD, plan_buf + len, PLAN_MAX - len);
    if (n < 0) fail(errno, "plan", "read fd 3");
    if (n == 0) _exit(EXIT_SETUP);
    len += (size_t)n;
  }
go:;
  char go = 0;
  if (parsed < len) go = plan_buf[parsed];
  else {
    ssize_t n = read_retry(PLAN_FD, &go, 1);
    if (n < 0) fail(errno, "go", "read fd 3");
    if (n == 0) _exit(EXIT_SETUP);
  }
  if (go != 'g') fail(EPROTO, "go", "expected `g`");
  if (plan.exec && plan.ns_fd[NS_MNT] < 0) fail(EINVAL, "plan", "setns.mnt"); /* never run in the host's mounts */
  if (!plan.exec && (!plan.rootfs || plan.rootfs[0] != '/')) fail(EINVAL, "plan", "rootfs");
  if (!plan.cwd || plan.cwd[0] != '/') fail(EINVAL, "plan", "cwd");
  if (plan.argc == 0) fail(EINVAL, "plan", "arg");
  plan.argv[plan.argc] = NULL;
  plan.envp[plan.envc] = NULL;
}

/* ---- steps --------------------------------------------------------------------------------------- */

static int read_last_cap(void) {
  char text[16] = {0};
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return CAP_LAST_CAP;
  ssize_t n = read_retry(fd, text, sizeof text - 1);
  close(fd);
  int last = n > 0 ? atoi(text) : CAP_LAST_CAP;
  return last > 0 && last < 64 ? last : CAP_LAST_CAP;
}

static void fd_path(char out[32], int fd) {
  snprintf(out, 32, "/proc/self/fd/%d", fd);
}

/*
 * A directory under <rootfs>, resolved by the kernel as if <rootfs> were / (symlinks planted in the image
 * cannot lead out). Without openat2 (Linux < 5.6) only a single component with no symlink is accepted.
 */
static int open_in_rootfs(const char *path, int flags, unsigned long long resolve, const char *step) {
  int root = open(plan.rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) fail(errno, step, plan.rootfs);
  while (*path == '/') path++;
  struct open_how how = {.flags = (unsigned long long)(flags | O_DIRECTORY | O_CLOEXEC),
                         .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve};
  int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof how);
  if (fd < 0 && errno == ENOSYS && !strchr(path, '/')) fd = openat(root, path, flags | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail(errno, step, path);
  close(root);
  return fd;
}

/* Mounts proc on <rootfs>/proc through an fd, so a symlink planted in the image cannot redirect it. */
static void mount_proc(void) {
  char target[32];
  trace("proc %s/proc", plan.rootfs);
  int proc = open_in_rootfs("proc", O_PATH, RESOLVE_NO_SYMLINKS, "proc");
  fd_path(target, proc);
  if (mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) fail(errno, "proc", "<rootfs>/proc");
  close(proc);
}

/* Splits "left:right" in place; the plan encoder guarantees the colon. */
static char *split_pair(char *pair, const char *key) {
  char *colon = strchr(pair, ':');
  if (!colon) fail(EINVAL, "plan", key);
  *colon = '\0';
  return colon + 1;
}

/*
 * /sys/fs/cgroup (runc's mountCgroupV1/V2). Runs right after unshare(CLONE_NEWCGROUP), which follows the go
 * byte, so we already sit in the container's cgroup: each cgroup mount made now has that cgroup as its root.
 * v1: tmpfs, a cgroup mount per hierarchy, symlinks for co-mounted controllers, then the tmpfs made read-only.
 */
static void mount_cgroupfs(void) {
  char target[32];
  const unsigned long base = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  const unsigned long ro = plan.cgroupfs_readonly ? MS_RDONLY : 0;
  int dest = open_in_rootfs(plan.cgroupfs, O_PATH, 0, "cgroupfs");
  fd_path(target, dest);
  if (plan.ncgroup_v1 == 0) {
    trace("cgroupfs cgroup2 %s", plan.cgroupfs);
    if (mount("cgroup", target, "cgroup2", base | ro, NULL) < 0) fail(errno, "cgroupfs", plan.cgroupfs);
    close(dest);
    return;
  }
  trace("cgroupfs tmpfs %s", plan.cgroupfs);
  if (mount("tmpfs", target, "tmpfs", base, "mode=755") < 0) fail(errno, "cgroupfs", plan.cgroupfs);
  close(dest);
  int dir = open_in_rootfs(plan.cgroupfs, O_RDONLY, 0, "cgroupfs"); /* the fresh tmpfs */
  for (size_t i = 0; i < plan.ncgroup_v1; i++) {
    char *name = plan.cgroup_v1[i];
    char *options = split_pair(name, "cgroupfs.v1");
    trace("cgroupfs cgroup %s/%s %s", plan.cgroupfs, name, options);
    if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST) fail(errno, "cgroupfs", name);
    int sub = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0) fail(errno, "cgroupfs", name);
    fd_path(target, sub);
    if (mount("cgroup", target, "cgroup", base | ro, options) < 0) fail(errno, "cgroupfs", options);
    close(sub);
  }
  for (size_t i = 0; i < plan.ncgroup_links; i++) {
    char *name = plan.cgroup_links[i];
    char *link_target = split_pair(name, "cgroupfs.link");
    trace("cgroupfs symlink %s -> %s", name, link_target);
    if (symlinkat(link_target, dir, name) < 0 && errno != EEXIST) fail(errno, "cgroupfs", name);
  }
  if (plan.cgroupfs_readonly) {
    trace("cgroupfs readonly %s", plan.cgroupfs);
    fd_path(target, dir);
    if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | base, NULL) < 0) fail(errno, "cgroupfs", "remount read-only");
  }
  close(dir);
}

/* runc's trick: pivot_root(".", ".") stacks the old root on the new one; "." then resolves to it. */
static void enter_rootfs(void) {
  trace("chdir %s", plan.rootfs);
  if (chdir(plan.rootfs) < 0) fail(errno, "chdir", plan.rootfs);
  trace("pivot_root .");
  if (syscall(SYS_pivot_root, ".", ".") < 0) fail(errno, "pivot_root", plan.rootfs);
  trace("umount2 . MNT_DETACH");
  /* slave first, so that detaching the old root cannot propagate an unmount to the host's mounts */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) fail(errno, "umount2", "old root");
  if (umount2(".", MNT_DETACH) < 0) fail(errno, "umount2", "old root");
  trace("chdir /");
  if (chdir("/") < 0) fail(errno, "chdir", "/");
}

/* The container's /dev/null must be the real one (1:3) before anything is hidden behind it. */
static int open_dev_null(void) {
  struct stat st;
  int fd = open("/dev/null", O_PATH | O_CLOEXEC);
  if (fd < 0) fail(errno, "mask", "/dev/null");
  if (fstat(fd, &st) < 0) fail(errno, "mask", "/dev/null");
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
    fail(ENODEV, "mask", "/dev/null is not the char device 1:3");
  return fd;
}

static void mask_paths(void) {
  int dev_null = -1;
  char source[32];
  for (size_t i = 0; i < plan.nmasks; i++) {
    const char *path = plan.masks[i];
    struct stat st;
    trace("mask %s", path);
    if (stat(path, &st) < 0) {
      if (errno == ENOENT || errno == ENOTDIR) continue;
      fail(errno, "mask", path);
    }
    if (S_ISDIR(st.st_mode)) {
      if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        fail(errno, "mask", path);
      continue;
    }
    if (dev_null < 0) {
      dev_null = open_dev_null();
      fd_path(source, dev_null);
      if (!plan.proc) strcpy(source, "/dev/null"); /* no /proc to reach the checked fd through */
    }
    if (mount(source, path, NULL, MS_BIND, NULL) < 0) fail(errno, "mask", path);
  }
  if (dev_null >= 0) close(dev_null);
}

/* A bind remount changes only the per-mount flags: keep the ones the mount already had. */
static void remount_readonly(const char *path, const char *step) {
  struct statvfs sv;
  if (statvfs(path, &sv) < 0) fail(errno, step, path);
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC;
  if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  if (mount(NULL, path, NULL, flags, NULL) < 0) fail(errno, step, path);
}

static void readonly_paths(void) {
  for (size_t i = 0; i < plan.nreadonly; i++) {
    const char *path = plan.readonly[i];
    trace("readonly %s", path);
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
      if (errno == ENOENT) continue;
      fail(errno, "readonly", path);
    }
    remount_readonly(path, "readonly");
  }
}

/*
 * Exec mode: enter the running container's namespaces, the mount namespace last (joining it makes the container's
 * root our root and cwd). setns(CLONE_NEWPID) moves only our children: we stay in the host's PID namespace, where
 * the container cannot see us, until fork_command.
 */
static void join_container(void) {
  for (size_t i = 0; i < NS_KINDS; i++) {
    char what[32];
    if (plan.ns_fd[i] < 0) continue;
    snprintf(what, sizeof what, "%s fd %d", ns_kinds[i].kind, plan.ns_fd[i]);
    trace("setns %s", what);
    if (setns(plan.ns_fd[i], ns_kinds[i].flag) < 0) fail(errno, "setns", what);
    close(plan.ns_fd[i]);
  }
}

static void set_rlimits(void) {
  for (size_t i = 0; i < plan.nrlimits; i++) {
    struct rlimit_entry *entry = &plan.rlimits[i];
    trace("setrlimit %s %llu %llu", entry->name, (unsigned long long)entry->limit.rlim_cur,
          (unsigned long long)entry->limit.rlim_max);
    if (setrlimit(entry->resource, &entry->limit) < 0) fail(errno, "setrlimit", entry->name);
  }
}

static void set_pdeathsig(const char *note) {
  if (!plan.pdeathsig) return;
  trace("pdeathsig %d%s", plan.pdeathsig, note);
  if (prctl(PR_SET_PDEATHSIG, (unsigned long)plan.pdeathsig, 0, 0, 0) < 0) fail(errno, "pdeathsig", "prctl");
}

/* CVE-2024-21626: a cwd reached through a leaked fd lies outside the root and reads "(unreachable)/...". */
static void enter_cwd(void) {
  static char resolved[PATH_MAX];
  trace("chdir %s", plan.cwd);
  if (chdir(plan.cwd) < 0) fail(errno, "chdir", plan.cwd);
  if (!getcwd(resolved, sizeof resolved)) fail(errno, "chdir", plan.cwd);
  if (resolved[0] != '/') fail(EPERM, "chdir", plan.cwd);
}

static void close_fds(void) {
  trace("close_range 3 ~0 except %d", ERROR_FD);
  close(PLAN_FD);
  if (close_range(ERROR_FD + 1, ~0U, 0) < 0) fail(errno, "close_range", "5..~0");
}

static void set_capabilities(int last_cap) {
  char list[1024] = "";
  trace("capbset %#llx", (unsigned long long)plan.cap_bounding);
  for (int cap = 0; cap <= last_cap; cap++) {
    if (plan.cap_bounding & (1ULL << cap)) continue;
    if (prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0) < 0) fail(errno, "capbset", "PR_CAPBSET_DROP");
  }
  if (plan.uid != 0) {
    trace("keepcaps");
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail(errno, "keepcaps", "PR_SET_KEEPCAPS");
  }
  if (plan.trace) {
    size_t at = 0;
    for (size_t i = 0; i < plan.ngroups && at < sizeof list - 16; i++)
      at += (size_t)snprintf(list + at, sizeof list - at, "%s%u", i ? "," : "", (unsigned)plan.groups[i]);
  }
  trace("setgroups %s", plan.ngroups ? list : "-");
  if (setgroups(plan.ngroups, plan.groups) < 0) fail(errno, "setgroups", "groups");
  trace("setresgid %u", (unsigned)plan.gid);
  if (setresgid(plan.gid, plan.gid, plan.gid) < 0) fail(errno, "setresgid", "gid");
  trace("setresuid %u", (unsigned)plan.uid);
  if (setresuid(plan.uid, plan.uid, plan.uid) < 0) fail(errno, "setresuid", "uid");
  /* the kernel clears the parent-death signal when the effective ids change */
  if (plan.uid != 0 || plan.gid != 0) set_pdeathsig(" again");

  struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  for (int half = 0; half < 2; half++) {
    data[half].effective = (uint32_t)(plan.cap_effective >> (32 * half));
    data[half].permitted = (uint32_t)(plan.cap_permitted >> (32 * half));
    data[half].inheritable = (uint32_t)(plan.cap_inheritable >> (32 * half));
  }
  trace("capset e=%#llx p=%#llx i=%#llx", (unsigned long long)plan.cap_effective,
        (unsigned long long)plan.cap_permitted, (unsigned long long)plan.cap_inheritable);
  if (syscall(SYS_capset, &header, data) < 0) fail(errno, "capset", "effective/permitted/inheritable");

  trace("ambient %#llx", (unsigned long long)plan.cap_ambient);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) fail(errno, "ambient", "clear");
  for (int cap = 0; cap <= last_cap; cap++) {
    if (!(plan.cap_ambient & (1ULL << cap))) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0, 0) < 0) fail(errno, "ambient", "raise");
  }
}

static void inherit_stdio(void) {
  trace("stdio");
  for (int fd = 0; fd <= 2; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) continue; /* not open: the command gets it closed */
    if ((flags & FD_CLOEXEC) && fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0) fail(errno, "stdio", "fcntl");
  }
}

__attribute__((noreturn)) static void exec_failed(int err, const char *command) {
  int code = EXIT_SETUP;
  if (err == ENOENT) code = EXIT_NOT_FOUND;
  else if (err == EACCES || err == ENOEXEC || err == EISDIR || err == EPERM) code = EXIT_NOT_EXECUTABLE;
  fail_with(code, err, "execve", command);
}

/* execvpe's lookup, but with the container's PATH and without its /bin/sh fallback for ENOEXEC. */
__attribute__((noreturn)) static void exec_command(void) {
  static char candidate[PATH_MAX];
  const char *file = plan.argv[0], *search = DEFAULT_PATH;
  trace("execve %s", file);
  if (strchr(file, '/')) {
    execve(file, plan.argv, plan.envp);
    exec_failed(errno, file);
  }
  for (size_t i = 0; i < plan.envc; i++)
    if (strncmp(plan.envp[i], "PATH=", 5) == 0) search = plan.envp[i] + 5;
  size_t file_len = strlen(file);
  int denied = 0;
  if (file_len == 0) exec_failed(ENOENT, file);
  for (const char *dir = search;; dir++) {
    const char *end = strchrnul(dir, ':');
    size_t dir_len = (size_t)(end - dir);
    if (dir_len + 1 + file_len < sizeof candidate) {
      memcpy(candidate, dir, dir_len);
      size_t at = dir_len;
      if (dir_len > 0) candidate[at++] = '/'; /* an empty entry means the working directory */
      memcpy(candidate + at, file, file_len + 1);
      execve(candidate, plan.argv, plan.envp);
      if (errno == EACCES) denied = 1;
      else if (errno != ENOENT && errno != ENOTDIR && errno != ENAMETOOLONG) exec_failed(errno, file);
    }
    if (*end == '\0') break;
    dir = end;
  }
  exec_failed(denied ? EACCES : ENOENT, file);
}

/* fd 0 is the slave of a pty the CLI opened in the container's devpts: make it our controlling tty */
static void take_terminal(void) {
  trace("setsid+TIOCSCTTY");
  if (setsid() < 0) fail(errno, "setsid", "");
  if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0) fail(errno, "setsid+TIOCSCTTY", "fd 0");
}

/*
 * Not dumpable: no process of the container may ptrace us or open our /proc/PID/{exe,root,cwd,fd,mem} without
 * CAP_SYS_PTRACE (CVE-2016-9962). Set first thing, and again once the ids changed: the kernel then resets the flag
 * to fs.suid_dumpable, which a host may have set to 1. execve of the command gives it its own flag.
 */
static void stay_undumpable(const char *note) {
  if (note) trace("dumpable 0%s", note);
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) fail(errno, "dumpable", "PR_SET_DUMPABLE");
}

/*
 * Before anything else: continue from a sealed memfd copy of ourselves (native/sealed-exe.h), so that no process of
 * the container ever sees a berth-init whose /proc/PID/exe is the host's file. berth-monitor starts us from such a
 * copy already; `berth exec` spawns us from the file, in the host's namespaces, where no container sees us.
 */
static void run_sealed(int argc, char **argv) {
  if (running_sealed()) return;
  if (argc > 1 && strcmp(argv[1], SEALED_ARG) == 0) fail(EPERM, "seal", "not sealed after the re-exec");
  int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) fail(errno, "seal", "/proc/self/exe");
  int copy = sealed_copy(self, "berth-init");
  if (copy < 0) fail(errno, "seal", "memfd copy");
  char *args[] = {argv[0], SEALED_ARG, NULL};
  fexecve(copy, args, environ); /* fds 3, 4 and the namespace fds stay open across it */
  fail(errno, "seal", "fexecve");
}

/* The relay ends as the command ended: its exit code, or death by the same signal (without a core of its own). */
__attribute__((noreturn)) static void end_as(int status) {
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  int sig = WTERMSIG(status);
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(sig, SIG_DFL);
  kill(getpid(), sig);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  sigprocmask(SIG_UNBLOCK, &only, NULL);
  _exit(128 + sig);
}

/*
 * Exec mode, the parent after fork_command: it stays in the host's PID namespace (the container cannot see it), in
 * the container's cgroup, with the command's ids and capabilities. Signals (the CLI forwards SIGINT, SIGTERM, ...)
 * go on to the child; the child's end is its own. It keeps neither the command's stdio nor fd 4: the CLI reads those
 * to EOF.
 */
__attribute__((noreturn)) static void relay(pid_t child, const sigset_t *all) {
  for (int fd = 0; fd <= 2; fd++) close(fd);
  close(error_fd);
  for (;;) {
    int sig = sigwaitinfo(all, NULL);
    if (sig < 0) {
      if (errno == EINTR) continue;
      _exit(EXIT_SETUP);
    }
    if (sig != SIGCHLD) {
      kill(child, sig);
      continue;
    }
    int status;
    if (waitpid(child, &status, WNOHANG) == child) end_as(status);
  }
}

/*
 * Exec mode's last step before execve: fork the command into the container's PID namespace. The child is visible
 * there from birth, and by then it runs from the sealed copy, is not dumpable, is in the container's mounts, root and
 * cgroup, holds only fds 0-2 and the error pipe, and has the command's ids and capabilities. With detach=1 it forks
 * once more and exits, so the command is orphaned inside the container's PID namespace: reaped by the container's
 * PID 1, never by the host's init. The parent-death signal is the child's own (its parent is the relay, which has
 * one for the CLI); a pipe tells whether the relay died before the child asked for it.
 */
static void fork_command(void) {
  sigset_t all, mask;
  sigfillset(&all);
  if (sigprocmask(SIG_SETMASK, &all, &mask) < 0) fail(errno, "fork", "sigprocmask"); /* for the relay's sigwaitinfo */
  int alive[2] = {-1, -1};
  if (plan.pdeathsig && pipe2(alive, O_CLOEXEC) < 0) fail(errno, "fork", "pipe2");
  trace("fork");
  pid_t child = fork();
  if (child < 0) fail(errno, "fork", "command");
  if (child > 0) {
    if (alive[0] >= 0) close(alive[0]);
    relay(child, &all);
  }
  if (sigprocmask(SIG_SETMASK, &mask, NULL) < 0) fail(errno, "fork", "sigprocmask");
  if (alive[1] >= 0) close(alive[1]);
  if (plan.detach) {
    trace("fork");
    pid_t orphan = fork();
    if (orphan < 0) fail(errno, "fork", "detach");
    if (orphan > 0) _exit(0); /* the command's errors still reach fd 4: the orphan holds it until execve */
  }
  if (plan.tty) take_terminal();
  if (plan.pdeathsig) {
    set_pdeathsig("");
    struct pollfd relay_end = {.fd = alive[0], .events = POLLIN};
    if (poll(&relay_end, 1, 0) != 0) kill(getpid(), plan.pdeathsig); /* gone already: its signal is due */
    close(alive[0]);
  }
}

int main(int argc, char **argv) {
  run_sealed(argc, argv);
  stay_undumpable(NULL);
  /* fd 4 must not survive a successful execve: its EOF is how the CLI learns that exec worked */
  if (fcntl(ERROR_FD, F_SETFD, FD_CLOEXEC) < 0) error_fd = STDERR_FILENO;
  int last_cap = read_last_cap(); /* the host's /proc, before it is gone */
  read_plan();

  if (plan.exec) join_container();
  else {
    if (plan.cgroupns) {
      trace("unshare CLONE_NEWCGROUP");
      if (unshare(CLONE_NEWCGROUP) < 0) fail(errno, "unshare", "CLONE_NEWCGROUP");
    }
    if (plan.cgroupfs) mount_cgroupfs();
    if (plan.proc) mount_proc();
    enter_rootfs();
    mask_paths();
    readonly_paths();
    if (plan.rootfs_readonly) {
      trace("rootfs-readonly /");
      remount_readonly("/", "rootfs-readonly");
    }
  }
  set_rlimits();
  if (plan.tty && !plan.exec) take_terminal(); /* exec mode: the command's, after fork_command */
  set_pdeathsig("");
  enter_cwd();
  close_fds();
  if (plan.nonewprivs) {
    trace("nonewprivs");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail(errno, "nonewprivs", "PR_SET_NO_NEW_PRIVS");
  }
  set_capabilities(last_cap);
  stay_undumpable("");
  inherit_stdio();
  if (plan.exec) fork_command();
  exec_command();
}
