import CanaryKit
import Foundation

/// What can be known to be wrong before any canary runs, shared by `run` and `schedule`.
enum StartChecks {
    /// A --cacert that can't be read or holds no PEM certificate would fail every https canary
    /// as if the targets were down: refuse it up front instead, naming the file.
    static func caFile(_ path: String?, command: String) throws(UsageError) {
        guard let path else { return }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw UsageError("\(command): --cacert \(path): can't read the file (missing, a folder, or no permission); pass a PEM file of CA certificates")
        }
        guard String(decoding: bytes.prefix(1 << 20), as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw UsageError("\(command): --cacert \(path): holds no PEM certificate (no '-----BEGIN CERTIFICATE-----' line); pass a PEM file of CA certificates")
        }
    }

    /// A selection that matches nothing is a mistake (a typo in a tag), not a green run.
    static func selection(_ selected: [Canary], of loaded: [Canary], options: RunOptions, command: String) throws(UsageError) {
        guard selected.isEmpty, !loaded.isEmpty else { return }
        var given: [String] = options.tags.map { "--tag \($0.key)=\($0.value)" }
        if let shard = options.shard { given.append("--shard \(shard)") }
        given += options.only.map { "--only \($0)" }
        let tags = Set(loaded.flatMap { $0.tags.map { "\($0.key)=\($0.value)" } }).sorted()
        throw UsageError("\(command): no canary matches \(given.joined(separator: " ")) (of \(loaded.count) loaded"
            + (tags.isEmpty ? "" : "; their tags: \(tags.prefix(20).joined(separator: ", "))") + ")")
    }
}
