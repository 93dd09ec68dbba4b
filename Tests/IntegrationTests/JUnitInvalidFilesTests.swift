import Foundation
import Testing

/// A run that exits 2 because a canary file is invalid must not leave a green JUnit report.
@Suite("JUnit: invalid canary files")
struct JUnitInvalidFilesTests {
    @Test("each invalid file is a testcase with an <error>, counted in the totals")
    func invalidFileIsAnError() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{name: "broken", steps: []}"#.write(toFile: folder + "/broken.json", atomically: true, encoding: .utf8)
        try #"{name: "good", steps: [{request: {url: "{{site}}/hello.txt"}}]}"#.write(toFile: folder + "/good.json", atomically: true, encoding: .utf8)
        let output = try await CLI.run(["run", folder, "--results", folder + "/r", "--junit", folder + "/junit.xml"] + TestServers.varArguments)
        #expect(output.status == 2)
        let xml = try String(contentsOfFile: folder + "/junit.xml", encoding: .utf8)
        #expect(xml.contains(#"<testsuites name="canary" tests="2" failures="0" errors="1""#), "\(xml)")
        #expect(xml.contains(#"<testcase classname="invalid canary files" name="\#(folder)/broken.json""#), "\(xml)")
        #expect(xml.contains(#"<error message=""#) && xml.contains(#"type="invalid""#))
    }
}
