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
// process alone in a new process group that starts the program in a second new group, and
//  - holds the read end of a pipe whose write end only sota holds (the lifeline): when sota dies, however it dies, the
//    kernel closes the write end, poll() reports it, and the guardian stops the program's whole group (SIGTERM, then
//    SIGKILL after the grace period);
//  - forwards SIGTERM, SIGINT and SIGHUP that sota sends it to the program's group, and escalates to SIGKILL itself
//    after the grace period;
//  - is the program's subreaper, so once the program exits it stops what the program left running in its group, and
//    then exits with the program's own status (exit code, or the same signal);
//  - keeps sota's run lock (an inherited flock) open, so the lock is held while any process of the attempt lives and a
//    resume cannot start a stage beside the earlier attempt's.
// The program gets PR_SET_PDEATHSIG(SIGKILL) from the single-threaded guardian, re-checked with getppid().
//
// The cost is what makes the design. fork() copies the page tables of sota's heap and every page sota then touches
// is copied again: 0.8 ms a stage, measured on a 5-stage run (16.8 against 12.8 ms). Exec'ing this executable in a
// guardian mode cost 0.6 ms a stage (its start-up alone). So the guardian is a clone() that shares sota's memory
// (CLONE_VM, as a thread does, but a process of its own that outlives sota's death) on a small stack of its own, and
// the program is started from it with CLONE_VM|CLONE_VFORK, as posix_spawn does. Sharing the memory has one rule:
// neither may touch thread-local storage, which is the spawning thread's. So the code below makes system calls
// directly (no errno), reads signals from a signalfd (no handlers), and is compiled without stack protection (whose
// canary is thread-local); its strings and arrays are sota's, which sota keeps until the program is exec'd.

#include <signal.h>
#include <sys/signalfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sched.h>

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "the child guardian makes raw system calls; add this architecture's calling sequence"
#endif

#define GUARDIAN_CODE __attribute__((no_stack_protector, noinline))

/// A system call without errno: returns the result, or -errno.
static inline __attribute__((always_inline)) long raw_call(long number, long a, long b, long c, long d, long e, long f) {
#if defined(__x86_64__)
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long result;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
    return result;
#else
    register long x8 __asm__("x8") = number;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
#endif
}
#define CALL0(n) raw_call((n), 0, 0, 0, 0, 0, 0)
#define CALL1(n, a) raw_call((n), (long)(a), 0, 0, 0, 0, 0)
#define CALL2(n, a, b) raw_call((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define CALL3(n, a, b, c) raw_call((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define CALL4(n, a, b, c, d) raw_call((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define CALL5(n, a, b, c, d, e) raw_call((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/// The kernel's `struct sigaction` (not glibc's): only SIG_DFL and SIG_IGN are ever set, so no restorer is needed.
struct kernel_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    unsigned long mask;
};

/// What the guardian and the program need, at the start of the guardian's memory block.
struct guardian_plan {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *cwd;
    int log_fd, hold_fd, report_fd, lifeline_fd, null_fd;
    int grace_ms;
    int guardian_pid;
    char *program_stack;
};

enum { GUARDIAN_BLOCK = 128 * 1024, PROGRAM_STACK = 32 * 1024 };

static int sota_lifeline[2] = {-1, -1};
static pthread_once_t sota_lifeline_once = PTHREAD_ONCE_INIT;

static void sota_lifeline_create(void) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) == 0) {
        sota_lifeline[0] = fds[0];
        sota_lifeline[1] = fds[1];
    }
}

/// Guardians' memory blocks, freed when sota reaps them (a guardian runs on its block until it exits).
static struct { pid_t pid; void *block; } sota_guardian_blocks[256];
static pthread_mutex_t sota_guardian_blocks_lock = PTHREAD_MUTEX_INITIALIZER;

static void sota_guardian_block_remember(pid_t pid, void *block) {
    pthread_mutex_lock(&sota_guardian_blocks_lock);
    int kept = 0;
    for (unsigned i = 0; i < sizeof sota_guardian_blocks / sizeof sota_guardian_blocks[0] && !kept; i++) {
        if (sota_guardian_blocks[i].pid == 0) {
            sota_guardian_blocks[i].pid = pid;
            sota_guardian_blocks[i].block = block;
            kept = 1;
        }
    }
    pthread_mutex_unlock(&sota_guardian_blocks_lock);
    // With 256 guardians alive at once the block is not tracked: 128 KiB of address space stays reserved.
}

