import Foundation

/// One secret as it may appear in bytes a server sends back: raw, percent-encoded (either hex
/// case, `+` or `%20` for a space), JSON- or Swift-escaped (`\"`, `\\`, `\/`, `\u00e9`, `\u001B`),
/// or in base64 at any alignment (standard or URL-safe). Encodings may even mix within one
/// occurrence. Matching works on bytes, so text and binary bodies go through the same code.
struct SecretPattern: Sendable {
    private enum Kind: Sendable {
        /// Each scalar in any of the text encodings.
        case text(scalars: [Unicode.Scalar], utf8: [[UInt8]])
        /// Exact bytes (base64 forms, which are case-sensitive).
        case exact([UInt8])
    }

    private let kind: Kind
    /// The longest run of bytes one occurrence can span (`\uD83D\uDE00` for one emoji).
    let maximumLength: Int
    /// Sorts longer secrets first, so a secret containing another is masked whole.
    let weight: Int

    /// Bytes that can start an occurrence (a fast reject for every other position).
    var firstBytes: Set<UInt8> {
        switch kind {
        case .exact(let bytes): return [bytes[0]]
        case .text(let scalars, let utf8):
            var bytes: Set<UInt8> = [utf8[0][0], UInt8(ascii: "%"), UInt8(ascii: "\\")]
            if scalars[0] == " " { bytes.insert(UInt8(ascii: "+")) }
            return bytes
        }
    }

    /// The patterns that find `secret` (empty for an empty secret).
    static func patterns(for secret: String) -> [SecretPattern] {
        guard !secret.isEmpty else { return [] }
        let scalars = Array(secret.unicodeScalars)
        var patterns = [SecretPattern(kind: .text(scalars: scalars, utf8: scalars.map { Array(String($0).utf8) }),
                                      maximumLength: scalars.count * 14, weight: secret.utf8.count)]
        for core in base64Cores(Array(secret.utf8)) {
            patterns.append(SecretPattern(kind: .exact(core), maximumLength: core.count, weight: secret.utf8.count))
        }
        return patterns
    }

    /// The length of the occurrence starting at `start`, or nil.
    func match(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        switch kind {
        case .exact(let bytes):
            guard start + bytes.count <= text.count else { return nil }
            for offset in 0..<bytes.count where text[start + offset] != bytes[offset] { return nil }
            return bytes.count
        case .text(let scalars, let utf8):
            var position = start
            for index in scalars.indices {
                guard let length = Self.match(scalars[index], utf8[index], in: text, at: position) else { return nil }
                position += length
            }
            return position - start
        }
    }

    /// One scalar: an escape sequence for it, or its UTF-8 bytes each raw or as `%HH`.
    private static func match(_ scalar: Unicode.Scalar, _ bytes: [UInt8], in text: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        if start < text.count, text[start] == UInt8(ascii: "\\"), let length = escape(of: scalar, in: text, at: start) {
            return length
        }
        var position = start
        for byte in bytes {
            guard position < text.count else { return nil }
            let found = text[position]
            if found == byte || (byte == UInt8(ascii: " ") && found == UInt8(ascii: "+")) {
                position += 1
            } else if found == UInt8(ascii: "%"), position + 2 < text.count,
                      let high = hexValue(text[position + 1]), let low = hexValue(text[position + 2]), high << 4 | low == byte {
                position += 3
            } else {
                return nil
            }
        }
        return position - start
    }

    /// `\"`, `\n`…, `\uXXXX` (a surrogate pair above U+FFFF) or `\u{7f}` standing for `scalar`,
    /// escaped once or twice (a JSON body echoed inside a JSON string: `\\\"`, `\\u00e9`).
    private static func escape(of scalar: Unicode.Scalar, in text: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        let backslash = UInt8(ascii: "\\")
        var run = 0
        while start + run < text.count, text[start + run] == backslash, run < 4 { run += 1 }
        if scalar == "\\" && run >= 2 { return run >= 4 ? 4 : 2 }
        guard start + run < text.count else { return nil }
        let next = text[start + run]
        if scalar == "\"" && next == UInt8(ascii: "\"") && (run == 1 || run == 3) { return run + 1 }
        guard run <= 2 else { return nil }
        let short: [Unicode.Scalar: UInt8] = ["/": UInt8(ascii: "/"), "\n": UInt8(ascii: "n"), "\r": UInt8(ascii: "r"),
                                              "\t": UInt8(ascii: "t"), "\u{08}": UInt8(ascii: "b"), "\u{0C}": UInt8(ascii: "f"),
                                              "\0": UInt8(ascii: "0")]
        if let letter = short[scalar], next == letter { return run + 1 }
        guard next == UInt8(ascii: "u") else { return nil }
        if start + run + 1 < text.count, text[start + run + 1] == UInt8(ascii: "{") {
            var position = start + run + 2, value: UInt32 = 0
            while position < text.count, let digit = hexValue(text[position]) {
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return position < text.count && text[position] == UInt8(ascii: "}") && value == scalar.value ? position + 1 - start : nil
        }
        var position = start
        for unit in String(scalar).utf16 {
            guard position + run + 5 <= text.count, (0..<run).allSatisfy({ text[position + $0] == backslash }),
                  text[position + run] == UInt8(ascii: "u") else { return nil }
            var value: UInt16 = 0
            for offset in (run + 1)...(run + 4) {
                guard let digit = hexValue(text[position + offset]) else { return nil }
                value = value << 4 | UInt16(digit)
            }
            guard value == unit else { return nil }
            position += run + 5
        }
        return position - start
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Base64 characters fixed by the secret's bytes alone, for each of the three alignments the
    /// secret can have inside a longer encoded text, in the standard and the URL-safe alphabet.
    /// Cores shorter than 8 characters are left out: they would match unrelated base64 data.
    private static func base64Cores(_ bytes: [UInt8]) -> [[UInt8]] {
        var cores: [[UInt8]] = []
        for shift in 0..<3 {
            let encoded = Array(Data(Array(repeating: 0, count: shift) + bytes).base64EncodedString().utf8)
            let first = (8 * shift + 5) / 6, end = (8 * (shift + bytes.count)) / 6
            guard end - first >= 8 else { continue }
            let core = Array(encoded[first..<end])
            cores.append(core)
            let urlSafe = core.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: "-") : $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0 }
            if urlSafe != core { cores.append(urlSafe) }
        }
        return cores
    }
}
