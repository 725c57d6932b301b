/*
 * berth-monitor: the small process that stays behind a detached container (`run -d`, `start`).
 * It is the parent of the container's berth-init: it reaps it, keeps its stdout/stderr, writes them to
 * Docker's json-file log, records the exit in the bundle, and runs `rm -f` for `--rm`. One per container,
 * static, single-threaded, no malloc: its resident memory is a few pages of static buffers.
 *
 *   CLI (Node, main thread)                berth-monitor (spawned)          berth-init (PID 1 of the container)
 *   -----------------------                -----------------------          -----------------------------------
 *   unshare mnt/uts/ipc/net (not pid),
 *   build the rootfs, open
 *   /proc/self/ns/{mnt,uts,ipc,net},
 *   setns back to the host
 *   spawn(berth-monitor, fd3=plan,
 *     fd4=init errors, fd5=status,
 *     ns fds, [pty master+slave])  ---->  fork; parent exits; setsid
 *                                          write bundle/monitor.pid
 *                                          pipes for stdout/stderr
 *                                          clone(CLONE_NEWPID) ------------> setns(net, ipc, uts, mnt)
 *                                          close fds 3, 4, ns fds             stdio = pipes (or pty slave)
 *   read "pid N" on fd 5   <-------------  write "pid N\n", close fd 5        close fds > 4; execve(berth-init)
 *   write the plan on fd 3 -------------------------------------------------> parse plan, wait for go
 *   join N to the cgroup, save state
 *   write "g", close fd 3  -------------------------------------------------> pivot_root ... execve(user cmd)
 *   read fd 4 until EOF    <-------------------------------------------------  error line, or EOF on execve
 *   exit (container keeps running)         poll(stdout, stderr, pidfd):
 *                                            each line -> <id>-json.log
 *                                          pidfd readable: waitpid, write
 *                                            exit.json (tmp + rename), drain
 *                                          unlink monitor.pid
 *                                          [--rm] execve(node berth --root R rm -f -v ID)
 *                                          [--restart, unless stopped by hand] sleep the back-off,
 *                                            execve(node berth --root R start ID): a new monitor
 *                                            takes over, this one is gone
 *
 * The monitor itself never enters the container's namespaces: only its child does (setns on the fds the CLI
 * opened while it was inside, and CLONE_NEWPID at clone time, so berth-init is PID 1 of a fresh PID namespace).
 * It has no PDEATHSIG and its own session: killing the CLI never kills it. If the CLI dies before the go byte,
 * berth-init reads EOF on fd 3 and exits 125 having run nothing; the monitor records that exit like any other.
 *
 * Usage: berth-monitor --id ID --bundle DIR --init PATH [--new-pid] [--ns KIND:FD]... [--tty MASTER:SLAVE]
 *                      [--cli NODE:SCRIPT:ROOT [--rm 1] [--restart KIND:MAX:COUNT:TIMEOUT_MS]]
 * Restart policies follow Docker's restart manager: always / unless-stopped restart after any exit,
 * on-failure[:MAX] after a non-zero one while COUNT < MAX (0: no limit); the wait is 100 ms, doubled
 * after each restart (TIMEOUT_MS is the last one, handed on in $BERTH_RESTART_TIMEOUT_MS), at most 1 min,
 * and back to 100 ms after a run of 10 s. `stop`, `kill` and `rm -f` leave DIR/manually-stopped: no restart.
 * Files in DIR: monitor.pid ("<pid>\n"), <ID>-json.log (appended), exit.json
 * ({"exitCode":N,"signal":S,"pid":P,"finishedAt":"..."}; P is berth-init's host pid, to match the state).
 * Errors before the status line: "error <text>\n" on fd 5, exit 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PLAN_FD 3
#define ERROR_FD 4
#define STATUS_FD 5
#define MAX_NS 4
#define LINE_MAX_BYTES 16384 /* Docker splits lines longer than its 16 KiB buffer */
#define DRAIN_MS 2000        /* after PID 1 exits, wait this long at most for the pipes to close */
#define PATH_BYTES 4096

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

struct stream {
  const char *name; /* "stdout" or "stderr" */
  int fd;           /* read end, -1 once closed */
  size_t used;
  char buf[LINE_MAX_BYTES];
};

struct options {
  const char *id, *bundle, *init;
  int new_pid;
  char ns_kind[MAX_NS][8];
  int ns_fd[MAX_NS];
  int nns;
  int tty_master, tty_slave;
  const char *cli_node, *cli_script, *cli_root; /* bin/berth, for --rm and restarts */
  int remove;
  char restart_kind[16]; /* "" (none), always, unless-stopped, on-failure */
  long restart_max, restart_count, restart_timeout_ms;
};

