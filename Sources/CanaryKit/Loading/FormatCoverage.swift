/// Which keys of each table of the file format some files used, as the decoder saw them: every
/// object read through `fields(_:in:allowed:)` and every predicate object. A test checks with it
/// that the examples in canaries/ use every key and predicate, from the decoder's own tables, so
/// a key added to the format without an example fails that test.
struct FormatCoverage: Sendable {
    /// One table of allowed keys (objects of one kind share it: a step's and the defaults'
    /// `screenshot`), named by the first place it was read in.
    struct Table: Sendable {
        var what: String
        var allowed: [String]
        var used: Set<String>

        var unused: [String] { allowed.filter { !used.contains($0) } }
    }

    private(set) var tables: [Table] = []

    mutating func note(_ keys: some Sequence<String>, in what: String, allowed: [String]) {
        let used = Set(keys).intersection(allowed)
        if let index = tables.firstIndex(where: { $0.allowed == allowed }) {
            tables[index].used.formUnion(used)
        } else {
            tables.append(Table(what: what, allowed: allowed, used: used))
        }
    }

    mutating func merge(_ other: FormatCoverage) {
        for table in other.tables { note(table.used, in: table.what, allowed: table.allowed) }
    }

    /// One line per table with a key nobody used: `'alarm': no example uses datapointsToAlarm`.
    var unusedKeys: [String] {
        tables.filter { !$0.unused.isEmpty }.map { "\($0.what): no example uses \($0.unused.joined(separator: ", "))" }
    }
}

extension CanaryLoader {
    /// The keys and predicates `source` uses of the tables its decoding read (problems aside).
    static func formatCoverage(source: [UInt8], file: String) -> FormatCoverage {
        guard let root = try? JSON5.parseLocated(source, file: file) else { return FormatCoverage() }
        let decoder = CanaryFileDecoder(file: file, definedVariables: [])
        decoder.coverage = FormatCoverage()
        _ = decoder.decodeCanary(root, defaultName: defaultName(of: file))
        return decoder.coverage ?? FormatCoverage()
    }
}
