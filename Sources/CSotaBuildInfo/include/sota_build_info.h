#ifndef SOTA_BUILD_INFO_H
#define SOTA_BUILD_INFO_H

/// The git commit sota was built from (40 hex digits), or "unknown" when the build could not tell (a source tarball
/// without `.git`). Set by Package.swift; see `buildCommit` there.
const char *sota_build_commit(void);

#endif