static struct options opt = {.tty_master = -1, .tty_slave = -1};
static struct stream out_stream = {.name = "stdout", .fd = -1};
static struct stream err_stream = {.name = "stderr", .fd = -1};
static char json_line[LINE_MAX_BYTES * 6 + 256]; /* worst case: every byte escaped as \u00XX */
static char log_path[PATH_BYTES], exit_path[PATH_BYTES], exit_tmp[PATH_BYTES], pid_path[PATH_BYTES], stopped_path[PATH_BYTES];
static char cli_args[3][PATH_BYTES];
static int log_fd = -1;

/* ---- small helpers ------------------------------------------------------------------------------- */

static void write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    len -= (size_t)n;
  }
}

/* Before the status line the CLI is listening on fd 5: tell it why, and give up. */
__attribute__((noreturn)) static void fail(const char *what, int err) {
  char line[512];
  int n = snprintf(line, sizeof line, "error %s: %s\n", what, strerror(err));
  if (n > 0) write_all(STATUS_FD, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  _exit(1);
}

static void join_path(char *dst, const char *dir, const char *name, const char *suffix) {
  int n = snprintf(dst, PATH_BYTES, "%s/%s%s", dir, name, suffix);
  if (n < 0 || n >= PATH_BYTES) fail("path too long", ENAMETOOLONG);
}

static int parse_fd(const char *text) {
  char *end;
  long v = strtol(text, &end, 10);
  if (end == text || v < 0 || v > 1 << 20) fail("bad fd argument", EINVAL);
  return (int)v;
}

/* RFC 3339 in UTC with nanoseconds, as Docker writes its log times. */
static void format_time(char *dst, size_t cap, const struct timespec *ts) {
  struct tm tm;
  gmtime_r(&ts->tv_sec, &tm);
  snprintf(dst, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
           tm.tm_min, tm.tm_sec, ts->tv_nsec);
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ns_flag(const char *kind) {
  if (strcmp(kind, "mnt") == 0) return CLONE_NEWNS;
  if (strcmp(kind, "uts") == 0) return CLONE_NEWUTS;
  if (strcmp(kind, "ipc") == 0) return CLONE_NEWIPC;
  if (strcmp(kind, "net") == 0) return CLONE_NEWNET;
  return -1;
}

/* ---- arguments ----------------------------------------------------------------------------------- */

static void parse_args(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--new-pid") == 0) {
      opt.new_pid = 1;
      continue;
    }
    if (!v) fail("missing value after option", EINVAL);
    i++;
    if (strcmp(a, "--id") == 0) {
      opt.id = v;
    } else if (strcmp(a, "--bundle") == 0) {
      opt.bundle = v;
    } else if (strcmp(a, "--init") == 0) {
      opt.init = v;
    } else if (strcmp(a, "--ns") == 0) {
      const char *colon = strchr(v, ':');
      size_t len = colon ? (size_t)(colon - v) : 0;
      if (!colon || len >= sizeof opt.ns_kind[0] || opt.nns == MAX_NS) fail("bad --ns", EINVAL);
      memcpy(opt.ns_kind[opt.nns], v, len); /* a copy: argv stays as `ps` shows it */
      opt.ns_kind[opt.nns][len] = '\0';
      if (ns_flag(opt.ns_kind[opt.nns]) < 0) fail("bad --ns kind", EINVAL);
      opt.ns_fd[opt.nns++] = parse_fd(colon + 1);
    } else if (strcmp(a, "--tty") == 0) {
      const char *colon = strchr(v, ':');
      if (!colon) fail("bad --tty", EINVAL);
      opt.tty_master = parse_fd(v);
      opt.tty_slave = parse_fd(colon + 1);
    } else if (strcmp(a, "--cli") == 0) {
      /* NODE:SCRIPT:ROOT; paths with ':' are refused by the CLI before we get here */
      const char *c1 = strchr(v, ':');
      const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
      if (!c2 || (size_t)(c2 - v) >= PATH_BYTES || strlen(c2) >= PATH_BYTES) fail("bad --cli", EINVAL);
      memcpy(cli_args[0], v, (size_t)(c1 - v));
      memcpy(cli_args[1], c1 + 1, (size_t)(c2 - c1 - 1));
      strcpy(cli_args[2], c2 + 1);
      opt.cli_node = cli_args[0];
      opt.cli_script = cli_args[1];
      opt.cli_root = cli_args[2];
    } else if (strcmp(a, "--rm") == 0) {
      opt.remove = strcmp(v, "1") == 0;
    } else if (strcmp(a, "--restart") == 0) {
      /* KIND:MAX:COUNT:TIMEOUT_MS (the count and back-off of the restarts so far) */
      char kind[16];
      if (sscanf(v, "%15[a-z-]:%ld:%ld:%ld", kind, &opt.restart_max, &opt.restart_count, &opt.restart_timeout_ms) != 4)
        fail("bad --restart", EINVAL);
      if (strcmp(kind, "no") != 0) strcpy(opt.restart_kind, kind);
    } else {
      fail("unknown option", EINVAL);
    }
  }
  if (!opt.id || !opt.bundle || !opt.init) fail("usage: --id, --bundle and --init are required", EINVAL);
  if ((opt.remove || opt.restart_kind[0]) && !opt.cli_node) fail("usage: --rm and --restart need --cli", EINVAL);
}

