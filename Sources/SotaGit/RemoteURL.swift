import SotaSupport

/// A git remote URL split into what may be shown and stored (the URL without any credential) and the credential
/// itself, which only ever travels as an instance's environment variable.
///
/// `https://oauth2:TOKEN@host/repo.git` becomes `https://host/repo.git` with username `oauth2` and password `TOKEN`.
/// For other `scheme://` URLs (ssh, git) the user name is how the server knows the account, not a secret: it stays,
/// and only a password is taken out. scp-like `git@host:repo` has no room for a password and stays as it is.
package struct RemoteURL: Sendable, Equatable {
    /// The URL with no credential in it.
    package var url: String
    /// The user name taken out of an http(s) URL.
    package var username: String?
    /// The password or token taken out of the URL.
    package var password: String?

    /// True when a credential was taken out.
    package var hadCredential: Bool { username != nil || password != nil }

    /// Splits `text`.
    package init(_ text: String) {
        url = text
        guard let schemeEnd = text.firstRange(of: "://") else { return }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return }
        let userinfo = authority[..<at]
        let host = authority[authority.index(after: at)...]
        let user = userinfo.firstIndex(of: ":").map { userinfo[..<$0] } ?? userinfo
        let secret = userinfo.firstIndex(of: ":").map { userinfo[userinfo.index(after: $0)...] }
        let decodedSecret = secret.map { String($0).removingPercentEncodingIfValid }
        if scheme == "http" || scheme == "https" {
            url = String(text[..<schemeEnd.upperBound] + host + rest[authorityEnd...])
            username = user.isEmpty ? nil : String(user).removingPercentEncodingIfValid
            password = decodedSecret
        } else if secret != nil {
            url = String(text[..<schemeEnd.upperBound]) + user + "@" + host + rest[authorityEnd...]
            username = user.isEmpty ? nil : String(user).removingPercentEncodingIfValid
            password = decodedSecret
        }
    }
}

extension String {
    /// The text with `%XX` escapes decoded (bytes that are not UTF-8 as U+FFFD), or unchanged when it holds an
    /// invalid escape.
    fileprivate var removingPercentEncodingIfValid: String {
        PercentEncoding.bytes(self).map { String(decoding: $0, as: UTF8.self) } ?? self
    }
}
