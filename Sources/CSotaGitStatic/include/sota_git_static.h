#ifndef SOTA_GIT_STATIC_H
#define SOTA_GIT_STATIC_H

/* What linking libgit2 from its static archive needs (see Package.swift): the GSSAPI symbols the archive refers to
 * (gssapi_unavailable.c), and mbedTLS set up on first use instead of at start-up (tls_deferred.c). */

/* libgit2's (internal) function that points mbedTLS at CA certificates: a CA bundle `file` or a folder `path` of
 * them. Returns 0, or -1 with libgit2's error set. The first call also sets up mbedTLS, which git_libgit2_init no
 * longer does; tests call it to see that set-up happen on demand. */
int git_mbedtls__set_cert_location(const char *file, const char *path);

#endif