/* ---- files in the bundle ------------------------------------------------------------------------- */

/* Writes a small file through tmp + rename, so a reader sees all of it or nothing. */
static int write_file_atomic(const char *path, const char *tmp, const char *data, size_t len) {
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  write_all(fd, data, len);
  fsync(fd);
  close(fd);
  return rename(tmp, path);
}

static void write_pid_file(void) {
  char tmp[PATH_BYTES + 8], line[32];
  int n = snprintf(line, sizeof line, "%d\n", (int)getpid());
  snprintf(tmp, sizeof tmp, "%s.tmp", pid_path);
  if (write_file_atomic(pid_path, tmp, line, (size_t)n) < 0) fail("write monitor.pid", errno);
}

static void write_exit_file(int status, pid_t pid) {
  char line[256], when[64];
  struct timespec ts;
  int code = 255, sig = 0;
  if (WIFEXITED(status)) code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    sig = WTERMSIG(status);
    code = 128 + sig;
  }
  clock_gettime(CLOCK_REALTIME, &ts);
  format_time(when, sizeof when, &ts);
  int n = snprintf(line, sizeof line, "{\"exitCode\":%d,\"signal\":%d,\"pid\":%d,\"finishedAt\":\"%s\"}\n", code, sig,
                   (int)pid, when);
  write_file_atomic(exit_path, exit_tmp, line, (size_t)n);
}

/* ---- json-file log ------------------------------------------------------------------------------- */

/* One Docker json-file record: {"log":"<escaped bytes>","stream":"stdout","time":"..."} */
static void log_record(const char *stream, const char *data, size_t len) {
  static const char hex[] = "0123456789abcdef";
  char when[64];
  struct timespec ts;
  size_t at = 0;
  clock_gettime(CLOCK_REALTIME, &ts);
  format_time(when, sizeof when, &ts);
  memcpy(json_line, "{\"log\":\"", 8);
  at = 8;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)data[i];
    switch (c) {
    case '"': json_line[at++] = '\\'; json_line[at++] = '"'; break;
    case '\\': json_line[at++] = '\\'; json_line[at++] = '\\'; break;
    case '\n': json_line[at++] = '\\'; json_line[at++] = 'n'; break;
    case '\r': json_line[at++] = '\\'; json_line[at++] = 'r'; break;
    case '\t': json_line[at++] = '\\'; json_line[at++] = 't'; break;
    default:
      /* control characters, and < > & as Go's encoder writes them */
      if (c < 0x20 || c == '<' || c == '>' || c == '&') {
        memcpy(json_line + at, "\\u00", 4);
        json_line[at + 4] = hex[c >> 4];
        json_line[at + 5] = hex[c & 15];
        at += 6;
      } else {
        json_line[at++] = (char)c;
      }
    }
  }
  at += (size_t)snprintf(json_line + at, sizeof json_line - at, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream, when);
  if (log_fd >= 0) write_all(log_fd, json_line, at);
}

/* Emits every complete line in the buffer; a full buffer without a newline goes out as a partial line. */
static void flush_lines(struct stream *s, int all) {
  size_t start = 0;
  for (size_t i = 0; i < s->used; i++) {
    if (s->buf[i] == '\n') {
      log_record(s->name, s->buf + start, i + 1 - start);
      start = i + 1;
    }
  }
  if (start < s->used && (all || (start == 0 && s->used == sizeof s->buf))) {
    log_record(s->name, s->buf + start, s->used - start);
    start = s->used;
  }
  memmove(s->buf, s->buf + start, s->used - start);
  s->used -= start;
}

