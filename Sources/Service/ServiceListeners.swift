import FaceKit
import Foundation
import Gallery
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The listeners `likeness serve` runs in one service group: the API, and the admin listener
/// (`/metrics` with tenant labels, `/readyz`, `/healthz`) when `admin_port` is set. Both share one
/// set of metrics, one inference gate, one drain and one readiness state.
public struct ServiceListeners: Sendable {
    /// Which listener an event is about.
    public enum Role: String, Sendable {
        case api = "API"
        case admin
    }

    let listeners: [Listener]

    /// - Parameters:
    ///   - analyzerWarmedUp: the networks have already loaded and answered, so `/readyz` never
    ///     warms them up itself.
    ///   - onListening: called once each listener's socket is bound, with its address
    ///     (`http://host:port`); nothing is announced for a listener that failed to bind.
    public init(
        configuration: ServiceConfiguration, analyzer: FaceAnalyzer, gallery: Gallery, logger: Logger,
        drain: ServiceDrain, analyzerWarmedUp: Bool = false,
        onListening: @escaping @Sendable (Role, String) -> Void = { _, _ in }
    ) {
        let shared = ServiceShared(
            configuration: configuration, analyzer: analyzer, gallery: gallery, drain: drain,
            analyzerWarmedUp: analyzerWarmedUp)
        var listeners: [Listener] = []
        let api = (configuration.host, configuration.port)
        listeners.append(
            Listener(
                role: .api, host: api.0, port: api.1,
                application: makeApplication(
                    router: buildRouter(shared: shared, livenessSessions: nil), configuration: configuration,
                    host: api.0, port: api.1, logger: logger,
                    onServerRunning: { channel in onListening(.api, Self.address(channel, api.0, api.1)) })))
        if configuration.adminPort != 0 {
            let admin = (configuration.adminHost, configuration.adminPort)
            listeners.append(
                Listener(
                    role: .admin, host: admin.0, port: admin.1,
                    application: makeApplication(
                        router: buildAdminRouter(shared: shared), configuration: configuration, host: admin.0,
                        port: admin.1, logger: logger,
                        onServerRunning: { channel in onListening(.admin, Self.address(channel, admin.0, admin.1)) })))
        }
        self.listeners = listeners
    }

    /// `http://host:port` of a bound listener.
    static func address(_ channel: any Channel, _ host: String, _ port: Int) -> String {
        "http://\(host):\(channel.localAddress?.port ?? port)"
    }

    /// Runs every listener until a signal stops them (`runService` on `ApplicationProtocol` says
    /// how SIGTERM drains). A listener that cannot bind stops the others and throws
    /// `ListenerError`.
    public func run(drain: ServiceDrain, drainSeconds: Double, logger: Logger) async throws {
        try await runServices(listeners, drain: drain, drainSeconds: drainSeconds, logger: logger)
    }
}

/// A listener that could not start: its address is taken or cannot be bound. `code` is
/// `address_in_use`.
public struct ListenerError: Error, CustomStringConvertible, Sendable {
    public let role: ServiceListeners.Role
    public let address: String
    public let reason: String

    public var description: String { "cannot listen on \(address) (\(role.rawValue)): \(reason)" }
}

/// One listener as a service; a bind failure becomes a `ListenerError` naming it.
struct Listener: Service {
    let role: ServiceListeners.Role
    let host: String
    let port: Int
    let application: any Service

    func run() async throws {
        do {
            try await application.run()
        } catch let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) {
            let reason =
                switch error.errnoCode {
                case EADDRINUSE: "the address is already in use (another process listens on it)"
                case EACCES: "permission denied (a port below 1024 needs privileges)"
                default: "the address is not one of this machine's"
                }
            throw ListenerError(role: role, address: "http://\(host):\(port)", reason: reason)
        } catch is SocketAddressError {
            throw ListenerError(role: role, address: "http://\(host):\(port)", reason: "the host name does not resolve")
        }
    }
}
