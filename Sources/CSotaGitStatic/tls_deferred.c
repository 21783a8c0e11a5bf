/* libgit2 prepares mbedTLS in git_libgit2_init: it seeds a random generator and parses the system's CA bundle,
 * 3 to 4 ms of base64 decoding on every command that opens a repository. sota never opens a TLS connection through
 * libgit2 (it reads local repositories and writes local commits), so that work is deferred to the first use of TLS.
 *
 * The linker redirects every reference to these four functions, libgit2's own included, to the __wrap_ definitions
 * below (see `--wrap` in Package.swift); __real_ names reach libgit2's definitions. Initialisation is skipped at
 * start-up and runs, once, before anything that needs the TLS configuration: a new TLS stream, or new certificate
 * locations. Each such call fails with libgit2's error, as it would have at start-up, if the initialisation fails.
 * libgit2 registers the matching shutdown itself when its initialisation runs. The set-up runs once per process, and
 * sota never shuts libgit2 down (a shutdown frees the TLS configuration, which would not be set up again).
 */
#include <pthread.h>

#include <git2/sys/stream.h>

#include "sota_git_static.h"

int __real_git_mbedtls_stream_global_init(void);
int __real_git_mbedtls_stream_new(git_stream **out, const char *host, const char *port);
int __real_git_mbedtls_stream_wrap(git_stream **out, git_stream *in, const char *host);
int __real_git_mbedtls__set_cert_location(const char *file, const char *path);

static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static int tls_status;
/* Set while this thread runs libgit2's initialisation, which itself loads the default certificates through
 * git_mbedtls__set_cert_location: lld redirects that call too, and it must go straight through. */
static _Thread_local int initializing;

static void initialize_tls(void)
{
	initializing = 1;
	tls_status = __real_git_mbedtls_stream_global_init();
	initializing = 0;
}

static int tls_ready(void)
{
	pthread_once(&tls_once, initialize_tls);
	return tls_status;
}

int __wrap_git_mbedtls_stream_global_init(void)
{
	return 0;
}

int __wrap_git_mbedtls_stream_new(git_stream **out, const char *host, const char *port)
{
	int status = tls_ready();
	return status < 0 ? status : __real_git_mbedtls_stream_new(out, host, port);
}

int __wrap_git_mbedtls_stream_wrap(git_stream **out, git_stream *in, const char *host)
{
	int status = tls_ready();
	return status < 0 ? status : __real_git_mbedtls_stream_wrap(out, in, host);
}

int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path)
{
	if (initializing)
		return __real_git_mbedtls__set_cert_location(file, path);
	int status = tls_ready();
	return status < 0 ? status : __real_git_mbedtls__set_cert_location(file, path);
}
