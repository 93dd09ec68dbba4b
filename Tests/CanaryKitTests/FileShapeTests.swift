import Testing
@testable import CanaryKit

/// The declared shapes the decoder reads its keys from (and `canary schema` writes from).
@Suite("shapes of the canary file")
struct FileShapeTests {
    @Test("every example parses as JSON5, every shape named by a key exists, keys are unique per shape")
    func wellFormed() throws {
        var names: Set<String> = []
        for shape in Shapes.all {
            #expect(names.insert(shape.name).inserted, "shape \(shape.name) declared twice")
            #expect(Set(shape.keys).count == shape.keys.count, "\(shape.name) repeats a key")
            for field in shape.fields {
                #expect(throws: Never.self, "\(shape.name).\(field.key) example: \(field.example)") {
                    _ = try JSON5.parseJSON(Array(field.example.utf8))
                }
                #expect(!field.doc.isEmpty && !field.doc.contains("\n"), "\(shape.name).\(field.key): one doc line")
                for name in field.kind.shapeNames {
                    #expect(Shapes.named(name) != nil, "\(shape.name).\(field.key) names shape \(name), which is not in Shapes.all")
                }
            }
            for case .exactlyOne(let groups) in shape.rules {
                #expect(groups.joined().allSatisfy(shape.keys.contains), "\(shape.name): a rule names a key it lacks")
            }
        }
    }

    @Test("the predicate keywords the decoder takes are the predicate shape's keys")
    func predicateKeywords() {
        #expect(Shapes.predicate(.any).keys == Predicate.keywords)
        #expect(Shapes.predicate(.text).keys == Predicate.keywords)
    }
}
