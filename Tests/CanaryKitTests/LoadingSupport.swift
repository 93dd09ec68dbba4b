import Foundation
import Testing
@testable import CanaryKit

/// Loads canary text as if it were the file `file`.
func loadCanary(_ text: String, file: String = "canaries/checkout.json", variables: Set<String> = []) -> (Canary?, [LoadProblem]) {
    CanaryLoader.load(source: Array(text.utf8), file: file, definedVariables: variables)
}

/// The problems of a canary text that must not load.
func loadProblems(_ text: String, file: String = "canaries/checkout.json", variables: Set<String> = []) -> [LoadProblem] {
    let (canary, problems) = loadCanary(text, file: file, variables: variables)
    #expect(canary == nil, "a file with problems must yield no canary")
    return problems
}

/// A minimal valid canary around one step body, for error tests.
func oneStep(_ step: String, top: String = "") -> String {
    """
    {
      name: "shop",
      variables: {base: "http://127.0.0.1:8080"},\(top)
      steps: [
        \(step)
      ],
    }
    """
}

/// A scratch directory removed when the test ends.
struct ScratchDirectory: ~Copyable {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "canary-loading-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ name: String, _ text: String) throws -> String {
        let file = (path as NSString).appendingPathComponent(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
