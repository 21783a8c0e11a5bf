#ifndef SOTA_GIT_LOADER_H
#define SOTA_GIT_LOADER_H

/* This target declares nothing of its own: it defines the libgit2 functions SotaGit calls (declared by
 * <git2.h>, which SotaGit sees through CLibGit2) as trampolines that dlopen libgit2 on first use, so the
 * binaries never link libgit2 and processes that do not touch git never load it. See git_loader.c. */

#endif
