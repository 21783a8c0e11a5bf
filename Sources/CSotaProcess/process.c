// Process plumbing that Swift cannot express safely: async-signal-safe handlers and posix_spawn attributes.
#define _GNU_SOURCE
#include "sota_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

static int sota_pipe[2] = {-1, -1};
static volatile sig_atomic_t sota_stop_signal = 0;

static void sota_handler(int signo) {
    int saved = errno;
    if (signo != SIGCHLD) sota_stop_signal = signo;
    unsigned char byte = (unsigned char)signo;
    ssize_t ignored = write(sota_pipe[1], &byte, 1);
    (void)ignored;
    errno = saved;
}

int sota_signals_install(void) {
    if (sota_pipe[0] >= 0) return 0;
    if (pipe2(sota_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = sota_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    if (sigaction(SIGCHLD, &action, NULL) != 0) return -1;
    // A parent may have started us with these signals blocked (the mask survives exec); unblock them here.
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGINT);
    sigaddset(&wanted, SIGTERM);
    sigaddset(&wanted, SIGHUP);
    sigaddset(&wanted, SIGCHLD);
    return pthread_sigmask(SIG_UNBLOCK, &wanted, NULL) == 0 ? 0 : -1;
}

long sota_signals_wait(int timeout_ms) {
    struct pollfd fd = {.fd = sota_pipe[0], .events = POLLIN};
    int ready = poll(&fd, 1, timeout_ms);
    if (ready < 0) return errno == EINTR ? 0 : -1;
    if (ready == 0) return 0;
    long mask = 0;
    unsigned char buffer[64];
    ssize_t count;
    while ((count = read(sota_pipe[0], buffer, sizeof buffer)) > 0) {
        for (ssize_t i = 0; i < count; i++) mask |= 1L << buffer[i];
    }
    return mask;
}

// MARK: - Guarded children
//
// A child must not outlive sota, however sota ends (kill -9 to its pid or to its whole process group included), and
// neither may anything the child started. A parent-death signal alone cannot promise that: it reaches only the direct
// child, and it fires when the *thread* that forked exits, not the process. So every child runs under a guardian: a
// forked copy of sota, alone in its own process group, that starts the program in a second new group and
//  - holds the read end of a pipe whose write end only sota holds (the lifeline): when sota dies, however it dies, the
//    kernel closes the write end, poll() reports it, and the guardian stops the child's whole group (SIGTERM, then
//    SIGKILL after the grace period);
//  - forwards SIGTERM, SIGINT and SIGHUP that sota sends it to the child's group, and escalates to SIGKILL itself
//    after the grace period;
//  - is the child's subreaper, so once the child exits it stops what the child left running in its group before it
//    exits with the child's own status (exit code, or the same signal);
//  - keeps sota's run lock (an inherited flock) open, so the lock is held while any process of the attempt lives and a
//    resume cannot start a stage beside the earlier attempt's.
// The program itself gets PR_SET_PDEATHSIG(SIGKILL) from the single-threaded guardian, re-checked with getppid().
// Between fork and exec only async-signal-safe calls run: everything the guardian needs is prepared before fork.

static int sota_lifeline[2] = {-1, -1};
static pthread_once_t sota_lifeline_once = PTHREAD_ONCE_INIT;

static void sota_lifeline_create(void) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) == 0) {
        sota_lifeline[0] = fds[0];
        sota_lifeline[1] = fds[1];
    }
}

static volatile sig_atomic_t guardian_forward = 0;
static void guardian_on_stop(int signo) { guardian_forward = signo; }
static void guardian_on_child(int signo) { (void)signo; }

static long long guardian_now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void guardian_report(int fd, int error) {
    if (fd < 0) return;
    int message[2] = {'E', error};
    ssize_t ignored = write(fd, message, sizeof message);
    (void)ignored;
}

/// Moves `fd` above the standard descriptors (close-on-exec) so the dup2 calls onto 0-2 cannot close it.
static int guardian_lift(int fd) {
    if (fd < 0 || fd > 2) return fd;
    return fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/// Closes every descriptor above 2 except the given ones, which become close-on-exec.
static void guardian_close_others(int *keep, int count) {
    // An insertion sort: qsort is not async-signal-safe.
    for (int i = 1; i < count; i++) {
        for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int swap = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = swap;
        }
    }
    unsigned int next = 3;
    for (int i = 0; i < count; i++) {
        if (keep[i] < 3) continue;
        fcntl(keep[i], F_SETFD, FD_CLOEXEC);
        if ((unsigned int)keep[i] > next) close_range(next, (unsigned int)keep[i] - 1, 0);
        if ((unsigned int)keep[i] >= next) next = (unsigned int)keep[i] + 1;
    }
    close_range(next, ~0U, 0);
}

