import CanaryKit
import Foundation

/// Where `canary new` and `canary import` put the canary file they write: checked by the loader
/// first, then to stdout or a new file (an existing one is never overwritten).
enum CanaryFileOutput {
    static func emit(_ text: String, to output: String?, command: String) throws -> Int32 {
        // What we write must load: a problem is said here, not at the first run.
        let (canary, problems) = CanaryLoader.load(source: Array(text.utf8), file: output ?? "<stdout>")
        guard canary != nil else {
            throw UsageError("\(command): " + problems.map(\.message).joined(separator: "\n"))
        }
        guard let output else {
            print(text, terminator: "")
            return 0
        }
        let fd = open(output, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "exists already; choose another path or remove it" : String(cString: strerror(errno))
            throw UsageError("\(command): \(output): \(reason)")
        }
        defer { close(fd) }
        do {
            try FileIO.writeAll(fd, Array(text.utf8), path: output)
        } catch {
            throw UsageError("\(command): \(error)")
        }
        Console.error("wrote \(output); check it with `canary validate \(output)`, run it with `canary run \(output)`")
        return 0
    }
}
