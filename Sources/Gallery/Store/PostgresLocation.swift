import Foundation

/// Where a PostgreSQL database is, parsed from `postgres://user:password@host:port/database`.
///
/// `postgresql://` is accepted too. The only query parameter read is `sslmode`: `disable` (the
/// default), `prefer` or `require`.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is protected.
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Parses a URL; the error message never repeats the password.
    public init(url text: String) throws {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), ["postgres", "postgresql"].contains(scheme)
        else {
            throw GalleryError(
                .invalidArgument, "a database URL must look like postgres://user:password@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw GalleryError(.invalidArgument, "the database URL names no host")
        }
        guard let username = components.user, !username.isEmpty else {
            throw GalleryError(.invalidArgument, "the database URL names no user")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? username : path
        let sslmode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        guard let tls = TLSMode(rawValue: sslmode) else {
            throw GalleryError(.invalidArgument, "sslmode must be disable, prefer or require, not \(sslmode)")
        }
        self.tls = tls
    }

    /// Whether `text` is a PostgreSQL URL rather than, say, a file path.
    public static func isPostgresURL(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// The URL without its password, for messages and logs.
    public var redacted: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// The redacted URL, so that interpolating a location never prints its password.
    public var description: String { redacted }

    /// The same server and credentials with another database (tests create and drop databases).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL again, password included: for handing the location to another process.
    public var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        if tls != .disable { components.queryItems = [URLQueryItem(name: "sslmode", value: tls.rawValue)] }
        return components.string ?? redacted
    }
}
