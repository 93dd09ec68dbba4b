/// A file's canaries: one, or with a `matrix` one per combination, each decoded on its own with
/// the combination's variables, name and tags.
extension CanaryLoader {
    static func decodeFile(_ root: LocatedJSON, file: String, defaultName: String, context: Context) -> FileResult {
        func decoder() -> CanaryFileDecoder {
            CanaryFileDecoder(file: file, definedVariables: context.definedVariables, variableValues: context.variables, environment: context.environment)
        }
        guard let matrixValue = root.objectMembers?.last(where: { $0.key == "matrix" })?.value else {
            let single = decoder()
            let canary = single.decodeCanary(root, defaultName: defaultName)
            let problems = sorted(single.problems)
            return (problems.isEmpty ? canary.map { [$0] } ?? [] : [], problems, single.warnings, single.nameLocation)
        }
        let matrixDecoder = decoder()
        if case .string(let written)? = root.objectMembers?.last(where: { $0.key == "name" })?.value.kind { matrixDecoder.canaryName = written }
        // The rest of the file is checked once the matrix is right: its variables are used there.
        guard let combinations = matrixDecoder.decodeMatrix(matrixValue) else {
            return ([], sorted(matrixDecoder.problems), [], SourceLocation(file: file, line: 1, column: 1))
        }
        var canaries: [Canary] = []
        var found: [(problems: [LoadProblem], warnings: [LoadProblem], combination: MatrixCombination)] = []
        var nameLocation = SourceLocation(file: file, line: 1, column: 1)
        for combination in combinations {
            let one = decoder()
            one.matrix = combination
            let canary = one.decodeCanary(root, defaultName: defaultName)
            nameLocation = one.nameLocation
            if one.problems.isEmpty, let canary { canaries.append(canary) }
            found.append((one.problems, one.warnings, combination))
        }
        let problems = merged(found.map { ($0.problems, $0.combination) })
        return (problems.isEmpty ? canaries : [], sorted(problems), merged(found.map { ($0.warnings, $0.combination) }), nameLocation)
    }

    /// One problem for each place and message: as it is when every combination has it (it is
    /// not about the matrix), else once per combination that has it, naming its entries.
    private static func merged(_ found: [([LoadProblem], MatrixCombination)]) -> [LoadProblem] {
        func key(_ problem: LoadProblem) -> String { "\(problem.location)\u{0}\(problem.step ?? "")\u{0}\(problem.message)" }
        var counts: [String: Int] = [:]
        for (problems, _) in found { for problem in Set(problems.map(key)) { counts[problem, default: 0] += 1 } }
        var seen: Set<String> = []
        var out: [LoadProblem] = []
        for (problems, combination) in found {
            for problem in problems {
                let shared = counts[key(problem)] == found.count
                if shared {
                    guard seen.insert(key(problem)).inserted else { continue }
                    var common = problem
                    common.canary = baseName(of: problem.canary, combination)
                    out.append(common)
                } else {
                    var placed = problem
                    placed.message += " (in \(combination.place))"
                    out.append(placed)
                }
            }
        }
        return out
    }

    /// `checkout` of `checkout[eu]`.
    private static func baseName(of name: String?, _ combination: MatrixCombination) -> String? {
        guard let name, name.hasSuffix(combination.suffix) else { return name }
        return String(name.dropLast(combination.suffix.count))
    }

    private static func sorted(_ problems: [LoadProblem]) -> [LoadProblem] {
        problems.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    }
}
