#ifndef SOTA_GSSAPI_UNAVAILABLE_H
#define SOTA_GSSAPI_UNAVAILABLE_H

/* This target declares nothing of its own: it defines the few GSSAPI symbols libgit2's static archive refers to
 * (see gssapi_unavailable.c), so the archive links without a Kerberos library. */

#endif