/* Reads what is there; on EOF (or EIO from a pty whose slave closed) flushes the rest and closes. */
static void pump(struct stream *s) {
  ssize_t n = read(s->fd, s->buf + s->used, sizeof s->buf - s->used);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    flush_lines(s, 1);
    close(s->fd);
    s->fd = -1;
    return;
  }
  s->used += (size_t)n;
  flush_lines(s, 0);
}

/* ---- the container's init ------------------------------------------------------------------------ */


/* In the child: report on the init error pipe in berth-init's own format, so the CLI words it the same way. */
__attribute__((noreturn)) static void child_fail(const char *step, const char *detail) {
  char line[512];
  int err = errno;
  int n = snprintf(line, sizeof line, "%d\t%s\t%s\n", err, step, detail);
  if (n > 0) write_all(ERROR_FD, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  _exit(125);
}

__attribute__((noreturn)) static void exec_init(int out_w, int err_w) {
  /* mnt last: the other fds were opened before, and nothing here resolves a path until execve */
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < opt.nns; i++) {
      int is_mnt = strcmp(opt.ns_kind[i], "mnt") == 0;
      if (is_mnt != pass) continue;
      if (setns(opt.ns_fd[i], ns_flag(opt.ns_kind[i])) < 0) child_fail("setns", opt.ns_kind[i]);
    }
  }
  if (opt.tty_slave >= 0) {
    for (int fd = 0; fd < 3; fd++)
      if (dup2(opt.tty_slave, fd) < 0) child_fail("stdio", "dup2");
  } else {
    /* fd 0 stays the /dev/null the CLI gave the monitor */
    if (dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0) child_fail("stdio", "dup2");
  }
  if (syscall(SYS_close_range, STATUS_FD, ~0U, 0) < 0) child_fail("close_range", "5..~0");
  char *argv[] = {(char *)opt.init, NULL};
  char *envp[] = {NULL};
  execve(opt.init, argv, envp);
  child_fail("execve", opt.init);
}

static pid_t start_init(void) {
  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  if (opt.tty_master >= 0) {
    out_stream.fd = opt.tty_master;
  } else {
    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) fail("pipe2", errno);
    out_stream.fd = out_pipe[0];
    err_stream.fd = err_pipe[0];
  }
  /* A raw clone acts as fork here; CLONE_NEWPID makes the child PID 1 of a new PID namespace. */
  long pid = syscall(SYS_clone, (unsigned long)(SIGCHLD | (opt.new_pid ? CLONE_NEWPID : 0)), 0, 0, 0, 0);
  if (pid < 0) fail("clone", errno);
  if (pid == 0) exec_init(out_pipe[1], err_pipe[1]);
  if (out_pipe[1] >= 0) close(out_pipe[1]);
  if (err_pipe[1] >= 0) close(err_pipe[1]);
  if (opt.tty_slave >= 0) close(opt.tty_slave);
  for (int i = 0; i < opt.nns; i++) close(opt.ns_fd[i]);
  close(PLAN_FD);
  close(ERROR_FD);
  return (pid_t)pid;
}

/* ---- after the exit: --rm and restart policies --------------------------------------------------- */

#define RESTART_TIMEOUT_FIRST_MS 100   /* Docker's restart manager: 100 ms, doubled each time, */
#define RESTART_TIMEOUT_MAX_MS 60000   /* at most one minute, */
#define RESTART_RESET_AFTER_MS 10000   /* back to 100 ms once a run lasted 10 s */

/* `berth stop`, `kill` and `rm -f` leave this file: a container stopped by hand is not restarted. */
static int stopped_by_user(void) {
  return access(stopped_path, F_OK) == 0;
}

/* The back-off before a restart, or -1 when the policy says no. */
static long restart_delay(int status, long long ran_ms) {
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  if (!opt.restart_kind[0] || opt.remove || stopped_by_user()) return -1;
  if (strcmp(opt.restart_kind, "on-failure") == 0) {
    if (code == 0) return -1;
    if (opt.restart_max > 0 && opt.restart_count >= opt.restart_max) return -1;
  } else if (strcmp(opt.restart_kind, "always") != 0 && strcmp(opt.restart_kind, "unless-stopped") != 0) {
    return -1;
  }
  long timeout = ran_ms >= RESTART_RESET_AFTER_MS ? 0 : opt.restart_timeout_ms;
  timeout = timeout <= 0 ? RESTART_TIMEOUT_FIRST_MS : timeout * 2;
  return timeout > RESTART_TIMEOUT_MAX_MS ? RESTART_TIMEOUT_MAX_MS : timeout;
}

