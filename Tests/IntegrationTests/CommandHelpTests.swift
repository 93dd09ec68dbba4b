import Foundation
import Testing

@Suite("canary COMMAND --help")
struct CommandHelpTests {
    @Test("--help and -h after any command print that command's help and exit 0", arguments: ["run", "schedule", "validate", "list", "report"])
    func help(command: String) async throws {
        for flag in ["--help", "-h"] {
            let output = try await CLI.run([command, "canaries", flag])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout.contains("Usage: canary \(command)"), "\(output.stdout)")
        }
    }
}
