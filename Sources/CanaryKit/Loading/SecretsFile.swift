import Foundation

/// `--secrets-file FILE`: secrets for `{{secret.NAME}}` from a file instead of the environment
/// (a systemd credential, a mounted Kubernetes or Docker secret), as `NAME=value` lines: blank
/// lines and `#` comments skipped, the value everything after the first `=`, taken as it is.
///
/// Nothing of a value ever reaches a message: a line that is not `NAME=value` may be a pasted
/// token, so problems name the file and the line number only. A file that others may read is
/// refused: the secrets would be as good as public on a shared machine.
public enum SecretsFile {
    /// A problem with the file, with its place and the fix, and never a value from it.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads and checks the file at `path`.
    public static func load(_ path: String) throws(Problem) -> [String: String] {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw Problem(description: "\(path): \(String(cString: strerror(errno))); give the path of a file of NAME=value lines")
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw Problem(description: "\(path): not a regular file; give a file of NAME=value lines") }
        guard status.st_mode & (S_IROTH | S_IWOTH) == 0 else {
            let mode = String(status.st_mode & 0o777, radix: 8)
            throw Problem(description: "\(path): other users may read or write it (mode 0\(mode)); run chmod o-rwx \(path), or chmod 600")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Problem(description: "\(path): cannot read it as UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// The secrets of `text`, read as the file `file`.
    public static func parse(_ text: String, file: String) throws(Problem) -> [String: String] {
        var secrets: [String: String] = [:]
        for entry in VariablesFile.nameValueLines(text) {
            guard let name = entry.name else {
                throw Problem(description: "\(file):\(entry.line): expected NAME=value (the line is not shown: it may be a secret)")
            }
            guard isName(name) else {
                throw Problem(description: "\(file):\(entry.line): the text before '=' is not a secret name (ASCII letters, digits and _, not starting with a digit); the line is not shown")
            }
            secrets[name] = entry.value
        }
        return secrets
    }

    /// A name `{{secret.NAME}}` can use and the environment can hold.
    static func isName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }
}
