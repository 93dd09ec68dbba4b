/// Filter expressions `[?…]`: `||`, `&&`, `!`, parentheses, comparisons, queries as tests and
/// the five functions, with RFC 9535's type rules checked here (a badly typed filter never runs).
extension JSONPathReader {
    /// What a function argument turned out to be before its parameter type is checked.
    enum Argument {
        case operand(JSONPathOperand)
        case logical(JSONPathFilter)
    }

    mutating func logicalOr(first: JSONPathFilter? = nil) throws(JSONPathSyntaxError) -> JSONPathFilter {
        var terms = [try logicalAnd(first: first)]
        while true {
            skipBlanks()
            guard current == "|", peek(1) == "|" else { break }
            position += 2
            skipBlanks()
            terms.append(try logicalAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    mutating func logicalAnd(first: JSONPathFilter? = nil) throws(JSONPathSyntaxError) -> JSONPathFilter {
        var terms: [JSONPathFilter]
        if let first { terms = [first] } else { terms = [try basic()] }
        while true {
            skipBlanks()
            guard current == "&", peek(1) == "&" else { break }
            position += 2
            skipBlanks()
            terms.append(try basic())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    /// `!test`, `!(…)`, `(…)`, a comparison, or a query or logical function as a test.
    mutating func basic() throws(JSONPathSyntaxError) -> JSONPathFilter {
        let start = position
        switch current {
        case "!":
            position += 1
            skipBlanks()
            let operandStart = position
            let negated: JSONPathFilter
            if current == "(" { negated = try parenthesized() } else { negated = try test(try primary(), at: operandStart) }
            try refuseComparison(after: "a negated test", at: start)
            return .not(negated)
        case "(":
            let inner = try parenthesized()
            try refuseComparison(after: "a parenthesized expression", at: start)
            return inner
        default:
            return try finishBasic(try primary(), at: start)
        }
    }

    private mutating func parenthesized() throws(JSONPathSyntaxError) -> JSONPathFilter {
        let open = position
        try enterNesting()
        defer { nesting -= 1 }
        position += 1
        skipBlanks()
        let inner = try logicalOr()
        skipBlanks()
        guard current == ")" else {
            throw error("expected ')' to close the '(' at character \(open + 1), found \(found)")
        }
        position += 1
        return inner
    }

    /// After a query, literal or function: a comparison if an operator follows, else a test.
    mutating func finishBasic(_ left: JSONPathOperand, at start: Int) throws(JSONPathSyntaxError) -> JSONPathFilter {
        let before = position
        skipBlanks()
        let operatorStart = position
        guard let comparison = try comparisonOperator() else {
            position = before
            return try test(left, at: start)
        }
        try checkComparable(left, at: start, beside: operatorStart)
        skipBlanks()
        let rightStart = position
        let right = try primary()
        try checkComparable(right, at: rightStart, beside: operatorStart)
        return .compare(left, comparison, right)
    }

    private mutating func refuseComparison(after what: String, at start: Int) throws(JSONPathSyntaxError) {
        let before = position
        skipBlanks()
        if try comparisonOperator() != nil {
            throw error("\(what) can't be compared; compare queries, literals or value functions", at: start)
        }
        position = before
    }

    private mutating func comparisonOperator() throws(JSONPathSyntaxError) -> JSONPathComparison? {
        let result: JSONPathComparison
        switch (current, peek(1)) {
        case ("=", "="): result = .equal
        case ("!", "="): result = .notEqual
        case ("<", "="): result = .lessOrEqual
        case (">", "="): result = .greaterOrEqual
        case ("<", _): result = .less
        case (">", _): result = .greater
        case ("=", _): throw error("a single '=' is not a comparison; write '=='")
        default: return nil
        }
        position += result.rawValue.unicodeScalars.count
        return result
    }

    private func test(_ operand: JSONPathOperand, at start: Int) throws(JSONPathSyntaxError) -> JSONPathFilter {
        switch operand {
        case .query(let query):
            return .exists(query)
        case .function(let call) where call.function.result == .logical:
            return .test(call)
        case .function(let call):
            throw error("\(call.function.rawValue)() gives a value, not true/false; compare it (e.g. \(call.function.rawValue)(…) > 0)", at: start)
        case .literal:
            throw error("a literal alone is not a test; compare it with a query", at: start)
        }
    }

    private func checkComparable(_ operand: JSONPathOperand, at start: Int, beside operatorStart: Int) throws(JSONPathSyntaxError) {
        switch operand {
        case .literal: return
        case .query(let query) where query.isSingular: return
        case .query:
            throw error("only a singular query (names and single indices, like @.a[0]) can be compared; this one may select several nodes", at: start)
        case .function(let call) where call.function.result == .value: return
        case .function(let call):
            throw error("\(call.function.rawValue)() gives true/false, which can't be compared; use it alone as a test", at: start)
        }
    }

    /// A query (`@…`, `$…`), a literal (string, number, true, false, null) or a function call.
    mutating func primary() throws(JSONPathSyntaxError) -> JSONPathOperand {
        switch current {
        case "@", "$":
            let relative = current == "@"
            position += 1
            return .query(JSONPathQuery(relative: relative, segments: try parseSegments()))
        case "'", "\"":
            return .literal(.string(try stringLiteral()))
        case let scalar? where scalar == "-" || ("0"..."9").contains(scalar):
            return .literal(.number(try numberLiteral()))
        case let scalar? where ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar):
            return try wordOrFunction()
        default:
            throw error("expected a query (@… or $…), a literal or a function, found \(found)")
        }
    }

    private mutating func wordOrFunction() throws(JSONPathSyntaxError) -> JSONPathOperand {
        let start = position
        while let scalar = current, ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" {
            position += 1
        }
        let word = String(String.UnicodeScalarView(scalars[start..<position]))
        if current == "(" {
            guard let function = JSONPathFunction(rawValue: word) else {
                throw error("unknown function '\(word)'; JSONPath has length, count, match, search and value", at: start)
            }
            return .function(try call(function, at: start))
        }
        if let scalar = current, Self.isNameFirst(scalar) {
            throw error("unexpected \(found) in '\(word)…'")
        }
        switch word {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "null": return .literal(.null)
        default:
            if JSONPathFunction(rawValue: word) != nil {
                throw error("the function name '\(word)' must be followed directly by '('", at: start)
            }
            throw error("'\(word)' is not a literal; strings are quoted, and true, false and null are lowercase", at: start)
        }
    }

    private mutating func call(_ function: JSONPathFunction, at start: Int) throws(JSONPathSyntaxError) -> JSONPathFunctionCall {
        try enterNesting()
        defer { nesting -= 1 }
        position += 1
        skipBlanks()
        var arguments: [(Argument, Int)] = []
        if current == ")" {
            position += 1
        } else {
            while true {
                let argumentStart = position
                arguments.append((try argument(), argumentStart))
                skipBlanks()
                if current == "," {
                    position += 1
                    skipBlanks()
                } else if current == ")" {
                    position += 1
                    break
                } else {
                    throw error("expected ',' or ')' in the arguments of \(function.rawValue)(), found \(found)")
                }
            }
        }
        let parameters = function.parameters
        guard arguments.count == parameters.count else {
            throw error("\(function.rawValue)() takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s"), not \(arguments.count)", at: start)
        }
        var operands: [JSONPathOperand] = []
        for ((argument, argumentStart), parameter) in zip(arguments, parameters) {
            operands.append(try checkArgument(argument, of: function, as: parameter, at: argumentStart))
        }
        return JSONPathFunctionCall(function: function, arguments: operands)
    }

    /// A literal, query or function alone before `,` or `)`; otherwise a logical expression.
    private mutating func argument() throws(JSONPathSyntaxError) -> Argument {
        let start = position
        if current == "!" || current == "(" { return .logical(try logicalOr()) }
        let operand = try primary()
        let before = position
        skipBlanks()
        if current == "," || current == ")" {
            position = before
            return .operand(operand)
        }
        position = before
        return .logical(try logicalOr(first: try finishBasic(operand, at: start)))
    }

    private func checkArgument(_ argument: Argument, of function: JSONPathFunction, as parameter: JSONPathFunction.ParameterType, at start: Int) throws(JSONPathSyntaxError) -> JSONPathOperand {
        let name = "\(function.rawValue)()"
        switch (parameter, argument) {
        case (.value, .operand(.literal(let value))):
            return .literal(value)
        case (.value, .operand(.query(let query))) where query.isSingular:
            return .query(query)
        case (.value, .operand(.query)):
            throw error("\(name) takes one value here, and this query may select several nodes; use a singular query (@.a, @[0]) or value(…)", at: start)
        case (.value, .operand(.function(let call))) where call.function.result == .value:
            return .function(call)
        case (.nodes, .operand(.query(let query))):
            return .query(query)
        case (.nodes, _):
            throw error("\(name) takes a query (@… or $…)", at: start)
        case (.value, _):
            throw error("\(name) takes a value here: a literal, a singular query or length/count/value(…), not a true/false expression", at: start)
        }
    }
}