static void sota_guardian_block_release(pid_t pid) {
    pthread_mutex_lock(&sota_guardian_blocks_lock);
    for (unsigned i = 0; i < sizeof sota_guardian_blocks / sizeof sota_guardian_blocks[0]; i++) {
        if (sota_guardian_blocks[i].pid == pid) {
            munmap(sota_guardian_blocks[i].block, GUARDIAN_BLOCK);
            sota_guardian_blocks[i].pid = 0;
            sota_guardian_blocks[i].block = NULL;
        }
    }
    pthread_mutex_unlock(&sota_guardian_blocks_lock);
}

GUARDIAN_CODE static void guardian_report(int report_fd, long error) {
    int message[2] = {'E', (int)-error};
    CALL3(SYS_write, report_fd, message, sizeof message);
}

/// Every signal back to its default action and none blocked, as the program expects to start.
GUARDIAN_CODE static void program_reset_signals(void) {
    struct kernel_sigaction action = {SIG_DFL, 0, 0, 0};
    for (long signo = 1; signo < 65; signo++) {
        if (signo != SIGKILL && signo != SIGSTOP) CALL4(SYS_rt_sigaction, signo, &action, 0, sizeof(unsigned long));
    }
    unsigned long none = 0;
    CALL4(SYS_rt_sigprocmask, SIG_SETMASK, &none, 0, sizeof(unsigned long));
}