static void guardian_exit_like(int status) __attribute__((noreturn));
static void guardian_exit_like(int status) {
    if (WIFSIGNALED(status)) {
        int signo = WTERMSIG(status);
        // The same signal ends the guardian, so sota sees the child's own status; never a core of the guardian.
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = SIG_DFL;
        sigaction(signo, &action, NULL);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, signo);
        sigprocmask(SIG_UNBLOCK, &only, NULL);
        kill(getpid(), signo);
        _exit(128 + signo);
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

static void guardian_main(const char *path, char *const argv[], char *const envp[], const char *cwd, int log_fd,
                          int hold_fd, int report_fd, int grace_ms) __attribute__((noreturn));
static void guardian_main(const char *path, char *const argv[], char *const envp[], const char *cwd, int log_fd,
                          int hold_fd, int report_fd, int grace_ms) {
    setpgid(0, 0);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = guardian_on_stop;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    action.sa_handler = guardian_on_child;
    action.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &action, NULL);
    action.sa_handler = SIG_IGN;
    action.sa_flags = 0;
    sigaction(SIGPIPE, &action, NULL);
    // Signals stay blocked except inside ppoll, so none can slip in between a check and the wait.
    sigset_t blocked, open_mask;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGHUP);
    sigaddset(&blocked, SIGCHLD);
    sigprocmask(SIG_SETMASK, &blocked, NULL);
    sigemptyset(&open_mask);

    int lifeline = guardian_lift(sota_lifeline[0]);
    hold_fd = guardian_lift(hold_fd);
    report_fd = guardian_lift(report_fd);
    log_fd = guardian_lift(log_fd);
    if (log_fd < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0) {
        guardian_report(report_fd, errno);
        _exit(127);
    }
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0) {
        guardian_report(report_fd, errno);
        _exit(127);
    }
    int keep[3] = {lifeline, hold_fd, report_fd};
    guardian_close_others(keep, 3);
    prctl(PR_SET_CHILD_SUBREAPER, 1);

    pid_t guardian = getpid();
    pid_t child = fork();
    if (child < 0) {
        guardian_report(report_fd, errno);
        _exit(127);
    }
    if (child == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != guardian) _exit(127);
        memset(&action, 0, sizeof action);
        action.sa_handler = SIG_DFL;
        for (int signo = 1; signo < NSIG; signo++) {
            if (signo != SIGKILL && signo != SIGSTOP) sigaction(signo, &action, NULL);
        }
        sigprocmask(SIG_SETMASK, &open_mask, NULL);
        if (cwd && chdir(cwd) != 0) {
            guardian_report(report_fd, errno);
            _exit(127);
        }
        execve(path, argv, envp);
        guardian_report(report_fd, errno);
        _exit(127);
    }
    setpgid(child, child);
    if (report_fd >= 0) close(report_fd);

    int child_status = 0, child_done = 0;
    long long kill_at = -1;        // when the child's group gets SIGKILL (set by the first stop request)
    long long stragglers_at = -1;  // when what the child left running gets SIGKILL
    for (;;) {
        pid_t reaped;
        int status;
        while ((reaped = waitpid(-1, &status, WNOHANG)) > 0) {
            if (reaped == child) {
                child_status = status;
                child_done = 1;
            }
        }
        int none_left = reaped < 0 && errno == ECHILD;
        long long now = guardian_now_ms();
        if (child_done) {
            if (none_left) guardian_exit_like(child_status);
            if (stragglers_at < 0) {
                // The child is gone but processes it started live on (reparented to us, the subreaper).
                kill(-child, SIGTERM);
                stragglers_at = now + grace_ms;
            } else if (now >= stragglers_at + 1000) {
                // Whatever left the child's group and ignores us is past our reach; don't hold sota any longer.
                guardian_exit_like(child_status);
            } else if (now >= stragglers_at) {
                kill(-child, SIGKILL);
            }
        }
        if (guardian_forward) {
            kill(-child, (int)guardian_forward);
            guardian_forward = 0;
            if (kill_at < 0) kill_at = now + grace_ms;
        }
        struct pollfd watch = {.fd = lifeline, .events = POLLIN};
        if (lifeline >= 0) {
            if (poll(&watch, 1, 0) > 0 && (watch.revents & (POLLIN | POLLHUP | POLLERR))) {
                // sota is gone (the lifeline's write end closed with it): stop the child's whole group.
                close(lifeline);
                lifeline = -1;
                kill(-child, SIGTERM);
                if (kill_at < 0) kill_at = now + grace_ms;
            }
        }
        if (kill_at >= 0 && now >= kill_at) {
            kill(-child, SIGKILL);
            kill_at = now + 1000;
        }
        long long next = -1;
        if (kill_at >= 0) next = kill_at;
        if (child_done && stragglers_at >= 0) {
            long long due = now < stragglers_at ? stragglers_at : stragglers_at + 1000;
            if (next < 0 || due < next) next = due;
        }
        struct timespec timeout, *limit = NULL;
        if (next >= 0) {
            long long wait_ms = next > now ? next - now : 0;
            if (wait_ms > 200) wait_ms = 200;
            timeout.tv_sec = (time_t)(wait_ms / 1000);
            timeout.tv_nsec = (long)(wait_ms % 1000) * 1000000;
            limit = &timeout;
        }
        watch.fd = lifeline;
        watch.events = POLLIN;
        ppoll(&watch, lifeline >= 0 ? 1 : 0, limit, &open_mask);
    }
}

pid_t sota_spawn_guarded(const char *path, char *const argv[], char *const envp[], const char *cwd, int log_fd,
                         int hold_fd, int grace_ms, int *error) {
    pthread_once(&sota_lifeline_once, sota_lifeline_create);
    if (sota_lifeline[0] < 0) {
        *error = EMFILE;
        return -1;
    }
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        *error = errno;
        return -1;
    }
    // No signal handler of sota's may run in the guardian before it installs its own.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = fork();
    if (pid == 0) {
        close(report[0]);
        close(sota_lifeline[1]);
        guardian_main(path, argv, envp, cwd, log_fd, hold_fd, report[1], grace_ms);
    }
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        *error = saved;
        return -1;
    }
    // The guardian moves itself into a group of its own; doing it here too closes the race with an early kill(-pid).
    setpgid(pid, pid);
    // EOF once the program is exec'd (every copy of the write end is close-on-exec); a message if it could not start.
    int message[2] = {0, 0};
    ssize_t got;
    do {
        got = read(report[0], message, sizeof message);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof message && message[0] == 'E') {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        *error = message[1];
        return -1;
    }
    return pid;
}

int sota_signals_stop_requested(void) {
    return (int)sota_stop_signal;
}
