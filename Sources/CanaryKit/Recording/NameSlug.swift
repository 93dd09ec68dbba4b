import Foundation

/// The file-system name of a canary or step name: lowercase ASCII letters, digits and '-'.
///
/// A pure function of the name, so the same name gives the same slug on every run and machine,
/// whatever else is loaded (a canary's results folder must not move when another canary is
/// added). A name that is already a slug is its own slug; any other name gets its readable part
/// (ASCII letters lowercased, digits, everything else a '-') and a 6-hex-digit hash of the real
/// name (its NFC form in UTF-8), so `Get JSON` and `get json` get distinct slugs and a name with
/// nothing ASCII in it (`日本語`) still gets one. The loader refuses two names of one scope whose
/// slugs are equal anyway (only a hash collision or a name written as another's slug can do it).
public enum NameSlug {
    /// Readable part of a hashed slug at most this long (cut at a '-' where there is one).
    static let readableLength = 48

    /// `get-json`, `get-json-3fa9c2` for `Get JSON`, `3fa9c2` for a name with nothing ASCII.
    /// `reserved`: slugs that are taken (the results folder's own entries); a name whose slug
    /// would be one is hashed too.
    public static func slug(_ name: String, reserved: [String] = []) -> String {
        if isSlug(name), !reserved.contains(name) { return name }
        // NFC first: names Swift holds equal (`é`, `e` + U+0301) give one slug.
        let normal = name.precomposedStringWithCanonicalMapping
        let readable = readablePart(normal)
        return readable.isEmpty ? hash(normal) : readable + "-" + hash(normal)
    }

    /// Whether `text` is already a slug: `[a-z0-9]+(-[a-z0-9]+)*`.
    public static func isSlug(_ text: String) -> Bool {
        var previous: UInt8 = UInt8(ascii: "-")
        for byte in text.utf8 {
            let isDash = byte == UInt8(ascii: "-")
            guard isDash ? previous != UInt8(ascii: "-") : isLowerAlphanumeric(byte) else { return false }
            previous = byte
        }
        return !text.isEmpty && previous != UInt8(ascii: "-")
    }

    /// ASCII letters lowercased and digits kept; every other run of characters one '-'.
    static func readablePart(_ name: String) -> String {
        var out: [UInt8] = []
        for byte in name.utf8 {
            let lowered = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
            if isLowerAlphanumeric(lowered) {
                out.append(lowered)
            } else if let last = out.last, last != UInt8(ascii: "-") {
                out.append(UInt8(ascii: "-"))
            }
        }
        if out.count > readableLength {
            out = Array(out.prefix(readableLength))
            if let cut = out.lastIndex(of: UInt8(ascii: "-")), cut > readableLength / 2 { out = Array(out[..<cut]) }
        }
        while out.last == UInt8(ascii: "-") { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// 6 hex digits of FNV-1a over the name's NFC UTF-8 (names equal to Swift are equal here).
    static func hash(_ name: String) -> String {
        let full = Shard.fnv1a(name.precomposedStringWithCanonicalMapping)
        let folded = (full ^ (full >> 32)) & 0xFF_FFFF
        let digits = String(folded, radix: 16)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// Whether versions before slugs allowed `name` as a file name (and so named files by it):
    /// letters, digits, '_', '.' and '-', at most 100 bytes, not `.` or `..`.
    public static func wasFileSafe(_ name: String) -> Bool {
        name != "." && name != ".." && name.utf8.count <= 100 && Template.isValidName(name.replacingOccurrences(of: ".", with: "_"))
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