/// The program's side of the CLONE_VFORK: its own group, death with the guardian, default signals, its descriptors.
GUARDIAN_CODE static int program_main(void *raw) {
    struct guardian_plan *plan = raw;
    CALL2(SYS_setpgid, 0, 0);
    CALL2(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
    if (CALL0(SYS_getppid) != plan->guardian_pid) CALL1(SYS_exit, 127);
    program_reset_signals();
    long result = 0;
    if (CALL3(SYS_dup3, plan->null_fd, 0, 0) < 0 || (result = CALL3(SYS_dup3, plan->log_fd, 1, 0)) < 0
        || (result = CALL3(SYS_dup3, plan->log_fd, 2, 0)) < 0) {
        guardian_report(plan->report_fd, result < 0 ? result : -EBADF);
        CALL1(SYS_exit, 127);
    }
    if (plan->cwd && (result = CALL1(SYS_chdir, plan->cwd)) < 0) {
        guardian_report(plan->report_fd, result);
        CALL1(SYS_exit, 127);
    }
    result = CALL3(SYS_execve, plan->path, plan->argv, plan->envp);
    guardian_report(plan->report_fd, result);
    CALL1(SYS_exit, 127);
    return 127;
}

GUARDIAN_CODE static long long guardian_now_ms(void) {
    struct timespec now = {0, 0};
    CALL2(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

GUARDIAN_CODE __attribute__((noreturn)) static void guardian_exit_like(int status) {
    if (WIFSIGNALED(status)) {
        int signo = WTERMSIG(status);
        // The same signal ends the guardian, so sota sees the program's own status; never a core of the guardian.
        struct rlimit none = {0, 0};
        CALL4(SYS_prlimit64, 0, RLIMIT_CORE, &none, 0);
        struct kernel_sigaction action = {SIG_DFL, 0, 0, 0};
        CALL4(SYS_rt_sigaction, signo, &action, 0, sizeof(unsigned long));
        unsigned long only = 1UL << (signo - 1);
        CALL4(SYS_rt_sigprocmask, SIG_UNBLOCK, &only, 0, sizeof(unsigned long));
        CALL2(SYS_kill, CALL0(SYS_getpid), signo);
        status = (128 + signo) << 8;
    }
    for (;;) CALL1(SYS_exit_group, WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/// The guardian's life (see the section comment). Starts with every signal blocked.
// Signals the program's group. Once the program is reaped its pid is free for the system to give a new process,
// which may lead a group of its own (every program sota or a test harness starts in its own group does): a blind
// kill(-pid) after that could stop an unrelated group. A group that still has members keeps its id, so the group
// is signalled only while it has some; the check and the signal are microseconds apart instead of the grace
// period. Returns 0 when the group is gone.
GUARDIAN_CODE static int guardian_signal_group(long group, int signo, int reaped) {
    if (reaped && CALL2(SYS_kill, -group, 0) != 0) return 0;
    CALL2(SYS_kill, -group, signo);
    return 1;
}

GUARDIAN_CODE static int guardian_main(void *raw) {
    struct guardian_plan *plan = raw;
    int grace_ms = plan->grace_ms, lifeline = plan->lifeline_fd;
    plan->guardian_pid = (int)CALL0(SYS_getpid);
    CALL2(SYS_setpgid, 0, 0);
    // Only the descriptors it needs: a copy of any other could hold one of sota's locks or pipes open.
    int keep[5] = {plan->lifeline_fd, plan->hold_fd, plan->report_fd, plan->log_fd, plan->null_fd};
    for (int i = 1; i < 5; i++) {
        for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int swap = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = swap;
        }
    }
    unsigned int next_fd = 0;
    for (int i = 0; i < 5; i++) {
        if (keep[i] < 0) continue;
        CALL3(SYS_fcntl, keep[i], F_SETFD, FD_CLOEXEC);
        if ((unsigned int)keep[i] > next_fd) CALL3(SYS_close_range, next_fd, (unsigned int)keep[i] - 1, 0);
        if ((unsigned int)keep[i] >= next_fd) next_fd = (unsigned int)keep[i] + 1;
    }
    CALL3(SYS_close_range, next_fd, ~0U, 0);
    // sota's handlers are copied into this process, but every signal stays blocked: they are read from a signalfd.
    unsigned long watched = (1UL << (SIGTERM - 1)) | (1UL << (SIGINT - 1)) | (1UL << (SIGHUP - 1)) | (1UL << (SIGCHLD - 1));
    int signals = (int)CALL4(SYS_signalfd4, -1, &watched, sizeof watched, SFD_CLOEXEC | SFD_NONBLOCK);
    CALL2(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1);

    long child = CALL5(SYS_clone, CLONE_VM | CLONE_VFORK | SIGCHLD, plan->program_stack, 0, 0, 0);
    if (child == 0) {
        // The program's side runs on its own stack (CLONE_VFORK keeps the guardian waiting until the exec).
        program_main(plan);
    }
    if (child < 0) {
        guardian_report(plan->report_fd, child);
        CALL1(SYS_exit_group, 127);
    }
    CALL2(SYS_setpgid, child, child);
    CALL1(SYS_close, plan->report_fd);
    CALL1(SYS_close, plan->log_fd);
    CALL1(SYS_close, plan->null_fd);
    // From here on nothing of sota's memory is read but this stack.

    int child_status = 0, child_done = 0;
    long long kill_at = -1;        // when the program's group gets SIGKILL (set by the first stop request)
    long long stragglers_at = -1;  // when what the program left running gets SIGKILL
    for (;;) {
        long reaped;
        int status = 0;
        while ((reaped = CALL4(SYS_wait4, -1, &status, WNOHANG, 0)) > 0) {
            if (reaped == child) {
                child_status = status;
                child_done = 1;
            }
        }
        int none_left = reaped == -ECHILD;
        long long now = guardian_now_ms();
        if (child_done) {
            if (none_left) guardian_exit_like(child_status);
            if (stragglers_at < 0) {
                // The program is gone but processes it started live on (reparented to us, the subreaper). Those
                // that left its group are past our reach: with the group empty there is nothing left to stop.
                if (!guardian_signal_group(child, SIGTERM, 1)) guardian_exit_like(child_status);
                stragglers_at = now + grace_ms;
            } else if (now >= stragglers_at + 1000) {
                // Whatever left the program's group and ignores us is past our reach; don't hold sota any longer.
                guardian_exit_like(child_status);
            } else if (now >= stragglers_at) {
                if (!guardian_signal_group(child, SIGKILL, 1)) guardian_exit_like(child_status);
            }
        }
        struct signalfd_siginfo info;
        int exited = 0;
        while (signals >= 0 && CALL3(SYS_read, signals, &info, sizeof info) == (long)sizeof info) {
            if (info.ssi_signo == SIGCHLD) {
                exited = 1;
                continue;
            }
            guardian_signal_group(child, info.ssi_signo, child_done);
            if (kill_at < 0) kill_at = now + grace_ms;
        }
        // A child that ended after the wait4 above has had its SIGCHLD read just now: reap it before sleeping, or
        // the poll below would wait for a notification already consumed (seen once under load: a finished stage
        // left a zombie and `sota evaluate` waited for ever).
        if (exited) continue;
        struct pollfd watch = {.fd = lifeline, .events = POLLIN};
        struct timespec at_once = {0, 0};
        if (lifeline >= 0 && CALL5(SYS_ppoll, &watch, 1, &at_once, 0, 0) > 0 && (watch.revents & (POLLIN | POLLHUP | POLLERR))) {
            // sota is gone (the lifeline's write end closed with it): stop the program's whole group.
            CALL1(SYS_close, lifeline);
            lifeline = -1;
            guardian_signal_group(child, SIGTERM, child_done);
            if (kill_at < 0) kill_at = now + grace_ms;
        }
        if (kill_at >= 0 && now >= kill_at) {
            guardian_signal_group(child, SIGKILL, child_done);
            kill_at = now + 1000;
        }
        long long next = kill_at;
        if (child_done && stragglers_at >= 0) {
            long long due = now < stragglers_at ? stragglers_at : stragglers_at + 1000;
            if (next < 0 || due < next) next = due;
        }
        // Never an unbounded sleep: once a second the loop reaps again, so no lost notification (nor a signalfd that
        // could not be made) can keep a finished program's guardian waiting.
        long long wait_ms = 1000;
        if (next >= 0) {
            wait_ms = next > now ? next - now : 0;
            if (wait_ms > 200) wait_ms = 200;
        }
        struct timespec timeout = {(time_t)(wait_ms / 1000), (long)(wait_ms % 1000) * 1000000};
        struct timespec *limit = &timeout;
        struct pollfd waiting[2];
        int count = 0;
        if (lifeline >= 0) waiting[count++] = (struct pollfd){.fd = lifeline, .events = POLLIN};
        if (signals >= 0) waiting[count++] = (struct pollfd){.fd = signals, .events = POLLIN};
        CALL5(SYS_ppoll, waiting, count, limit, 0, 0);
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
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    char *block = mmap(NULL, GUARDIAN_BLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (null_fd < 0 || block == MAP_FAILED) {
        *error = errno;
        if (null_fd >= 0) close(null_fd);
        if (block != MAP_FAILED) munmap(block, GUARDIAN_BLOCK);
        close(report[0]);
        close(report[1]);
        return -1;
    }
    // The block: the plan, then the program's stack, then the guardian's stack (stacks grow down, 16-byte aligned).
    struct guardian_plan *plan = (struct guardian_plan *)block;
    *plan = (struct guardian_plan){
        .path = path, .argv = argv, .envp = envp, .cwd = cwd, .log_fd = log_fd, .hold_fd = hold_fd,
        .report_fd = report[1], .lifeline_fd = sota_lifeline[0], .null_fd = null_fd, .grace_ms = grace_ms < 0 ? 0 : grace_ms,
        .program_stack = block + PROGRAM_STACK,
    };
    char *guardian_stack = block + GUARDIAN_BLOCK - 64;
    // The guardian starts with every signal blocked; it reads the ones it wants from a signalfd.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = clone(guardian_main, guardian_stack, CLONE_VM | SIGCHLD, plan);
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    close(null_fd);
    if (pid < 0) {
        munmap(block, GUARDIAN_BLOCK);
        close(report[0]);
        *error = saved;
        return -1;
    }
    sota_guardian_block_remember(pid, block);
    // The guardian moves itself into a group of its own; doing it here too closes the race with an early kill(-pid).
    setpgid(pid, pid);
    // EOF once the program is exec'd (every copy of the write end is close-on-exec); a message if it could not start.
    // Until then the guardian and the program read path, argv and envp, which the caller keeps until we return.
    int message[2] = {0, 0};
    ssize_t got;
    do {
        got = read(report[0], message, sizeof message);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof message && message[0] == 'E') {
        int ended;
        while (waitpid(pid, &ended, 0) < 0 && errno == EINTR) {}
        sota_guardian_block_release(pid);
        *error = message[1];
        return -1;
    }
    return pid;
}

pid_t sota_child_reap(pid_t pid, int *status, int wait) {
    pid_t result;
    do {
        result = waitpid(pid, status, wait ? 0 : WNOHANG);
    } while (result < 0 && errno == EINTR);
    if (result == pid) sota_guardian_block_release(pid);
    return result;
}

int sota_signals_stop_requested(void) {
    return (int)sota_stop_signal;
}

// A short helper command with its three standard streams on the given descriptors. fork/exec rather than
// posix_spawn so the child can ask to be killed with sota (PR_SET_PDEATHSIG) and change directory; after the
// fork only async-signal-safe calls are made.
extern char **environ;

int sota_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

pid_t sota_spawn_captured(const char *path, char *const argv[], char *const envp[], const char *cwd, int in_fd,
                          int out_fd, int err_fd, int *error) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) { *error = errno; return -1; }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *error = errno;
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0) {
        int failure = 0;
        // The death signal follows the thread that forked; getppid() closes the race with a parent already gone.
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) failure = ESRCH;
        if (!failure && (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)) failure = errno;
        if (!failure && cwd && chdir(cwd) != 0) failure = errno;
        if (!failure) {
            sigset_t none;
            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, NULL);
            execve(path, argv, envp ? envp : environ);
            failure = errno;
        }
        ssize_t ignored = write(report[1], &failure, sizeof failure);
        (void)ignored;
        _exit(127);
    }
    close(report[1]);
    int failure = 0;
    ssize_t got;
    do { got = read(report[0], &failure, sizeof failure); } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof failure) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        *error = failure;
        return -1;
    }
    return pid;
}
