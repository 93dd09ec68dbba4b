import CZlib

/// An 8-bit RGBA image read from or written to PNG with the system zlib: enough for the PNGs
/// Chromium writes (8-bit gray, RGB or RGBA, not interlaced) and for the diff images we write.
/// Pixels are stored row by row, four bytes each.
public struct PNGImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// Far above any screenshot we take (16384 × 16384), so a corrupt header can't make us allocate gigabytes.
    static let maxPixels = 1 << 28

    /// Decodes `bytes`; throws what is wrong with them, for a person.
    public init(png bytes: [UInt8]) throws(PNGError) {
        guard bytes.count > 8, bytes.starts(with: Self.signature) else { throw PNGError("not a PNG (\(bytes.count) bytes)") }
        var offset = 8
        var header: (width: Int, height: Int, depth: UInt8, color: UInt8, interlace: UInt8)?
        var compressed: [UInt8] = []
        while offset + 12 <= bytes.count {
            let length = Self.bigEndian(bytes, offset)
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let start = offset + 8
            guard length >= 0, start + length + 4 <= bytes.count else { throw PNGError("chunk \(type) runs past the end of the file") }
            if type == "IHDR", length >= 13 {
                header = (Self.bigEndian(bytes, start), Self.bigEndian(bytes, start + 4), bytes[start + 8], bytes[start + 9], bytes[start + 12])
            } else if type == "IDAT" {
                compressed += bytes[start..<start + length]
            } else if type == "IEND" {
                break
            }
            offset = start + length + 4
        }
        guard let header else { throw PNGError("no IHDR chunk") }
        let channelsByColor: [UInt8: Int] = [0: 1, 2: 3, 4: 2, 6: 4]
        guard header.depth == 8, header.interlace == 0, let channels = channelsByColor[header.color] else {
            throw PNGError("unsupported PNG format (bit depth \(header.depth), colour type \(header.color), interlace \(header.interlace))")
        }
        guard header.width > 0, header.height > 0 else { throw PNGError("empty image (\(header.width)×\(header.height))") }
        guard header.width * header.height <= Self.maxPixels else { throw PNGError("image too large (\(header.width)×\(header.height))") }
        let stride = header.width * channels
        let raw = try Self.inflate(compressed, expected: header.height * (stride + 1))
        let rows = try Self.unfilter(raw, height: header.height, stride: stride, bytesPerPixel: channels)
        width = header.width
        height = header.height
        pixels = Self.rgba(rows, channels: channels)
    }

    /// The image as a PNG (RGBA, no filtering, fast compression).
    public func png() -> [UInt8] {
        var raw = [UInt8]()
        raw.reserveCapacity(height * (width * 4 + 1))
        for row in 0..<height {
            raw.append(0)
            raw += pixels[row * width * 4..<(row + 1) * width * 4]
        }
        var header = Self.bigEndianBytes(width) + Self.bigEndianBytes(height)
        header += [8, 6, 0, 0, 0]
        return Self.signature + Self.chunk("IHDR", header) + Self.chunk("IDAT", Self.deflate(raw)) + Self.chunk("IEND", [])
    }

    private static func bigEndian(_ bytes: [UInt8], _ at: Int) -> Int {
        bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func bigEndianBytes(_ value: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return bigEndianBytes(data.count) + typed + bigEndianBytes(Int(crc))
    }

    private static func inflate(_ compressed: [UInt8], expected: Int) throws(PNGError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expected)
        var length = uLongf(expected)
        let code = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &length, input.baseAddress, uLong(input.count))
            }
        }
        guard code == Z_OK, Int(length) == expected else { throw PNGError("image data is damaged or truncated (zlib \(code))") }
        return output
    }

    private static func deflate(_ raw: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(raw.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        _ = output.withUnsafeMutableBufferPointer { out in
            raw.withUnsafeBufferPointer { input in compress2(out.baseAddress, &length, input.baseAddress, uLong(input.count), 1) }
        }
        return Array(output.prefix(Int(length)))
    }

    /// Undoes PNG's per-row filters (none, sub, up, average, Paeth) in place of the filter bytes.
    /// Through buffer pointers: a full-page render is tens of megabytes, and indexed arrays took
    /// seconds a page in a debug build.
    private static func unfilter(_ raw: [UInt8], height: Int, stride: Int, bytesPerPixel bpp: Int) throws(PNGError) -> [UInt8] {
        var rows = [UInt8](repeating: 0, count: height * stride)
        let bad: (row: Int, filter: UInt8)? = rows.withUnsafeMutableBufferPointer { out in
            raw.withUnsafeBufferPointer { input in
                for row in 0..<height {
                    let filter = input[row * (stride + 1)]
                    let source = row * (stride + 1) + 1, target = row * stride, above = target - stride
                    for column in 0..<stride {
                        let left = column >= bpp ? Int(out[target + column - bpp]) : 0
                        let up = row > 0 ? Int(out[above + column]) : 0
                        let predictor: Int
                        switch filter {
                        case 0: predictor = 0
                        case 1: predictor = left
                        case 2: predictor = up
                        case 3: predictor = (left + up) / 2
                        case 4: predictor = paeth(left, up, row > 0 && column >= bpp ? Int(out[above + column - bpp]) : 0)
                        default: return (row, filter)
                        }
                        out[target + column] = input[source + column] &+ UInt8(truncatingIfNeeded: predictor)
                    }
                }
                return nil
            }
        }
        if let bad { throw PNGError("unknown row filter \(bad.filter) in row \(bad.row)") }
        return rows
    }

    private static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
    }

    /// Grey, grey with alpha and RGB widened to RGBA.
    private static func rgba(_ rows: [UInt8], channels: Int) -> [UInt8] {
        if channels == 4 { return rows }
        let count = rows.count / channels
        var out = [UInt8](repeating: 255, count: count * 4)
        out.withUnsafeMutableBufferPointer { out in
            rows.withUnsafeBufferPointer { rows in
                for pixel in 0..<count {
                    let from = pixel * channels, to = pixel * 4
                    switch channels {
                    case 1: out[to] = rows[from]; out[to + 1] = rows[from]; out[to + 2] = rows[from]
                    case 2: out[to] = rows[from]; out[to + 1] = rows[from]; out[to + 2] = rows[from]; out[to + 3] = rows[from + 1]
                    default: out[to] = rows[from]; out[to + 1] = rows[from + 1]; out[to + 2] = rows[from + 2]
                    }
                }
            }
        }
        return out
    }
}

/// A PNG we cannot read.
public struct PNGError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
