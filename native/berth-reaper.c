/*
 * berth-reaper: the init of `berth run --init` (Docker's docker-init, i.e. tini), bind-mounted at
 * /sbin/docker-init and run as PID 1 of the container:  /sbin/docker-init -- COMMAND [ARG...]
 *
 * Why: a process that is PID 1 of a PID namespace gets no signal from inside (and none but SIGKILL from
 * outside) unless it installed a handler, and every orphan of the namespace becomes its child. Most
 * programs do neither job. The reaper does both and nothing else:
 *   - it blocks every catchable signal, forks the command (in its own process group, given the terminal
 *     when stdin is one, with the signal mask and dispositions restored) and execs it;
 *   - it takes signals with sigtimedwait and forwards each to the command (SIGCHLD excepted);
 *   - on SIGCHLD (and every second, in case one is merged) it reaps every exited child: zombies of
 *     orphans are collected, the command's own status is kept;
 *   - once the command has exited it exits with the command's code, or 128+N when signal N killed it.
 * Blocked signals are queued even for a namespace's PID 1, which is why blocking plus sigtimedwait works
 * where default dispositions would drop them.
 * Exit codes of its own: 126 command not executable, 127 command not found, 125 other failures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REAPER_VERSION "0.1.0"
#define EXIT_FAILURE_OWN 125
#define EXIT_NOT_EXECUTABLE 126
#define EXIT_NOT_FOUND 127

static void usage(FILE *to) {
    fprintf(to, "Usage: berth-reaper [--version] [--] COMMAND [ARG...]\n"
                "Runs COMMAND as the child of a minimal init: forwards signals to it, reaps zombies,\n"
                "and exits with its exit code (128+N when killed by signal N).\n");
}

/* Signals the reaper forwards: everything but the unblockable and the synchronous ones (faults are the
 * reaper's own business), and the terminal stop signals (they concern a process group, not us). */
static void forwarded_signals(sigset_t *set) {
    sigfillset(set);
    static const int kept_out[] = {SIGKILL, SIGSTOP, SIGFPE, SIGILL, SIGSEGV, SIGBUS,
                                   SIGABRT, SIGTRAP, SIGSYS, SIGTTIN, SIGTTOU};
    for (size_t i = 0; i < sizeof kept_out / sizeof kept_out[0]; i++) sigdelset(set, kept_out[i]);
}

/* In the child, between fork and exec: own process group, the terminal's foreground when there is one,
 * the caller's signal mask and default dispositions back. */
static void exec_command(char **argv, const sigset_t *parent_mask) {
    if (setpgid(0, 0) < 0) {
        fprintf(stderr, "berth-reaper: setpgid: %s\n", strerror(errno));
        _exit(EXIT_FAILURE_OWN);
    }
    /* SIGTTOU is still blocked here, so a background group may take the terminal. */
    if (tcsetpgrp(STDIN_FILENO, getpgrp()) < 0 && errno != ENOTTY && errno != ENXIO && errno != EBADF) {
        fprintf(stderr, "berth-reaper: tcsetpgrp: %s\n", strerror(errno));
        _exit(EXIT_FAILURE_OWN);
    }
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGTTIN, &dfl, NULL);
    sigaction(SIGTTOU, &dfl, NULL);
    sigprocmask(SIG_SETMASK, parent_mask, NULL);
    execvp(argv[0], argv);
    int err = errno;
    fprintf(stderr, "berth-reaper: exec %s: %s\n", argv[0], strerror(err));
    _exit(err == ENOENT ? EXIT_NOT_FOUND : (err == EACCES || err == ENOEXEC || err == EISDIR) ? EXIT_NOT_EXECUTABLE
                                                                                            : EXIT_FAILURE_OWN);
}

static int exit_code_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return EXIT_FAILURE_OWN;
}

/* Collects every exited child; returns 1 and sets *code once `command` is among them. */
static int reap_all(pid_t command, int *code) {
    int found = 0;
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) {
            if (pid < 0 && errno == EINTR) continue;
            return found; /* 0: children left, none exited; -1 ECHILD: no children at all */
        }
        if (pid == command) {
            *code = exit_code_of(status);
            found = 1;
        }
    }
}

int main(int argc, char **argv) {
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("berth-reaper version " REAPER_VERSION "\n");
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--") == 0) first = 2;
    if (first >= argc) {
        usage(stderr);
        return EXIT_FAILURE_OWN;
    }

    /* Not PID 1 (a test, a nested run): become the subreaper so orphans still come to us. */
    if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        fprintf(stderr, "berth-reaper: prctl(PR_SET_CHILD_SUBREAPER): %s\n", strerror(errno));
    }

    sigset_t forwarded, parent_mask;
    forwarded_signals(&forwarded);
    if (sigprocmask(SIG_BLOCK, &forwarded, &parent_mask) < 0) {
        fprintf(stderr, "berth-reaper: sigprocmask: %s\n", strerror(errno));
        return EXIT_FAILURE_OWN;
    }
    /* A reaper left in the background of a terminal must not be stopped by it. */
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGTTIN, &ign, NULL);
    sigaction(SIGTTOU, &ign, NULL);

    pid_t command = fork();
    if (command < 0) {
        fprintf(stderr, "berth-reaper: fork: %s\n", strerror(errno));
        return EXIT_FAILURE_OWN;
    }
    if (command == 0) exec_command(argv + first, &parent_mask);

    int code = 0;
    for (;;) {
        struct timespec tick = {1, 0};
        siginfo_t info;
        int sig = sigtimedwait(&forwarded, &info, &tick);
        if (sig < 0 && errno != EAGAIN && errno != EINTR) {
            fprintf(stderr, "berth-reaper: sigtimedwait: %s\n", strerror(errno));
            return EXIT_FAILURE_OWN;
        }
        /* The command's group may already be gone (ESRCH): nothing to forward to, reaping tells the rest. */
        if (sig > 0 && sig != SIGCHLD) kill(command, sig);
        if (reap_all(command, &code)) return code;
    }
}
