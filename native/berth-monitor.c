/*
 * berth-monitor: the small process that stays behind every container (`run`, `run -d`, `start`).
 * It is the parent of the container's berth-init: it reaps it, keeps its stdout/stderr, writes them to
 * Docker's json-file log, serves attached clients on a unix socket (output out, stdin in, window size),
 * records the exit in the bundle, and runs `rm -f` for `--rm`. One per container, static,
 * single-threaded, no malloc: its resident memory is a few pages of static buffers.
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
 *                                          listen on the attach socket
 *                                          pipes for stdout/stderr
 *                                          memfd copy of --init, sealed
 *                                          clone(CLONE_NEWPID) ------------> not dumpable; setns(net, ipc, uts, mnt)
 *                                          close fds 3, 4, ns fds, copy       stdio = pipes (or pty slave)
 *   read "pid N" on fd 5   <-------------  write "pid N\n", close fd 5        close fds > 5; fexecve(the copy)
 *   write the plan on fd 3 -------------------------------------------------> parse plan, wait for go
 *   join N to the cgroup, save state
 *   [attached: connect to the socket,
 *    maybe send the owner frame]
 *   write "g", close fd 3  -------------------------------------------------> pivot_root ... execve(user cmd)
 *   read fd 4 until EOF    <-------------------------------------------------  error line, or EOF on execve
 *   exit, or relay the attach socket       poll(socket, clients, stdout, stderr, stdin, pidfd):
 *   until it ends                            each chunk -> every client; each line -> <id>-json.log
 *                                            client frames -> stdin (a pipe with -i, else the pty)
 *                                          pidfd readable: waitpid, write
 *                                            exit.json (tmp + rename), drain
 *                                          unlink monitor.pid, close the clients (their end of stream)
 *                                          [--rm, no owner attached] execve(node berth --root R rm -f -v ID)
 *                                          [--restart, unless stopped by hand] sleep the back-off,
 *                                            execve(node berth --root R start ID): a new monitor
 *                                            takes over, this one is gone
 *
 * The monitor itself never enters the container's namespaces: only its child does (setns on the fds the CLI
 * opened while it was inside, and CLONE_NEWPID at clone time, so berth-init is PID 1 of a fresh PID namespace).
 * That child execs berth-init from a sealed memfd copy (native/sealed-exe.h), never from the host file: through
 * /proc/1/exe the container could otherwise reopen the file for writing once berth-init has exec'd its command.
 * It has no PDEATHSIG and its own session: killing the CLI never kills it. If the CLI dies before the go byte,
 * berth-init reads EOF on fd 3 and exits 125 having run nothing; the monitor records that exit like any other.
 *
 * Usage: berth-monitor --id ID --bundle DIR --init PATH [--new-pid] [--ns KIND:FD]... [--tty MASTER:SLAVE]
 *                      [--attach SOCKET [--stdin 1]] [--cli NODE:SCRIPT:ROOT [--rm 1] [--restart KIND:MAX:COUNT:TIMEOUT_MS]]
 * Attach frames (src/runtime/attach-protocol.ts): 8-byte header [kind, 0, 0, 0, length u32 big-endian] + payload;
 * to clients 1 stdout / 2 stderr; from clients 0 stdin, 1 close stdin, 2 window size (rows, cols u16),
 * 3 owner (the client removes a --rm container itself). Writes to clients block: a slow reader slows the
 * container as a pipe would; a client that fails is dropped. Stdin is buffered (64 KiB) and written non-blocking.
 * Restart policies follow Docker's restart manager: always / unless-stopped restart after any exit,
 * on-failure[:MAX] after a non-zero one while COUNT < MAX (0: no limit); the wait is 100 ms, doubled
 * after each restart (TIMEOUT_MS is the last one, handed on in $BERTH_RESTART_TIMEOUT_MS), at most 1 min,
 * and back to 100 ms after a run of 10 s. `stop`, `kill` and `rm -f` leave DIR/manually-stopped: no restart.
 * `update --restart` leaves DIR/restart-policy ("KIND:MAX"), read at the exit in place of --restart.
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sealed-exe.h"
#include "write-all.h"

#define PLAN_FD 3
#define ERROR_FD 4
#define STATUS_FD 5
#define MAX_NS 4
#define LINE_MAX_BYTES 16384 /* Docker splits lines longer than its 16 KiB buffer */
#define DRAIN_MS 2000        /* after PID 1 exits, wait this long at most for the pipes to close */
#define PATH_BYTES 4096
#define MAX_CLIENTS 8
#define FRAME_HEADER 8        /* attach frames: [kind, 0, 0, 0, length (u32, big-endian)] then the payload */
#define FRAME_MAX_PAYLOAD 4096
#define STDIN_BUFFER 65536

