// Process plumbing that Swift cannot express safely: async-signal-safe handlers and posix_spawn attributes.
#define _GNU_SOURCE
#include "sota_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

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

pid_t sota_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd, int log_fd, int *error) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);

    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
    if (cwd) posix_spawn_file_actions_addchdir_np(&actions, cwd);

    sigset_t defaults, empty;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGHUP);
    sigaddset(&defaults, SIGCHLD);
    sigaddset(&defaults, SIGPIPE);
    sigemptyset(&empty);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &empty);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    pid_t pid = -1;
    int status = posix_spawn(&pid, path, &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (status != 0) {
        *error = status;
        return -1;
    }
    return pid;
}

int sota_signals_stop_requested(void) {
    return (int)sota_stop_signal;
}
