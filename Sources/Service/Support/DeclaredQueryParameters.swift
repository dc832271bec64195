import Foundation

/// The query parameters each operation of the OpenAPI document declares (`"in": "query"`), by
/// path template and method: the one list of what a route accepts in its query string.
struct DeclaredQueryParameters: Sendable {
    /// Whether a declared parameter may be repeated (its schema is an array).
    struct Parameter: Sendable, Equatable {
        var repeatable: Bool
    }

    /// Path template (`/v1/subjects/{id}`) → lowercased method → parameter name → parameter.
    private(set) var operations: [String: [String: [String: Parameter]]] = [:]

    /// The parameters of the document shipped with the service, read once.
    static let shipped = DeclaredQueryParameters(document: OpenAPIController.document ?? Data())

    /// Reads an OpenAPI 3.1 document; parameters given by `$ref` to `components/parameters` are
    /// followed. A document it cannot read declares nothing.
    init(document: Data) {
        guard let root = try? JSONSerialization.jsonObject(with: document) as? [String: Any],
            let paths = root["paths"] as? [String: Any]
        else { return }
        let shared = (root["components"] as? [String: Any])?["parameters"] as? [String: Any] ?? [:]
        func resolve(_ parameter: Any) -> [String: Any]? {
            guard let object = parameter as? [String: Any] else { return nil }
            guard let reference = object["$ref"] as? String else { return object }
            let prefix = "#/components/parameters/"
            guard reference.hasPrefix(prefix) else { return nil }
            return shared[String(reference.dropFirst(prefix.count))] as? [String: Any]
        }
        func queryParameters(_ list: Any?) -> [String: Parameter] {
            var found: [String: Parameter] = [:]
            for case let parameter? in ((list as? [Any]) ?? []).map(resolve)
            where parameter["in"] as? String == "query" {
                guard let name = parameter["name"] as? String else { continue }
                let schema = parameter["schema"] as? [String: Any]
                found[name] = Parameter(repeatable: schema?["type"] as? String == "array")
            }
            return found
        }
        for (template, item) in paths {
            guard let item = item as? [String: Any] else { continue }
            let common = queryParameters(item["parameters"])
            for (method, operation) in item where Self.methods.contains(method) {
                let own = queryParameters((operation as? [String: Any])?["parameters"])
                operations[template, default: [:]][method] = common.merging(own) { _, operation in operation }
            }
        }
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The parameters of `method` on `template`, or nil when the document does not describe the
    /// operation (a HEAD the router answers for a GET is described by the GET).
    func parameters(template: String, method: String) -> [String: Parameter]? {
        guard let operation = operations[template] else { return nil }
        let method = method.lowercased()
        return operation[method] ?? (method == "head" ? operation["get"] : nil)
    }

    /// The first problem with a query string's parameters against the declared ones: an
    /// undeclared name, or a repeated one whose schema is not an array. Nil when they are fine.
    static func problem(
        with query: some Sequence<(key: Substring, value: Substring)>, declared: [String: Parameter]
    ) -> String? {
        var seen: Set<String> = []
        for (rawKey, value) in query {
            if rawKey.isEmpty && value.isEmpty { continue }  // `?` alone or `&&`
            let name = String(rawKey).removingPercentEncoding ?? String(rawKey)
            guard let parameter = declared[name] else { return "unknown query parameter \(name)" }
            if !seen.insert(name).inserted && !parameter.repeatable {
                return "query parameter \(name) is given more than once"
            }
        }
        return nil
    }
}
