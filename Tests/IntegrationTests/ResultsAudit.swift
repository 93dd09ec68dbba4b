import CanaryKit
import Foundation
import Testing

/// Reads a results folder back the way the next run, `canary report` and a Prometheus scraper
/// do, and lists every file or line that could not be read.
struct ResultsAudit {
    /// The lines of the run log (`runs/` segments, after a `runs.jsonl` of an earlier version), in order.
    var runLines: [String] = []
    /// `run.json` and `run.har` files read (runs with a folder: by default the failed ones).
    var documents = 0
    /// Runs whose exchanges were read back through `ResultsReader` from the place their record names.
    var exchanges = 0
    /// Lines of the exchange segments, each whole JSON.
    var segmentLines = 0
    /// Run folders a kill left half-written under their hidden name.
    var partialFolders: Set<String> = []
    /// What could not be read, one description each; must stay empty.
    var unreadable: [String] = []

    static func of(_ folder: String) async throws -> ResultsAudit {
        var audit = ResultsAudit()
        for log in RunLogFiles.paths(folder) {
            let name = String(log.dropFirst(folder.count + 1))
            guard let data = FileManager.default.contents(atPath: log), !data.isEmpty else { continue }
            if data.last != UInt8(ascii: "\n") { audit.unreadable.append("\(name) does not end with a whole line") }
            for line in data.split(separator: UInt8(ascii: "\n")) {
                let text = String(decoding: line, as: UTF8.self)
                audit.runLines.append(text)
                if (try? JSONSerialization.jsonObject(with: Data(line))) == nil {
                    audit.unreadable.append("\(name) line \(audit.runLines.count): \(text.prefix(120))")
                }
            }
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder + "/exchanges")) ?? [] {
            let data = FileManager.default.contents(atPath: folder + "/exchanges/" + name) ?? Data()
            if !data.isEmpty && data.last != UInt8(ascii: "\n") { audit.unreadable.append("exchanges/\(name) does not end with a whole line") }
            for line in data.split(separator: UInt8(ascii: "\n")) {
                audit.segmentLines += 1
                if (try? JSONSerialization.jsonObject(with: Data(line))) == nil {
                    audit.unreadable.append("exchanges/\(name) line \(audit.segmentLines): \(String(decoding: line.prefix(120), as: UTF8.self))")
                }
            }
        }
        // Every record that names its exchanges' place can be read back there (the record is
        // written after them, so a crash can never leave a record pointing at nothing).
        if FileManager.default.fileExists(atPath: folder) {
            let reader = try ResultsReader(directory: folder)
            for record in try reader.records().records where record.har != nil {
                do {
                    if try reader.attempts(of: record)?.isEmpty == false {
                        audit.exchanges += 1
                    } else {
                        audit.unreadable.append("\(record.canary)/\(record.runId): exchanges not found at \(record.har.map { "\($0)" } ?? "")")
                    }
                } catch {
                    audit.unreadable.append("\(record.canary)/\(record.runId): \(error)")
                }
            }
        }
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix("/run.json") || path.hasSuffix("/run.har") else { continue }
            // A run folder is written under a hidden `.partial-` name and renamed whole; a kill
            // can leave one behind, which readers skip and the next run of that canary removes.
            if path.contains("/.partial-") {
                audit.partialFolders.insert(String(path.prefix { $0 != "/" }) + "/" + String(path.split(separator: "/")[1]))
                continue
            }
            audit.documents += 1
            let data = FileManager.default.contents(atPath: folder + "/" + path) ?? Data()
            if (try? JSONSerialization.jsonObject(with: data)) == nil { audit.unreadable.append("\(path) is not JSON") }
        }
        if FileManager.default.fileExists(atPath: folder + "/" + StateFile.fileName) {
            do {
                _ = try StateFile.load(directory: folder)
            } catch {
                audit.unreadable.append("\(error)")
            }
        }
        let metrics = folder + "/metrics.prom"
        if FileManager.default.fileExists(atPath: metrics) {
            let (status, output) = try await promtoolCheck(metrics)
            if status != 0 { audit.unreadable.append("metrics.prom fails promtool check metrics: \(output)") }
        }
        return audit
    }

    /// The JSON object of each run log line (unreadable ones skipped).
    var records: [[String: Any]] {
        runLines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }
}

/// `promtool check metrics < file`: its exit status (0 when the text parses and lints clean) and output.
func promtoolCheck(_ file: String) async throws -> (status: Int32, output: String) {
    let scratch = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let output = scratch + "/out"
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestServers.promtool)
    process.arguments = ["check", "metrics"]
    process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
    let sink = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    process.standardOutput = sink
    process.standardError = sink
    await (try launch(process)).value
    return (process.terminationStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
}

/// A small tmpfs mounted for one test (root only), so a test can fill a disk or make a folder
/// read-only without touching the machine's disks.
struct TmpfsMount {
    let path: String

    /// nil, with the reason printed, when the test can't mount (not root).
    static func mount(at path: String, options: String, readOnly: Bool = false) -> TmpfsMount? {
        guard getuid() == 0 else {
            print("skipped: mounting a tmpfs at \(path) needs root")
            return nil
        }
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let flags: UInt = readOnly ? UInt(MS_RDONLY) : 0
        guard Glibc.mount("tmpfs", path, "tmpfs", flags, options) == 0 else {
            Issue.record("mount -t tmpfs -o \(options) tmpfs \(path): \(String(cString: strerror(errno)))")
            return nil
        }
        return TmpfsMount(path: path)
    }

    /// Makes the mounted file system read-only or writable again, keeping its files.
    func remount(readOnly: Bool) {
        let flags = UInt(MS_REMOUNT) | (readOnly ? UInt(MS_RDONLY) : 0)
        if Glibc.mount("tmpfs", path, "tmpfs", flags, nil) != 0 {
            Issue.record("remount \(path): \(String(cString: strerror(errno)))")
        }
    }

    func unmount() {
        if umount2(path, Int32(MNT_DETACH)) != 0 { Issue.record("umount \(path): \(String(cString: strerror(errno)))") }
    }

    /// Fills the file system with a file of zeros, then frees `leaving` bytes of it.
    func fill(leaving: Int) throws {
        let filler = path + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw RecordingFailure("open \(filler): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let page = [UInt8](repeating: 0, count: 4096)
        var size = 0
        while true {
            let written = write(fd, page, page.count)
            if written <= 0 { break }
            size += written
        }
        guard ftruncate(fd, off_t(max(0, size - leaving))) == 0 else { throw RecordingFailure("truncate \(filler)") }
    }

    /// Removes the filler: the disk has room again.
    func free() {
        try? FileManager.default.removeItem(atPath: path + "/filler")
    }
}

struct RecordingFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
