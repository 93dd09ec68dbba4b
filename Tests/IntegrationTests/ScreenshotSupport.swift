import Foundation
import Testing
@testable import CanaryKit

/// The browser for screenshot tests; records an issue when none is installed
/// (scripts/test-servers.sh installs Debian's chromium).
func screenshotBrowser() -> Screenshotter? {
    let found = Screenshotter.find()
    if found == nil { Issue.record("no chromium on PATH: run scripts/test-servers.sh start, which installs it") }
    return found
}

/// Width and height from a PNG's IHDR chunk, which must come first; nil for anything that
/// isn't a PNG.
func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
    guard bytes.count > 33, bytes.starts(with: PNGImage.signature),
          bytes[8..<16].elementsEqual([0, 0, 0, 13] + Array("IHDR".utf8)) else { return nil }
    func bigEndian(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (bigEndian(16), bigEndian(20))
}

extension Screenshotter {
    /// A screenshot written to `png`; nil on success, else what went wrong.
    func capture(
        html: [UInt8], to png: String, settings: ScreenshotSettings = ScreenshotSettings(), timeout: Duration = .seconds(30)
    ) async -> String? {
        switch await capture(html: html, settings: settings, timeout: timeout) {
        case .success(let shot):
            return FileManager.default.createFile(atPath: png, contents: Data(shot.png)) ? nil : "cannot write \(png)"
        case .failure(let failure):
            return failure.description
        }
    }
}

/// A throwaway folder, removed by `remove()`.
struct ScratchFolder {
    let path = FileManager.default.temporaryDirectory.path + "/canary-shot-test-" + UUID().uuidString

    init() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    func bytes(_ name: String) -> [UInt8] {
        FileManager.default.contents(atPath: path + "/" + name).map(Array.init) ?? []
    }
}

/// A TCP listener on 127.0.0.1 that never accepts until asked: the kernel completes and queues
/// every connection a client makes, even one closed at once, so draining the queue afterwards
/// counts every connection the browser opened.
final class LoopbackListener {
    let fd: Int32
    let port: Int

    init?() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0, listen(fd, 128) == 0 else {
            close(fd)
            return nil
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Connections made since the last call, and how many of them carried any bytes (a
    /// request); a speculative preconnect opens a connection and sends nothing.
    func drain() -> (connections: Int, requests: Int) {
        var connections = 0, requests = 0
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { return (connections, requests) }
            var byte: UInt8 = 0
            if recv(client, &byte, 1, Int32(MSG_DONTWAIT)) > 0 { requests += 1 }
            close(client)
            connections += 1
        }
    }

    deinit {
        close(fd)
    }
}
