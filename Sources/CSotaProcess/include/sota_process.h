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

/// Waits for `pid` (without blocking unless `wait` is non-zero), and frees a guardian's memory once it is reaped.
/// Returns pid when it ended (its status in *status), 0 while it runs, -1 on error.
pid_t sota_child_reap(pid_t pid, int *status, int wait);

/// Starts `path` with argv and envp under a guardian process (see process.c): the guardian is alone in a new
/// process group and starts the program in a second new group, in directory `cwd`, with standard input from
/// /dev/null and standard output and error on `log_fd`. The program and everything in its group are stopped
/// (SIGTERM, SIGKILL after `grace_ms`) when sota dies, however it dies; SIGTERM, SIGINT or SIGHUP sent to the
/// guardian are forwarded to the program's group, with SIGKILL after `grace_ms`; once the program exits, what it left
/// in its group is stopped the same way, and the guardian exits with the program's own status. `hold_fd`, when not
/// -1, stays open in the guardian (not in the program) until then: sota passes its run lock.
/// Returns the guardian's pid once the program is running, or -1 with *error set to the errno of the failure.
pid_t sota_spawn_guarded(const char *path, char *const argv[], char *const envp[], const char *cwd, int log_fd,
                         int hold_fd, int grace_ms, int *error);

/// pipe2(fds, O_CLOEXEC), which Swift's Glibc module does not declare: a pipe no other child can inherit.
int sota_pipe_cloexec(int fds[2]);

/// Starts `path` with argv and envp (the current environment when envp is NULL) in directory `cwd` (the current
/// one when NULL), with standard input, output and error on in_fd, out_fd and err_fd: a short helper command whose
/// output sota reads (`curl`, `sbatch`, `nvidia-smi`). The child is killed with SIGKILL if sota dies first.
/// Returns the child's pid, or -1 with *error set to the errno of the failure.
pid_t sota_spawn_captured(const char *path, char *const argv[], char *const envp[], const char *cwd, int in_fd,
                          int out_fd, int err_fd, int *error);

#endif
