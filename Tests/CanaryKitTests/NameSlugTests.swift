import Foundation
import Testing
@testable import CanaryKit

/// Issue 14, item 1: canary and step names are free text; files and folders use a stable slug.
@Suite("Names: free text, files named by slugs")
struct NameSlugTests {
    static let rtlMark = "\u{200F}"

    @Test("names people write load as written", arguments: [
        "get json", "GET /api/v1/users", "../../etc/passwd", "..", "checkout 🛒", "注文の確認", "طلب الشراء", "Café Crème", "a\u{301}",
        "checkout[eu]", String(repeating: "x", count: 200), String(repeating: "日", count: 200), "👨‍👩‍👧‍👦 family",
    ])
    func accepted(_ name: String) throws {
        let text = "{name: \(JSONValue.quoted(name)), steps: [{name: \(JSONValue.quoted(name)), request: {url: 'http://127.0.0.1:1/'}}]}"
        let (canary, problems) = loadCanary(text)
        #expect(problems.isEmpty, "\(problems)")
        #expect(canary?.name == name && canary?.steps.first?.name == name)
        let slug = NameSlug.slug(name)
        #expect(NameSlug.isSlug(slug) && slug.utf8.count <= 200, "\(name) → \(slug)")
        #expect(NameSlug.slug(name) == slug, "the same name gives the same slug")
    }

    @Test("slugs: a slug is its own, others get their readable part and a hash of the real name")
    func slugs() {
        #expect(NameSlug.slug("login") == "login")
        #expect(NameSlug.slug("step-1") == "step-1")
        // Pinned: a slug must not change between versions or machines (results folders are named by it).
        #expect(NameSlug.slug("get json") == "get-json-" + NameSlug.hash("get json"))
        #expect(NameSlug.hash("get json") == "c4b18e")
        #expect(NameSlug.slug("Get JSON") != NameSlug.slug("get json"), "two names that slug alike get distinct slugs")
        #expect(NameSlug.slug("get_json") != NameSlug.slug("get.json"))
        #expect(NameSlug.slug("../../etc/passwd").hasPrefix("etc-passwd-"))
        #expect(NameSlug.slug("注文の確認") == NameSlug.hash("注文の確認"), "nothing ASCII left: the hash alone")
        #expect(NameSlug.slug("注文の確認").count == 6)
        #expect(NameSlug.slug("é") == NameSlug.slug("e\u{301}"), "names Swift holds equal (NFC) give one slug")
        #expect(NameSlug.slug(String(repeating: "ab ", count: 70)).utf8.count <= NameSlug.readableLength + 7)
        #expect(NameSlug.slug("runs", reserved: ["runs"]).hasPrefix("runs-"))
    }

    @Test("unprintable names are refused with file, place and fix", arguments: [
        ("a\\nb", "U+000A (a control character)"), ("a\\tb", "U+0009 (a control character)"), ("a\\u001b[2Jb", "U+001B (a control character)"),
        ("abc\(rtlMark)", "U+200F (an invisible direction mark or override)"), ("a\u{202E}b", "U+202E (an invisible direction mark or override)"),
        ("a\u{2028}b", "U+2028 (a line break)"), ("", "is empty"), (" a", "starts or ends with a space"), ("a ", "starts or ends with a space"),
        (String(repeating: "x", count: 201), "is 201 characters long; at most 200"),
    ])
    func refused(_ name: String, _ problem: String) throws {
        let text = "{\n  name: \"\(name)\",\n  steps: [{request: {url: 'http://127.0.0.1:1/'}}],\n}"
        let problems = loadProblems(text)
        let first = try #require(problems.first)
        #expect(problems.count == 1, "\(problems)")
        #expect(first.description.hasPrefix("canaries/checkout.json:2:9: "), "\(first.description)")
        #expect(first.message.hasPrefix("canary name '") && first.message.contains(problem), "\(first.message)")
        let raw = first.description.unicodeScalars
        #expect(!raw.contains { $0.properties.generalCategory == .control || $0.properties.isBidiControl }, "the message shows the name escaped: \(first.description)")
    }

    @Test("a step name too: refused at its place, with its step")
    func refusedStep() throws {
        let problems = loadProblems(oneStep("{name: 'get\\u0000json', request: {url: '{{base}}'}}"))
        let first = try #require(problems.first)
        #expect(first.description.hasPrefix("canaries/checkout.json:5:12: canary 'shop', step 'get\\u0000json': step name 'get\\u0000json' holds U+0000"), "\(first.description)")
    }

    @Test("two step names that slug alike get distinct files; a name written as another's slug is refused")
    func stepSlugs() throws {
        let (canary, problems) = loadCanary(oneStep("{name: 'Get JSON', request: {url: '{{base}}'}}, {name: 'get json', request: {url: '{{base}}'}}"))
        #expect(problems.isEmpty, "\(problems)")
        let names = try #require(canary).steps.enumerated().map { Snapshot.baseName(index: $0.offset + 1, step: $0.element.name) }
        #expect(Set(names.map { $0.dropFirst(3) }).count == 2, "\(names)")
        let taken = NameSlug.slug("get json")
        let clash = loadProblems(oneStep("{name: 'get json', request: {url: '{{base}}'}}, {name: '\(taken)', request: {url: '{{base}}'}}"))
        #expect(clash.map(\.message) == ["step names '\(taken)' and 'get json' (line 5, column 6) get the same file name '\(taken)'; rename one"])
    }

    @Test("two canaries whose names slug alike get distinct folders; one named as another's folder is refused")
    func canarySlugs() throws {
        let folder = try ScratchDirectory()
        let step = "steps: [{request: {url: 'http://127.0.0.1:1/'}}]"
        _ = try folder.write("a.json", "{name: 'Get JSON', \(step)}")
        _ = try folder.write("b.json", "{name: 'get json', \(step)}")
        _ = try folder.write("c.json", "{name: '注文', \(step)}")
        let loaded = CanaryLoader.load(paths: [folder.path])
        #expect(loaded.problems.isEmpty, "\(loaded.problems)")
        #expect(Set(loaded.canaries.map { ResultsLayout.canaryFolder($0.name) }).count == 3)
        _ = try folder.write("d.json", "{name: '\(ResultsLayout.canaryFolder("get json"))', \(step)}")
        let clash = CanaryLoader.load(paths: [folder.path])
        #expect(clash.problems.map(\.message) == [
            "the canary names '\(ResultsLayout.canaryFolder("get json"))' and 'get json' (\(folder.path)/b.json:1:8) get the same results folder '\(ResultsLayout.canaryFolder("get json"))'; rename one",
        ])
    }
}
