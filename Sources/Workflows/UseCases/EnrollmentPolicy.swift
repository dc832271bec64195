import FaceKit
import Foundation

/// A deployment's rule for enrolment over the API: each tenant's quality profile, and which
/// overrides a request may ask for, so the deployment decides, not each request.
///
/// The config file's `enrollment` section (`likeness serve`), e.g.
///
///     "enrollment": {
///       "profile": "enrollment",
///       "allow": [],
///       "profiles": [{"name": "portrait", "min_inter_eye_distance": 35, …}],
///       "tenants": {"archive": {"profile": "portrait", "allow": ["quality"]}}
///     }
///
/// `profiles` adds to (or replaces) the built-in profiles by name, in the format of the CLI's
/// `--profiles` file; a tenant without an entry gets the top-level `profile` and `allow`.
public struct EnrollmentPolicy: Codable, Sendable, Equatable {
    /// What a request may change about its enrolment.
    public enum Override: String, Codable, Sendable, CaseIterable {
        /// `profile`: judge the images by another named profile.
        case profile
        /// `quality: "report"`: enrol images below the profile, naming them in the answer.
        case quality
    }

    /// One tenant's rule; what it leaves out comes from the top level.
    public struct TenantRule: Codable, Sendable, Equatable {
        public var profile: String?
        public var allow: Set<Override>?

        public init(profile: String? = nil, allow: Set<Override>? = nil) {
            self.profile = profile
            self.allow = allow
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case profile, allow }

        public init(from decoder: any Decoder) throws {
            try EnrollmentPolicy.refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            profile = try container.decodeIfPresent(String.self, forKey: .profile)
            allow = try container.decodeIfPresent(Set<Override>.self, forKey: .allow)
        }
    }

    /// The profile of every tenant without its own.
    public var profile = QualityProfile.enrollment.name
    /// The overrides every tenant without its own list allows (none by default).
    public var allow: Set<Override> = []
    /// Profiles beyond the built-in ones (a built-in name replaces it).
    public var profiles: [QualityProfile] = []
    /// Rules by tenant name.
    public var tenants: [String: TenantRule] = [:]

    public init(
        profile: String = QualityProfile.enrollment.name, allow: Set<Override> = [], profiles: [QualityProfile] = [],
        tenants: [String: TenantRule] = [:]
    ) {
        self.profile = profile
        self.allow = allow
        self.profiles = profiles
        self.tenants = tenants
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case profile, allow, profiles, tenants }

    public init(from decoder: any Decoder) throws {
        try Self.refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        profile = try container.decodeIfPresent(String.self, forKey: .profile) ?? profile
        allow = try container.decodeIfPresent(Set<Override>.self, forKey: .allow) ?? allow
        profiles = try container.decodeIfPresent([QualityProfile].self, forKey: .profiles) ?? profiles
        tenants = try container.decodeIfPresent([String: TenantRule].self, forKey: .tenants) ?? tenants
    }

    /// The profiles a policy or a request may name: the built-in ones and the policy's own.
    public var available: [String: QualityProfile] {
        var available = QualityProfile.builtIn
        for profile in profiles { available[profile.name] = profile }
        return available
    }

    /// A tenant's profile name and allowed overrides.
    public func rule(for tenant: String) -> (profile: String, allow: Set<Override>) {
        let rule = tenants[tenant]
        return (rule?.profile ?? profile, rule?.allow ?? allow)
    }

    /// The problems with this policy, one line each; empty when it is usable.
    public func problems() -> [String] {
        let names = available
        var problems: [String] = []
        if names[profile] == nil { problems.append("enrollment.profile: \(unknown(profile))") }
        for (tenant, rule) in tenants.sorted(by: { $0.key < $1.key }) {
            if let name = rule.profile, names[name] == nil {
                problems.append("enrollment.tenants.\(tenant).profile: \(unknown(name))")
            }
        }
        return problems
    }

    /// What an enrolment of `tenant` runs under, given what the request asked for (nil: nothing).
    /// Asking for the tenant's own profile or for `enforce` is no override; any other profile or
    /// `report` needs the policy's leave (`override_not_allowed`); an unknown profile name is
    /// `validation_failed`.
    public func resolve(tenant: String, profile requested: String?, quality mode: QualityMode?) throws
        -> (profile: QualityProfile, mode: QualityMode)
    {
        let rule = rule(for: tenant)
        let name = requested ?? rule.profile
        if name != rule.profile && !rule.allow.contains(.profile) {
            throw WorkflowError(
                .overrideNotAllowed,
                "this tenant's enrolment policy does not let a request choose the quality profile (it is \(rule.profile))"
            )
        }
        if mode == .report && !rule.allow.contains(.quality) {
            throw WorkflowError(
                .overrideNotAllowed, "this tenant's enrolment policy does not let a request ask for quality report")
        }
        guard let profile = available[name] else { throw WorkflowError(.validationFailed, "profile: \(unknown(name))") }
        return (profile, mode ?? .enforce)
    }

    private func unknown(_ name: String) -> String {
        "no quality profile \(name); available: \(available.keys.sorted().joined(separator: ", "))"
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A typo in the file (`"allows"`) is refused rather than ignored.
    static func refuseUnknownKeys(_ decoder: any Decoder, known: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown key(s) \(unknown.joined(separator: ", "))"))
        }
    }
}
