/// Lower-case hexadecimal text of bytes: digests, token secrets, audit hashes.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as two lower-case hex digits each.
    public static func string<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Unguessable tokens (API key secrets, session ids, capture tokens) from the system's CSPRNG.
public enum RandomToken {
    /// `bytes` random bytes as hex (so `2 × bytes` characters).
    public static func hex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.string((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
