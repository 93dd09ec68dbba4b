/// "Did you mean 'X'?" for unknown keys and names, by edit distance.
public enum NameSuggestion {
    /// Names longer than this (in UTF-8 bytes) get no suggestion and suggest nothing.
    static let maximumLength = 256

    /// The candidate closest to `name`, when it is close enough to be a plausible typo:
    /// same letters in another case, or at most 1, 2 or 3 edits for short, medium and long names.
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        // No typo of a key or variable name is this long; a mangled file can hold a 1 MB key,
        // and comparing it with every candidate would take seconds.
        guard name.utf8.count <= maximumLength else { return nil }
        let lowered = Array(name.lowercased())
        let allowed = lowered.count <= 3 ? 1 : lowered.count <= 6 ? 2 : 3
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name && candidate.utf8.count <= maximumLength {
            let other = Array(candidate.lowercased())
            // The edit distance is at least the difference in length.
            guard abs(other.count - lowered.count) <= allowed else { continue }
            let distance = editDistance(lowered, other)
            guard distance <= allowed, distance < max(lowered.count, 1) || distance == 0 else { continue }
            if best.map({ distance < $0.distance }) ?? true { best = (candidate, distance) }
        }
        return best?.name
    }

    /// " did you mean 'X'?" or "", to append to a message.
    public static func hint(for name: String, among candidates: some Sequence<String>) -> String {
        closest(to: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// " (did you mean 'X'?)" or "", for messages that go on after the hint.
    static func aside(for name: String, among candidates: some Sequence<String>) -> String {
        closest(to: name, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Levenshtein distance, where swapping two neighbours counts as one edit (`retires`).
    static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        var beforePrevious = [Int](repeating: 0, count: rhs.count + 1)
        var previous = Array(0...rhs.count)
        var current = [Int](repeating: 0, count: rhs.count + 1)
        for i in 1...lhs.count {
            current[0] = i
            for j in 1...rhs.count {
                let substitution = previous[j - 1] + (lhs[i - 1] == rhs[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                if i > 1, j > 1, lhs[i - 1] == rhs[j - 2], lhs[i - 2] == rhs[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[rhs.count]
    }
}
