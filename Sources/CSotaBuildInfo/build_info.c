// What the build knew about its sources, for `sota --version`. A C define because SwiftPM can pass a value to a
// C target's compiler but not to Swift's.
#include "sota_build_info.h"

#ifndef SOTA_COMMIT
#define SOTA_COMMIT "unknown"
#endif

const char *sota_build_commit(void) { return SOTA_COMMIT; }
