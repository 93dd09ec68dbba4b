import Foundation

/// Regular-expression search shared by `matches` and regex captures, so both read the same
/// (ICU, NSRegularExpression) syntax and a pattern behaves the same in either place.
enum RegexSearch {
    struct InvalidPattern: Error, Sendable {
        var reason: String
    }

    /// The first match anywhere in `text` (a search, not a full match): the whole match and
    /// each capture group (nil for a group that did not take part); nil when nothing matched.
    static func firstMatch(_ pattern: String, in text: String) throws(InvalidPattern) -> [String?]? {
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            throw InvalidPattern(reason: error.localizedDescription)
        }
        let whole = NSRange(text.startIndex..<text.endIndex, in: text)
        guard let match = regex.firstMatch(in: text, range: whole) else { return nil }
        return (0..<match.numberOfRanges).map { group in
            Range(match.range(at: group), in: text).map { String(text[$0]) }
        }
    }
}