/* Frames from a client (berth run/attach/start -a) to the monitor. */
enum { IN_STDIN = 0, IN_CLOSE_STDIN = 1, IN_RESIZE = 2, IN_OWNER = 3 };
/* Frames to clients: Docker's stream numbers. */
enum { OUT_STDOUT = 1, OUT_STDERR = 2 };

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

struct stream {
  const char *name; /* "stdout" or "stderr" */
  int kind;         /* OUT_STDOUT or OUT_STDERR, in frames to clients */
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
  const char *attach;   /* the attach socket's path, or NULL */
  int open_stdin;       /* -i: the container's stdin is a pipe (or the pty) fed by clients, open while it runs */
};

/* An attached client: output frames go to it (blocking writes: a slow reader slows the container, as a pipe
 * would); its input frames feed the container's stdin. */
struct client {
  int fd; /* -1: free slot */
  int owner; /* sent IN_OWNER: it removes a --rm container itself */
  size_t used;
  unsigned char buf[FRAME_HEADER + FRAME_MAX_PAYLOAD];
};

static struct options opt = {.tty_master = -1, .tty_slave = -1};
static struct stream out_stream = {.name = "stdout", .kind = OUT_STDOUT, .fd = -1};
static struct stream err_stream = {.name = "stderr", .kind = OUT_STDERR, .fd = -1};
static struct client clients[MAX_CLIENTS];
static int listen_fd = -1;
static int stdin_fd = -1;          /* write end of the container's stdin (non-blocking), -1 when closed or absent */
static int stdin_close_pending;    /* a client closed stdin: close it once the buffer is written */
static size_t stdin_used;
static unsigned char stdin_buf[STDIN_BUFFER];
static char json_line[LINE_MAX_BYTES * 6 + 256]; /* worst case: every byte escaped as \u00XX */
static char log_path[PATH_BYTES], exit_path[PATH_BYTES], exit_tmp[PATH_BYTES], pid_path[PATH_BYTES], stopped_path[PATH_BYTES];
static char policy_path[PATH_BYTES];
static char cli_args[3][PATH_BYTES];
static int log_fd = -1;

/* ---- small helpers ------------------------------------------------------------------------------- */

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
    } else if (strcmp(a, "--attach") == 0) {
      if (strlen(v) >= sizeof ((struct sockaddr_un *)0)->sun_path) fail("attach socket path too long", ENAMETOOLONG);
      opt.attach = v;
    } else if (strcmp(a, "--stdin") == 0) {
      opt.open_stdin = strcmp(v, "1") == 0;
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

/* ---- attach socket ------------------------------------------------------------------------------- */

static void put_u32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static uint32_t get_u32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void drop_client(struct client *c) {
  close(c->fd);
  c->fd = -1;
  c->used = 0;
  c->owner = 0;
}

/* One frame to every client; a client whose socket fails (it went away) is dropped. */
static void send_to_clients(int kind, const char *data, size_t len) {
  unsigned char header[FRAME_HEADER] = {(unsigned char)kind, 0, 0, 0};
  put_u32(header + 4, (uint32_t)len);
  for (int i = 0; i < MAX_CLIENTS; i++) {
    struct client *c = &clients[i];
    if (c->fd < 0) continue;
    int ok = 1;
    for (int part = 0; part < 2 && ok; part++) {
      const unsigned char *p = part == 0 ? header : (const unsigned char *)data;
      size_t left = part == 0 ? sizeof header : len;
      while (left > 0) {
        ssize_t n = send(c->fd, p, left, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          ok = 0;
          break;
        }
        p += n;
        left -= (size_t)n;
      }
    }
    if (!ok) drop_client(c);
  }
}

/* The listening socket, made before the status line so that a client can connect before the go byte. */
static void listen_attach(void) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strcpy(addr.sun_path, opt.attach); /* length checked in parse_args */
  unlink(opt.attach);
  listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd < 0) fail("socket", errno);
  mode_t old = umask(077); /* root only: an attached client may write to the container's stdin */
  int bound = bind(listen_fd, (struct sockaddr *)&addr, sizeof addr);
  umask(old);
  if (bound < 0) fail("bind the attach socket", errno);
  if (listen(listen_fd, MAX_CLIENTS) < 0) fail("listen", errno);
}

static void accept_clients(void) {
  for (;;) {
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) return; /* EAGAIN: no more waiting */
    int slot = -1;
    for (int i = 0; i < MAX_CLIENTS && slot < 0; i++)
      if (clients[i].fd < 0) slot = i;
    if (slot < 0) {
      close(fd);
      continue;
    }
    clients[slot].fd = fd;
    clients[slot].used = 0;
    clients[slot].owner = 0;
  }
}

static void close_stdin(void) {
  if (stdin_fd >= 0) close(stdin_fd);
  stdin_fd = -1;
  stdin_used = 0;
  stdin_close_pending = 0;
}

