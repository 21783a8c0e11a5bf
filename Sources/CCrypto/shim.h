// SHA-256 through OpenSSL's direct SHA256_* functions, which OpenSSL 3 marks deprecated in favour of EVP but keeps:
// EVP fetches its algorithm from a provider, and the first fetch in a process (provider start-up, name tables)
// costs about half a millisecond, more than hashing everything a run hashes. The direct functions run the same
// assembly, SHA extensions included.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <openssl/crypto.h>
