import Foundation
import Testing
@testable import CanaryKit

/// Issue 14, item 3: `matrix` expands a canary to one per combination of entries.
@Suite("Loading: matrix")
struct MatrixTests {
    static let checkout = """
    {
      name: "checkout",
      variables: {path: "/status/200"},
      matrix: {
        target: [
          {name: "eu", base: "https://eu.example"},
          {name: "us", base: "https://us.example"},
        ],
        browser: ["chrome", "firefox"],
      },
      steps: [{request: {url: "{{base}}{{path}}?b={{browser}}&t={{target}}"}}],
    }
    """

    @Test("keys multiply in the order written; names, variables and tags come from the entries")
    func expansion() throws {
        let (canaries, problems) = CanaryLoader.loadAll(source: Array(Self.checkout.utf8), file: "canaries/checkout.json")
        #expect(problems.isEmpty, "\(problems)")
        #expect(canaries.map(\.name) == ["checkout[eu,chrome]", "checkout[eu,firefox]", "checkout[us,chrome]", "checkout[us,firefox]"])
        let first = try #require(canaries.first)
        #expect(first.matrixBase == "checkout")
        #expect(first.variables == ["path": "/status/200", "base": "https://eu.example", "target": "eu", "browser": "chrome"])
        #expect(first.tags.map { "\($0.key)=\($0.value)" } == ["target=eu", "browser=chrome"])
        #expect(Set(canaries.map { ResultsLayout.canaryFolder($0.name) }).count == 4)
    }

    @Test("a problem of one entry names the entry; one of every entry is said once", arguments: [0])
    func entryProblems(_: Int) throws {
        let text = """
        {
          name: "checkout",
          matrix: {target: [
            {name: "eu", base: "https://eu.example"},
            {name: "us", base: "ftp://us.example"},
          ]},
          steps: [{request: {url: "{{base}}/"}, expect: {status: "x"}}],
        }
        """
        let problems = loadProblems(text)
        let descriptions = problems.map(\.description)
        #expect(descriptions.contains {
            $0.hasPrefix("canaries/checkout.json:7:27: canary 'checkout[us]', step 'step-1': ") && $0.contains("must start with http:// or https://")
                && $0.hasSuffix("(in matrix entry target 'us' at line 5, column 5)")
        }, "\(descriptions)")
        #expect(descriptions.filter { $0.contains("expected a status code") }.count == 1, "\(descriptions)")
        #expect(descriptions.contains { $0.hasPrefix("canaries/checkout.json:7:58: canary 'checkout', step 'step-1': expected a status code") }, "\(descriptions)")
    }

    @Test("a wrong matrix is refused at its entry, with the fix", arguments: [
        ("{name: 'c', matrix: {target: []}, steps: [{request: {url: 'http://x'}}]}", "1:30: canary 'c': matrix key 'target' takes a list of entries"),
        ("{name: 'c', matrix: {target: [{base: 'x'}]}, steps: [{request: {url: 'http://x'}}]}", "1:31: canary 'c': this 'target' entry of 'matrix' has no \"name\""),
        ("{name: 'c', matrix: {t: ['eu', 'eu']}, steps: [{request: {url: 'http://x'}}]}", "1:32: canary 'c': 't' has two entries named 'eu' (the first at line 1, column 26)"),
        ("{name: 'c', matrix: {t: ['e,u']}, steps: [{request: {url: 'http://x'}}]}", "1:26: canary 'c': matrix entry name 'e,u' holds ','"),
        ("{name: 'c', matrix: {t: ['a\\nb']}, steps: [{request: {url: 'http://x'}}]}", "1:26: canary 'c': matrix entry name 'a\\nb' holds U+000A"),
        ("{name: 'c', matrix: {t: [{name: 'a', u: 'x'}], v: [{name: 'b', u: 'y'}]}, steps: [{request: {url: 'http://x'}}]}", "1:64: canary 'c': matrix key 'v' gives {{u}}, which 't' gives already"),
        ("{name: 'c', matrix: {}, steps: [{request: {url: 'http://x'}}]}", "1:21: canary 'c': 'matrix' is empty"),
        ("{name: 'c', matrix: {a: ['1','2','3','4','5','6','7','8'], b: ['1','2','3','4','5','6','7']}, steps: [{request: {url: 'http://x'}}]}",
         "1:60: canary 'c': 'matrix' expands to 56 canaries or more; at most 50 per file"),
    ])
    func refused(_ text: String, _ expected: String) throws {
        let problems = loadProblems(text)
        #expect(problems.contains { $0.description.hasPrefix("canaries/checkout.json:" + expected) }, "\(problems.map(\.description))")
    }

    @Test("50 canaries load; files in a folder each expand, and names stay unique across files")
    func limitAndFiles() throws {
        let ten = (1...10).map { "'\($0)'" }.joined(separator: ",")
        let (canaries, problems) = CanaryLoader.loadAll(source: Array("{name: 'c', matrix: {a: [\(ten)], b: ['x','y','z','w','v']}, steps: [{request: {url: 'http://x'}}]}".utf8), file: "c.json")
        #expect(problems.isEmpty && canaries.count == 50, "\(problems)")
        let folder = try ScratchDirectory()
        _ = try folder.write("a.json", Self.checkout)
        _ = try folder.write("b.json", "{name: 'checkout[eu,chrome]', steps: [{request: {url: 'http://x'}}]}")
        let loaded = CanaryLoader.load(paths: [folder.path])
        #expect(loaded.canaries.count == 4)
        #expect(loaded.problems.map(\.message) == ["the canary name 'checkout[eu,chrome]' is already used by \(folder.path)/a.json:2:9; names must be unique (set a different \"name\")"])
    }
}
