/// A parsed JSONPath: `$`, `.name`, `['name']`, `[0]`, `[-1]`, `[*]`, `..name`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case key(String)
        case index(Int)
        case wildcard
        /// `..name`: every `name` at any depth below.
        case descendant(String)
        /// `..*` or `..[*]`: every value at any depth below.
        case descendantWildcard
    }
    public var source: String
    public var segments: [Segment]
    public init(source: String, segments: [Segment]) {
        self.source = source
        self.segments = segments
    }
    public var description: String { source }
}