/* Writes what the container's stdin takes now (non-blocking); closes it when a client asked and all is written. */
static void flush_stdin(void) {
  while (stdin_fd >= 0 && stdin_used > 0) {
    ssize_t n = write(stdin_fd, stdin_buf, stdin_used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      close_stdin(); /* the container closed its end */
      return;
    }
    memmove(stdin_buf, stdin_buf + n, stdin_used - (size_t)n);
    stdin_used -= (size_t)n;
  }
  if (stdin_close_pending && stdin_used == 0) close_stdin();
}

static void handle_frame(struct client *c, int kind, const unsigned char *payload, size_t len) {
  if (kind == IN_STDIN) {
    if (stdin_fd < 0 || stdin_close_pending) return; /* no stdin (not -i), or already closed: dropped as Docker does */
    memcpy(stdin_buf + stdin_used, payload, len); /* room checked before reading (client_room) */
    stdin_used += len;
    flush_stdin();
  } else if (kind == IN_CLOSE_STDIN) {
    /* A pty has no end of input to pass on: only a pipe is closed. */
    if (stdin_fd >= 0 && opt.tty_master < 0) {
      stdin_close_pending = 1;
      flush_stdin();
    }
  } else if (kind == IN_RESIZE && len == 4 && opt.tty_master >= 0 && out_stream.fd >= 0) {
    struct winsize ws = {.ws_row = (unsigned short)(payload[0] << 8 | payload[1]),
                         .ws_col = (unsigned short)(payload[2] << 8 | payload[3])};
    ioctl(out_stream.fd, TIOCSWINSZ, &ws);
  } else if (kind == IN_OWNER) {
    c->owner = 1;
  }
}

/* A client is read only while the stdin buffer has room for a whole frame. */
static int client_room(void) {
  return sizeof stdin_buf - stdin_used >= FRAME_MAX_PAYLOAD;
}

/* Handles the whole frames a client has sent, while the stdin buffer has room. */
static void process_client(struct client *c) {
  while (c->fd >= 0 && c->used >= FRAME_HEADER && client_room()) {
    uint32_t len = get_u32(c->buf + 4);
    if (len > FRAME_MAX_PAYLOAD) {
      drop_client(c); /* not our protocol */
      return;
    }
    if (c->used < FRAME_HEADER + len) return;
    handle_frame(c, c->buf[0], c->buf + FRAME_HEADER, len);
    size_t frame = FRAME_HEADER + len;
    memmove(c->buf, c->buf + frame, c->used - frame);
    c->used -= frame;
  }
}

static void read_client(struct client *c) {
  ssize_t n = recv(c->fd, c->buf + c->used, sizeof c->buf - c->used, MSG_DONTWAIT);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    drop_client(c); /* detached, or gone */
    return;
  }
  c->used += (size_t)n;
  process_client(c);
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
  send_to_clients(s->kind, s->buf + s->used, (size_t)n);
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

__attribute__((noreturn)) static void exec_init(int in_r, int out_w, int err_w, int init_exe) {
  /* PID 1 of the new PID namespace, alone in it until berth-init execs the command; not dumpable regardless. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) child_fail("dumpable", "PR_SET_DUMPABLE");
  /* Ignored signals stay ignored across execve: the container must not inherit the monitor's SIG_IGN. */
  signal(SIGPIPE, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
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
    /* without -i, fd 0 stays the /dev/null the CLI gave the monitor */
    if (in_r >= 0 && dup2(in_r, 0) < 0) child_fail("stdio", "dup2");
    if (dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0) child_fail("stdio", "dup2");
  }
  /* the sealed copy takes fd 5 (the status pipe is the parent's), close-on-exec like every fd above 4 */
  if (dup3(init_exe, STATUS_FD, O_CLOEXEC) < 0) child_fail("stdio", "dup3");
  if (syscall(SYS_close_range, STATUS_FD + 1, ~0U, 0) < 0) child_fail("close_range", "6..~0");
  char *argv[] = {(char *)opt.init, NULL};
  char *envp[] = {NULL};
  fexecve(STATUS_FD, argv, envp);
  child_fail("execve", opt.init);
}

