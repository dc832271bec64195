import Foundation

/// What a tenant attaches to a subject: a JSON object of at most `maximumBytes` (encoded) and
/// nesting depth `maximumDepth`, never biometric. Stored as canonical JSON text (sorted keys,
/// compact), so equal objects are stored alike on every store.
public struct SubjectMetadata: Sendable, Equatable, Codable {
    /// The largest canonical encoding accepted, in bytes.
    public static let maximumBytes = 16_384
    /// The deepest nesting accepted; the object itself is depth 1.
    public static let maximumDepth = 8

    /// The canonical JSON text, as stored.
    public let json: String
    let members: [String: MetadataValue]

    /// Validates a decoded object.
    init(members: [String: MetadataValue]) throws {
        let depth = MetadataValue.object(members).depth
        guard depth <= SubjectMetadata.maximumDepth else {
            throw GalleryError(
                .invalidArgument, "metadata nests \(depth) levels deep; at most \(SubjectMetadata.maximumDepth)")
        }
        let text = try SubjectMetadata.canonical(members)
        guard text.utf8.count <= SubjectMetadata.maximumBytes else {
            throw GalleryError(
                .invalidArgument,
                "metadata is \(text.utf8.count) bytes encoded; at most \(SubjectMetadata.maximumBytes)")
        }
        self.members = members
        json = text
    }

    /// Parses JSON text that must be an object.
    /// - Throws: `invalid_argument` when it is not a JSON object, too big or too deep.
    public init(json text: String) throws {
        let value: MetadataValue
        do {
            value = try JSONDecoder().decode(MetadataValue.self, from: Data(text.utf8))
        } catch {
            throw GalleryError(.invalidArgument, "metadata is not valid JSON")
        }
        guard case .object(let members) = value else {
            throw GalleryError(.invalidArgument, "metadata must be a JSON object")
        }
        try self.init(members: members)
    }

    public init(from decoder: any Decoder) throws {
        guard case .object(let members) = try MetadataValue(from: decoder) else {
            throw GalleryError(.invalidArgument, "metadata must be a JSON object (or null)")
        }
        try self.init(members: members)
    }

    public func encode(to encoder: any Encoder) throws {
        try MetadataValue.object(members).encode(to: encoder)
    }

    /// Metadata as a store holds it. Text that is not a JSON object (a plain string written
    /// before schema v4, which the v4 migration converts) reads as `{"note": text}`.
    public init(stored text: String) {
        if let parsed = try? SubjectMetadata(json: text) {
            self = parsed
        } else {
            let members = ["note": MetadataValue.string(text)]
            self.members = members
            json = (try? SubjectMetadata.canonical(members)) ?? "{}"
        }
    }

    /// The v4 migration's rule: an object stays (in canonical form), anything else becomes
    /// `{"note": "<the old text>"}`.
    static func migrated(_ legacy: String) -> String {
        if case .object(let members)? = try? JSONDecoder().decode(MetadataValue.self, from: Data(legacy.utf8)),
            let text = try? canonical(members)
        {
            return text
        }
        return (try? canonical(["note": .string(legacy)])) ?? "{}"
    }

    static func canonical(_ members: [String: MetadataValue]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(MetadataValue.object(members)), as: UTF8.self)
    }
}

/// A JSON value, as subject metadata and audit event details hold it.
public indirect enum MetadataValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([MetadataValue])
    case object([String: MetadataValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? container.decode(Int64.self) {
            self = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([MetadataValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: MetadataValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .integer(let integer): try container.encode(integer)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }

    /// Nesting depth: 1 for an object or array of scalars, 0 for a scalar.
    var depth: Int {
        switch self {
        case .array(let items): 1 + (items.map(\.depth).max() ?? 0)
        case .object(let members): 1 + (members.values.map(\.depth).max() ?? 0)
        default: 0
        }
    }
}
