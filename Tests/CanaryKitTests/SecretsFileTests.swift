import CanaryKit
import Foundation
import Testing

@Suite("--secrets-file: NAME=value lines, never a value in a message, refused when others may read it")
struct SecretsFileTests {
    @Test("lines, comments, CR LF and '=' inside values")
    func parses() throws {
        let secrets = try SecretsFile.parse("# comment\n\nAPI_TOKEN=abc=def\r\n  SPACED = v \nEMPTY=\n", file: "s.env")
        #expect(secrets == ["API_TOKEN": "abc=def", "SPACED": " v ", "EMPTY": ""])
    }

    @Test("a line that is not NAME=value, or a bad name, is refused by file and line, without its text", arguments: [
        ("ghp_PastedT0kenAlone", 2), ("1BAD=ghp_PastedT0kenAlone", 2), ("BAD NAME=ghp_PastedT0kenAlone", 2), ("é=ghp_PastedT0kenAlone", 2),
    ])
    func refusesWithoutEcho(line: String, number: Int) {
        #expect {
            _ = try SecretsFile.parse("OK=1\n" + line + "\n", file: "s.env")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("s.env:\(number):") && !text.contains("PastedT0ken")
        }
    }

    @Test("a file others may read or write is refused with the chmod that fixes it; 0600 and 0640 are read")
    func permissions() throws {
        let folder = FileManager.default.temporaryDirectory.path + "/secrets-file-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/s.env"
        FileManager.default.createFile(atPath: path, contents: Data("TOKEN=Val0e\n".utf8))
        for mode in [0o644, 0o606, 0o602] {
            chmod(path, mode_t(mode))
            #expect {
                _ = try SecretsFile.load(path)
            } throws: { error in
                "\(error)".contains("chmod o-rwx \(path)") && !"\(error)".contains("Val0e")
            }
        }
        for mode in [0o600, 0o640, 0o400] {
            chmod(path, mode_t(mode))
            #expect(try SecretsFile.load(path) == ["TOKEN": "Val0e"])
        }
        #expect(throws: SecretsFile.Problem.self) { try SecretsFile.load(folder + "/missing.env") }
        #expect(throws: SecretsFile.Problem.self) { try SecretsFile.load(folder) }
    }
}
