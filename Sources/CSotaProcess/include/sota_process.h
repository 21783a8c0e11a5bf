#ifndef SOTA_PROCESS_H
#define SOTA_PROCESS_H

#include <sys/types.h>

/// Installs handlers for SIGINT, SIGTERM, SIGHUP and SIGCHLD that write the signal number to a
/// self-pipe, so a waiting loop can sleep in poll() and wake on a signal or a child's exit.
/// Returns 0, or -1 with errno set. Idempotent.
int sota_signals_install(void);

/// Waits up to timeout_ms for a signal. Returns a bit mask (1 << signo) of the signals seen,
/// 0 on timeout, or -1 with errno set.
long sota_signals_wait(int timeout_ms);

/// The last SIGINT, SIGTERM or SIGHUP received since install, or 0: a sticky flag checked between steps.
int sota_signals_stop_requested(void);

/// Spawns `path` with argv and envp in its own process group (pgid = pid), in directory `cwd`,
/// with standard input from /dev/null and standard output and error appended to `log_fd`.
/// Signal dispositions and mask are reset to defaults in the child.
/// Returns the pid, or -1 with *error set to the errno of the failure.
pid_t sota_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd, int log_fd, int *error);

#endif
