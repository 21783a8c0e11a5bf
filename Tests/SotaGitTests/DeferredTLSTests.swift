import CLibGit2
import CSotaGitStatic
import SotaTestSupport
import Testing

/// libgit2 is linked so that git_libgit2_init leaves mbedTLS alone (parsing the system's CA bundle took 3 to 4 ms of
/// every command that opened a repository); the set-up must then happen on first use, before anything reads the TLS
/// configuration. Pointing mbedTLS at certificates reads it: without the set-up it would dereference a null
/// configuration and crash.
///
/// libgit2 stays initialised once started, as in sota: the deferred set-up runs once per process, so a shutdown (which
/// frees the TLS configuration) must not happen between tests.
@Suite struct DeferredTLSTests {
    /// A self-signed P-256 certificate ("CN=sota test CA", valid until 2126).
    private static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBhTCCASugAwIBAgIUV8iAmIJK9/FtrqKT5MYWLMIxErAwCgYIKoZIzj0EAwIw
        FzEVMBMGA1UEAwwMc290YSB0ZXN0IENBMCAXDTI2MTIwNDAyMjA1NVoYDzIxMjYx
        MTEwMDIyMDU1WjAXMRUwEwYDVQQDDAxzb3RhIHRlc3QgQ0EwWTATBgcqhkjOPQIB
        BggqhkjOPQMBBwNCAASIzPdR9pt6Qhk7D+DfonvQjnR9sz1VFgzEfSapsLVmwxFZ
        pNEFzKxl9uh+rRVEanuMxIiKwgCVwPgsA8sbQKARo1MwUTAdBgNVHQ4EFgQUleCl
        TyOdGdywxf8B34kgAKk9d2IwHwYDVR0jBBgwFoAUleClTyOdGdywxf8B34kgAKk9
        d2IwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiAbjNMvMFA1ikNH
        77y0kuk85YlrhhH46QoiTlbG3+mplAIhALP6svIS4oUh/sY2w6aOdeRC2/pSak/W
        avtEMcOHFb9E
        -----END CERTIFICATE-----

        """

    @Test func tlsIsSetUpOnFirstUse() {
        #expect(git_libgit2_init() > 0)
        let folder = TemporaryDirectory()
        let bundle = folder.write("ca.pem", Self.certificate)
        #expect(git_mbedtls__set_cert_location(bundle, nil) == 0)
        // A second location replaces the first, through the configuration set up once.
        #expect(git_mbedtls__set_cert_location(bundle, nil) == 0)
    }

    @Test func aMissingBundleIsAnErrorNotACrash() {
        #expect(git_libgit2_init() > 0)
        let folder = TemporaryDirectory()
        #expect(git_mbedtls__set_cert_location(folder.url("missing.pem"), nil) == -1)
        let error = git_error_last()
        #expect(error.map { String(cString: $0.pointee.message) }?.contains("failed to load CA certificates") == true)
    }
}
