import Foundation
import PostgresNIO

/// A store on a PostgreSQL server, for galleries shared by several processes or machines.
///
/// The store owns a `PostgresClient` (a connection pool) and the task that runs it. Call
/// `close()` when done: it cancels that task, which closes every connection, and waits for it.
/// A store that is dropped without `close()` cancels the task too, but nobody waits for the
/// connections to be closed.
///
/// Every change and its audit event are written in one transaction. Transactions that append to
/// the audit trail first take a transaction-level advisory lock, so appends are serialised
/// across every process using the database and the chain stays gap-free.
public final class PostgresStore: GalleryStore {
    let client: PostgresClient
    private let runTask: Task<Void, Never>
    /// The database, without its password.
    public let location: PostgresLocation
    /// Where connection problems are reported.
    let logger: Logger
    /// How to open a connection of the store's own, outside the pool (migrations, LISTEN).
    let connectionConfiguration: PostgresConnection.Configuration

    /// Connects to the database at `url` and brings its schema up to date.
    ///
    /// The schema is migrated on one connection of its own before the pool starts: a wrong
    /// address or password then fails at once with the server's reason, where the pool would
    /// keep retrying in the background. Connection problems are logged to `logger` (never the
    /// password or any stored value).
    ///
    /// - Throws: `store_error` when the server cannot be reached or the database was written by
    ///   a newer version.
    public init(url: String, logger: Logger = Logger(label: "likeness.gallery")) async throws {
        let location = try PostgresLocation(url: url)
        var withoutPassword = location
        withoutPassword.password = nil
        self.location = withoutPassword
        self.logger = logger
        let tls: PostgresClient.Configuration.TLS =
            switch location.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: tls)
        configuration.options.maximumConnections = 8
        do {
            let connectionTLS: PostgresConnection.Configuration.TLS =
                switch location.tls {
                case .disable: .disable
                case .prefer: .prefer(try PostgresStore.tlsContext())
                case .require: .require(try PostgresStore.tlsContext())
                }
            connectionConfiguration = PostgresConnection.Configuration(
                host: location.host, port: location.port, username: location.username,
                password: location.password, database: location.database, tls: connectionTLS)
            try await PostgresStore.migrate(connectionConfiguration, location: location)
        } catch let error as GalleryError {
            logger.error(
                "cannot open the PostgreSQL store",
                metadata: ["database": "\(location.redacted)", "reason": "\(error.message)"])
            throw error
        }
        // The pool reconnects in the background; what it reports about failed connections is
        // worth a warning, its routine chatter is not.
        var poolLogger = logger
        poolLogger[metadataKey: "database"] = "\(location.redacted)"
        poolLogger.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.client = client
        runTask = Task { await client.run() }
    }

    static func tlsContext() throws -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: .makeClientConfiguration())
        } catch {
            throw GalleryError(.storeFailure, "cannot set up TLS: \(error)")
        }
    }

    deinit { runTask.cancel() }

    /// Closes every connection (cancels the pool's task and waits for it); the store cannot be
    /// used afterwards.
    public func close() async {
        runTask.cancel()
        await runTask.value
    }

    /// PostgresNIO's logger for queries: quiet, since the store reports failures as errors and a
    /// query log could carry bound values.
    static let queryLogger: Logger = {
        var logger = Logger(label: "likeness.postgres")
        logger.logLevel = .critical
        return logger
    }()

    /// The advisory lock key that serialises audit appends ("LikeAudt").
    static let auditLockKey: Int64 = 5_506_050_102_071_223_412

    /// Runs `body` in one transaction on one pooled connection, after taking the audit advisory
    /// lock: appends are serialised across every process using the database, and the lock comes
    /// before any row lock, so two writers can never wait on each other in opposite order.
    public func transaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T)
        async throws -> T
    {
        do {
            return try await client.withConnection { connection in
                try await PostgresStore.transaction(on: connection) { connection in
                    try await connection.rows("SELECT pg_advisory_xact_lock(\(PostgresStore.auditLockKey))")
                    do {
                        return try await body(PostgresTransaction(store: self, connection: connection))
                    } catch {
                        throw BodyFailure(error: error)
                    }
                }
            }
        } catch let failure as BodyFailure {
            throw failure.error  // the caller's own error, as it threw it (after the rollback)
        } catch {
            throw failure("a transaction", error)
        }
    }

    /// An error thrown by a transaction's body, told apart from the store's own failures.
    private struct BodyFailure: Error {
        let error: any Error
    }

    /// BEGIN, `body`, COMMIT on `connection`; ROLLBACK when `body` throws.
    static func transaction<T: Sendable>(
        on connection: PostgresConnection, _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        // Read committed whatever the database's default: each statement after a lock must see
        // what the previous lock holder committed (see `PostgresTransaction.lastAuditLink`).
        try await connection.rows("BEGIN ISOLATION LEVEL READ COMMITTED")
        do {
            let value = try await body(connection)
            try await connection.rows("COMMIT")
            return value
        } catch {
            do {
                try await connection.rows("ROLLBACK")
            } catch {
                // The connection is in an unknown state: it must not be used again.
                try? await connection.close()
            }
            throw error
        }
    }

    /// Runs one statement outside any explicit transaction and returns its rows.
    func rows(_ what: String, _ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        do {
            return try await client.query(query, logger: PostgresStore.queryLogger).collect().map {
                $0.makeRandomAccess()
            }
        } catch {
            throw failure(what, error)
        }
    }

    /// The store failure for `error`, logged first when it is the connection that failed rather
    /// than the statement (the server's message has no bound values; see `describe`).
    func failure(_ what: String, _ error: any Error) -> GalleryError {
        var failure = PostgresStore.storeError(what, error, location: location)
        if PostgresStore.isConnectionProblem(error) {
            failure = GalleryError(.storeUnavailable, failure.message)
            logger.warning(
                "PostgreSQL connection problem",
                metadata: ["database": "\(location.redacted)", "operation": "\(what)", "reason": "\(failure.message)"])
        }
        return failure
    }

    /// Whether the connection failed (no server answer), as opposed to a statement the server refused.
    static func isConnectionProblem(_ error: any Error) -> Bool {
        switch error {
        case let error as PostgresTransactionError:
            let inner = error.closureError ?? error.commitError ?? error.beginError ?? error.rollbackError
            return inner.map(isConnectionProblem) ?? false
        case let error as PSQLError:
            // No answer at all, or the server saying it is shutting down, starting up or has
            // cut the connection (class 08 connection exceptions, 57P operator intervention).
            guard let state = error.serverInfo?[.sqlState] else { return true }
            return state.hasPrefix("08") || state.hasPrefix("57P")
        default:
            return false
        }
    }

    /// A store failure that names what failed and why, without the URL's password or any
    /// stored bytes (PostgresNIO's own descriptions may quote bound values).
    static func storeError(_ what: String, _ error: any Error, location: PostgresLocation) -> GalleryError {
        if let error = error as? GalleryError { return error }
        return GalleryError(
            .storeFailure, "\(what) failed on \(location.redacted): \(PostgresStore.describe(error))")
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as GalleryError:
            return error.message
        case let error as PostgresTransactionError:
            return describe(error.closureError ?? error.commitError ?? error.beginError ?? error.rollbackError!)
        case let error as PSQLError:
            var parts: [String] = []
            if let info = error.serverInfo {
                if let message = info[.message] { parts.append(message) }
                if let state = info[.sqlState] { parts.append("SQLSTATE \(state)") }
                if let constraint = info[.constraintName] { parts.append("constraint \(constraint)") }
            } else {
                parts.append(error.code.description)
            }
            if let underlying = error.underlying { parts.append(String(describing: underlying)) }
            return parts.joined(separator: ", ")
        case let error as PostgresDecodingError:
            return "column \(error.columnName) does not decode as \(error.targetType) (\(error.code))"
        default:
            return String(describing: error)
        }
    }

    static func date(_ milliseconds: Int64) -> Date { Date(storeMilliseconds: milliseconds) }
}

extension PostgresRandomAccessRow {
    /// The value of a named column.
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }
}

extension PostgresConnection {
    /// Runs a statement inside the caller's transaction and returns its rows.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: PostgresStore.queryLogger).collect().map { $0.makeRandomAccess() }
    }
}
