/// Bounds-checked reads from an encoded image; every read past the end returns nil.
struct ByteReader {
    let bytes: [UInt8]

    var count: Int { bytes.count }

    func matches(_ pattern: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset + pattern.count <= bytes.count else { return false }
        for (i, byte) in pattern.enumerated() where bytes[offset + i] != byte { return false }
        return true
    }

    func u8(_ offset: Int) -> Int? {
        guard offset >= 0, offset < bytes.count else { return nil }
        return Int(bytes[offset])
    }

    func u16(_ offset: Int, bigEndian: Bool) -> Int? {
        guard let a = u8(offset), let b = u8(offset + 1) else { return nil }
        return bigEndian ? (a << 8 | b) : (b << 8 | a)
    }

    func u24le(_ offset: Int) -> Int? {
        guard let a = u8(offset), let b = u8(offset + 1), let c = u8(offset + 2) else { return nil }
        return a | b << 8 | c << 16
    }

    func u32(_ offset: Int, bigEndian: Bool) -> Int? {
        guard let lo = u16(offset, bigEndian: bigEndian), let hi = u16(offset + 2, bigEndian: bigEndian) else {
            return nil
        }
        return bigEndian ? (lo << 16 | hi) : (hi << 16 | lo)
    }

    func i32le(_ offset: Int) -> Int? {
        guard let v = u32(offset, bigEndian: false) else { return nil }
        return Int(Int32(bitPattern: UInt32(v)))
    }

    func slice(_ offset: Int, _ length: Int) -> ByteReader? {
        guard offset >= 0, length >= 0, offset + length <= bytes.count else { return nil }
        return ByteReader(bytes: Array(bytes[offset..<offset + length]))
    }

    /// The first offset at or after `start` where `pattern` occurs.
    func firstIndex(of pattern: [UInt8], from start: Int) -> Int? {
        guard pattern.count > 0, start >= 0 else { return nil }
        var i = start
        while i + pattern.count <= bytes.count {
            if bytes[i] == pattern[0] && matches(pattern, at: i) { return i }
            i += 1
        }
        return nil
    }
}
