/// Two JSON documents compared path by path (`$.items[0].price`): a value present on one side
/// only, or different, is one change. Objects compare by key, arrays by position.
enum JSONDiff {
    static func changes(_ before: JSONValue, _ after: JSONValue) -> [RunDiff.JSONPathChange] {
        var out: [RunDiff.JSONPathChange] = []
        compare(before, after, path: "$", into: &out)
        return out
    }

    private static func compare(_ a: JSONValue?, _ b: JSONValue?, path: String, into out: inout [RunDiff.JSONPathChange]) {
        switch (a, b) {
        case let (.object(x)?, .object(y)?):
            let old = Dictionary(x.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let new = Dictionary(y.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            var keys = y.map(\.key)
            for pair in x where new[pair.key] == nil { keys.append(pair.key) }
            var seen = Set<String>()
            for key in keys where seen.insert(key).inserted {
                compare(old[key], new[key], path: path + member(key), into: &out)
            }
        case let (.array(x)?, .array(y)?):
            for index in 0..<max(x.count, y.count) {
                compare(index < x.count ? x[index] : nil, index < y.count ? y[index] : nil, path: path + "[\(index)]", into: &out)
            }
        default:
            guard a != b else { return }
            out.append(RunDiff.JSONPathChange(path: path, before: a?.compactJSONText, after: b?.compactJSONText))
        }
    }

    /// `.name` for plain names, `['odd name']` otherwise, as JSONPath writes them.
    private static func member(_ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
            && !(key.first?.isNumber ?? true)
        return plain ? "." + key : "['" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "']"
    }
}
