// sota runs its children through Linux system calls (clone, signalfd, prctl(PR_SET_PDEATHSIG), /proc) and reads
// glibc directly, so it builds for Linux only; Package.swift declares no other platform. This stops a build
// elsewhere at the first module with a message instead of a page of missing symbols.
#if !os(Linux)
#error("sota builds on Linux only (x86_64 or aarch64, glibc); see README.md")
#endif