/* Replaces the monitor with `node bin/berth --root R VERB ID` (quiet: nobody reads its output). */
static void run_cli(const char *verb, char *extra_env) {
  char *argv[] = {(char *)opt.cli_node, (char *)opt.cli_script, "--root", (char *)opt.cli_root, (char *)verb, NULL, NULL,
                  NULL, NULL};
  int at = 5;
  if (strcmp(verb, "rm") == 0) argv[at++] = "-f", argv[at++] = "-v";
  argv[at] = (char *)opt.id;
  char *envp[64];
  size_t n = 0;
  for (char **e = environ; *e && n < 62; e++) envp[n++] = *e;
  if (extra_env) envp[n++] = extra_env;
  envp[n] = NULL;
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull >= 0) dup2(devnull, 1), dup2(devnull, 2);
  execve(opt.cli_node, argv, envp);
}

/* ---- main ---------------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  parse_args(argc, argv);
  join_path(log_path, opt.bundle, opt.id, "-json.log");
  join_path(exit_path, opt.bundle, "exit.json", "");
  join_path(exit_tmp, opt.bundle, ".exit.json", ".tmp");
  join_path(pid_path, opt.bundle, "monitor.pid", "");
  join_path(stopped_path, opt.bundle, "manually-stopped", "");

  /* Detach: the process the CLI spawned exits at once, the monitor lives on in its own session. */
  pid_t first = fork();
  if (first < 0) fail("fork", errno);
  if (first > 0) _exit(0);
  if (setsid() < 0) fail("setsid", errno);
  if (chdir("/") < 0) fail("chdir /", errno);

  unlink(exit_path);
  log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (log_fd < 0) fail("open the log", errno);
  write_pid_file();
  pid_t init = start_init();
  long long started_ms = now_ms();
  pid_t init_pid = init;
  int pidfd = (int)syscall(SYS_pidfd_open, init, 0);
  if (pidfd < 0) fail("pidfd_open", errno);

  char line[32];
  int n = snprintf(line, sizeof line, "pid %d\n", (int)init);
  write_all(STATUS_FD, line, (size_t)n);
  close(STATUS_FD);

  int status = 0, exited = 0;
  long long deadline = 0;
  for (;;) {
    struct pollfd fds[3];
    struct stream *which[3];
    nfds_t count = 0;
    if (out_stream.fd >= 0) which[count] = &out_stream, fds[count++] = (struct pollfd){out_stream.fd, POLLIN, 0};
    if (err_stream.fd >= 0) which[count] = &err_stream, fds[count++] = (struct pollfd){err_stream.fd, POLLIN, 0};
    nfds_t streams = count;
    if (!exited) fds[count++] = (struct pollfd){pidfd, POLLIN, 0};
    if (exited && streams == 0) break;
    int timeout = -1;
    if (exited) {
      long long left = deadline - now_ms();
      if (left <= 0) break;
      timeout = (int)left;
    }
    int ready = poll(fds, count, timeout);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (nfds_t i = 0; i < streams; i++)
      if (fds[i].revents) pump(which[i]);
    if (!exited && fds[count - 1].revents) {
      if (waitpid(init, &status, 0) == init) {
        /* Recorded at once: readers that find the process gone wait only for this file, not for the drain. */
        write_exit_file(status, init_pid);
        exited = 1;
        deadline = now_ms() + DRAIN_MS;
      }
    }
  }
  if (out_stream.fd >= 0) flush_lines(&out_stream, 1);
  if (err_stream.fd >= 0) flush_lines(&err_stream, 1);
  if (!exited) write_exit_file(status, init_pid);
  unlink(pid_path); /* last: `logs -f` ends once this is gone, with every line written */
  if (opt.remove) run_cli("rm", NULL);
  long delay = restart_delay(status, now_ms() - started_ms);
  if (delay >= 0) {
    struct timespec pause = {delay / 1000, (delay % 1000) * 1000000L};
    while (nanosleep(&pause, &pause) < 0 && errno == EINTR) {
    }
    char timeout_env[64];
    snprintf(timeout_env, sizeof timeout_env, "BERTH_RESTART_TIMEOUT_MS=%ld", delay);
    if (!stopped_by_user()) run_cli("start", timeout_env); /* a stop during the back-off cancels it */
  }
  return 0;
}