static pid_t start_init(void) {
  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  if (opt.tty_master >= 0) {
    out_stream.fd = opt.tty_master;
    /* keystrokes go to the master; its own fd, so that closing either side's use leaves the other */
    if (opt.open_stdin && (stdin_fd = fcntl(opt.tty_master, F_DUPFD_CLOEXEC, 0)) < 0) fail("dup", errno);
  } else {
    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) fail("pipe2", errno);
    if (opt.open_stdin && pipe2(in_pipe, O_CLOEXEC) < 0) fail("pipe2", errno);
    out_stream.fd = out_pipe[0];
    err_stream.fd = err_pipe[0];
    stdin_fd = in_pipe[1];
  }
  /* berth-init runs from a sealed copy made here, in the host's namespaces (native/sealed-exe.h, CVE-2019-5736) */
  int file = open(opt.init, O_RDONLY | O_CLOEXEC);
  if (file < 0) fail("open berth-init", errno);
  int init_exe = sealed_copy(file, "berth-init");
  if (init_exe < 0) fail("seal a copy of berth-init", errno);
  close(file);
  /* A raw clone acts as fork here; CLONE_NEWPID makes the child PID 1 of a new PID namespace. */
  long pid = syscall(SYS_clone, (unsigned long)(SIGCHLD | (opt.new_pid ? CLONE_NEWPID : 0)), 0, 0, 0, 0);
  if (pid < 0) fail("clone", errno);
  if (pid == 0) exec_init(in_pipe[0], out_pipe[1], err_pipe[1], init_exe);
  close(init_exe);
  if (in_pipe[0] >= 0) close(in_pipe[0]);
  if (stdin_fd >= 0 && fcntl(stdin_fd, F_SETFL, O_NONBLOCK) < 0) fail("fcntl", errno);
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

/* `berth update --restart` of a running container leaves DIR/restart-policy ("KIND:MAX"): it wins over --restart. */
static void reread_restart_policy(void) {
  char text[64], kind[16];
  long max;
  int fd = open(policy_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return;
  text[n] = '\0';
  if (sscanf(text, "%15[a-z-]:%ld", kind, &max) != 2) return;
  strcpy(opt.restart_kind, strcmp(kind, "no") == 0 ? "" : kind);
  opt.restart_max = max;
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
  join_path(policy_path, opt.bundle, "restart-policy", "");

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
  for (int i = 0; i < MAX_CLIENTS; i++) clients[i].fd = -1;
  if (opt.attach) listen_attach();
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
    /* listening socket, clients, stdout, stderr, stdin, pidfd */
    struct pollfd fds[MAX_CLIENTS + 5];
    struct client *client_at[MAX_CLIENTS + 5] = {0};
    struct stream *stream_at[MAX_CLIENTS + 5] = {0};
    nfds_t count = 0;
    if (listen_fd >= 0) fds[count++] = (struct pollfd){listen_fd, POLLIN, 0};
    for (int i = 0; i < MAX_CLIENTS; i++) {
      process_client(&clients[i]); /* frames left over while the stdin buffer was full */
      if (clients[i].fd >= 0 && client_room()) client_at[count] = &clients[i], fds[count++] = (struct pollfd){clients[i].fd, POLLIN, 0};
    }
    int streams = 0;
    if (out_stream.fd >= 0) stream_at[count] = &out_stream, fds[count++] = (struct pollfd){out_stream.fd, POLLIN, 0}, streams++;
    if (err_stream.fd >= 0) stream_at[count] = &err_stream, fds[count++] = (struct pollfd){err_stream.fd, POLLIN, 0}, streams++;
    int stdin_at = -1, pid_at = -1;
    if (stdin_fd >= 0 && stdin_used > 0) stdin_at = (int)count, fds[count++] = (struct pollfd){stdin_fd, POLLOUT, 0};
    if (!exited) pid_at = (int)count, fds[count++] = (struct pollfd){pidfd, POLLIN, 0};
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
    /* New clients first: one that connected before the go byte must see the container's first output. */
    if (listen_fd >= 0 && fds[0].revents) accept_clients();
    for (nfds_t i = 0; i < count; i++) {
      if (!fds[i].revents) continue;
      if (client_at[i]) read_client(client_at[i]);
      else if (stream_at[i]) pump(stream_at[i]);
    }
    if (stdin_at >= 0 && fds[stdin_at].revents) {
      if (fds[stdin_at].revents & (POLLERR | POLLHUP)) close_stdin();
      else flush_stdin();
    }
    if (pid_at >= 0 && fds[pid_at].revents) {
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
  close_stdin();
  if (listen_fd >= 0) {
    accept_clients(); /* late ones get the end too, not a refused connection */
    close(listen_fd);
    unlink(opt.attach);
  }
  /* Frames sent before the container ended (an owner's claim, sent before the go byte) are read now at the latest. */
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (clients[i].fd >= 0) read_client(&clients[i]);
  int owned = 0;
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (clients[i].fd >= 0 && clients[i].owner) owned = 1;
  unlink(pid_path); /* `logs -f` ends once this is gone, with every line written */
  /* Clients see the end of the stream last: the exit record and the log are complete by then. */
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (clients[i].fd >= 0) drop_client(&clients[i]);
  /* An attached `run --rm` removes its container itself (and waits for it); the monitor does when it is gone. */
  if (opt.remove && !owned) run_cli("rm", NULL);
  if (opt.cli_node) reread_restart_policy();
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
