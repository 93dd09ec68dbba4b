/// `canary show --format curl`: one `curl` command line per step that sent a request, to
/// reproduce it by hand. Secrets were masked (`***`) before the run reached disk; each mask
/// becomes a reference to the environment variable it came from (`"$API_TOKEN"` for
/// `{{secret.API_TOKEN}}`), or to a named placeholder (`"$CANARY_SECRET_COOKIE"`) when the canary
/// file no longer says. Values never appear. Every word is quoted for a POSIX shell, and
/// control characters are written as `$'\xHH'`, so hostile bytes can neither run nor reach the
/// terminal raw.
public enum ShowCurl {
    /// `sources`: what the canary file says about each step's request, by step name (empty when
    /// the file is gone or changed).
    public static func render(_ run: ShownRun, redactor: Redactor, sources: [String: CurlStepSource] = [:]) -> String {
        var out = "# \(PrintableText.escaping(redactor.redact(run.record.canary))) run \(PrintableText.escaping(run.record.runId)), attempt \(run.attempt) of \(run.attempts)\n"
        var needed: [String] = []
        var commands = ""
        for (offset, shown) in run.steps.enumerated() {
            let step = shown.step
            commands += "\n# step \(offset + 1) \(PrintableText.escaping(redactor.redact(step.name))): \(step.outcome.rawValue)\n"
            // The request as first sent: after redirects the final entry holds the last hop's URL.
            guard let exchange = shown.hops.first ?? shown.exchange else {
                if let request = step.request {
                    // The record keeps the method and URL only: no command without the headers and body.
                    commands += "# sent \(PrintableText.escaping(redactor.redact(request.method))) \(PrintableText.escaping(redactor.redact(request.url)))"
                        + "; its exchange is no longer kept, so its headers and body are not known\n"
                } else {
                    commands += "# sent nothing\n"
                }
                continue
            }
            let source = sources[step.name] ?? CurlStepSource()
            var references = References(source: source)
            // Hop entries carry no body: the step's body is on its final entry.
            let body = (shown.exchange ?? exchange).request
            commands += command(exchange.request, body: body, step: step, source: source, redactor: redactor, references: &references) + "\n"
            for name in references.used where !needed.contains(name) { needed.append(name) }
        }
        if !needed.isEmpty {
            out += "# set these environment variables first (values are never recorded): \(needed.joined(separator: " "))\n"
        }
        return out + commands
    }

    private static func command(
        _ request: StoredExchange.Request, body: StoredExchange.Request, step: StepRecord, source: CurlStepSource, redactor: Redactor,
        references: inout References
    ) -> String {
        var words = ["curl", "--silent", "--show-error", "--include"]
        words += ["--request", ShellWord.quote([.text(request.method)])]
        if (step.response?.redirects ?? 0) > 0 { words.append("--location") }
        if request.headers.contains(where: { $0.name.lowercased() == "accept-encoding" }) { words.append("--compressed") }
        if source.insecure { words.append("--insecure") }
        words += ["--url", ShellWord.quote(references.pieces(redactor.redact(request.url), field: .url))]
        for header in request.headers where !skippedHeaders.contains(header.name.lowercased()) {
            let value = redactor.redactHeader(name: header.name, value: header.value)
            let pieces = references.headerPieces(name: header.name, value: value)
            words += ["--header", ShellWord.quote([.text(redactor.redact(header.name) + ": ")] + pieces)]
        }
        var note = ""
        if let text = body.postData?.text, !text.isEmpty {
            words += ["--data-binary", ShellWord.quote(references.pieces(redactor.redact(text), field: .body))]
            if body.bodyIsCut, let size = body.bodySize {
                note = "# the recorded body holds only \(text.utf8.count) of its \(size) bytes\n"
            }
        }
        return note + words.joined(separator: " ")
    }

    /// Set by curl itself from the URL and body (the recorded values may belong to a redirect's
    /// last hop or to a cut body), and Accept-Encoding, which `--compressed` sets and decodes.
    static let skippedHeaders: Set<String> = ["host", "content-length", "accept-encoding"]

    /// Which environment variable each mask of one step stands for.
    struct References {
        enum Field { case url, body }
        let source: CurlStepSource
        var used: [String] = []

        init(source: CurlStepSource) {
            self.source = source
        }

        /// `text` cut at each `***`, the masks replaced in order by the secrets the field's
        /// templates read; a mask beyond them becomes a placeholder named after the field.
        mutating func pieces(_ text: String, field: Field) -> [ShellWord.Piece] {
            let names = field == .url ? source.urlSecrets : source.bodySecrets
            return substitute(text, names: names, placeholder: field == .url ? "URL" : "BODY")
        }

        /// A credential header's value is masked whole: rebuilt from its template when that
        /// holds nothing but secrets and scheme words (`Bearer {{secret.T}}`).
        mutating func headerPieces(name: String, value: String) -> [ShellWord.Piece] {
            let template = source.headers[name.lowercased()]
            if value == Redactor.mask, let template, let rebuilt = rebuild(template) { return rebuilt }
            var names: [String] = []
            for case .secret(let secret) in template?.parts ?? [] { names.append(secret) }
            return substitute(value, names: names, placeholder: name)
        }

        private mutating func rebuild(_ template: Template) -> [ShellWord.Piece]? {
            var pieces: [ShellWord.Piece] = []
            var secrets: [String] = []
            for part in template.parts {
                switch part {
                case .secret(let name):
                    pieces.append(.variable(ShellWord.variableName(name)))
                    secrets.append(ShellWord.variableName(name))
                case .literal(let text) where text.allSatisfy({ $0.isLetter || $0 == " " }):
                    pieces.append(.text(text))
                default:
                    return nil
                }
            }
            guard !secrets.isEmpty else { return nil }
            for name in secrets where !used.contains(name) { used.append(name) }
            return pieces
        }

        private mutating func substitute(_ text: String, names: [String], placeholder: String) -> [ShellWord.Piece] {
            let parts = text.components(separatedBy: Redactor.mask)
            var pieces: [ShellWord.Piece] = []
            for (offset, part) in parts.enumerated() {
                if offset > 0 {
                    let name = offset - 1 < names.count
                        ? ShellWord.variableName(names[offset - 1]) : ShellWord.variableName(("CANARY_SECRET_" + placeholder).uppercased())
                    if !used.contains(name) { used.append(name) }
                    pieces.append(.variable(name))
                }
                if !part.isEmpty { pieces.append(.text(part)) }
            }
            return pieces
        }
    }
}

/// What the canary file says about one step's request, for `ShowCurl`: the secrets its URL
/// (with its query) and body read, in order, its header templates by lowercased name, and
/// whether it skips TLS verification.
public struct CurlStepSource: Sendable {
    public var urlSecrets: [String] = []
    public var bodySecrets: [String] = []
    public var headers: [String: Template] = [:]
    public var insecure = false
    public init() {}
}

extension Canary {
    /// Each step's `CurlStepSource`, by step name.
    public var curlSources: [String: CurlStepSource] {
        var sources: [String: CurlStepSource] = [:]
        for step in steps {
            guard let request = step.request else { continue }
            var source = CurlStepSource()
            source.urlSecrets = Self.secrets(in: [request.url] + request.query.map(\.value))
            switch request.body {
            case .raw(let template): source.bodySecrets = Self.secrets(in: [template])
            case .form(let fields): source.bodySecrets = Self.secrets(in: fields.map(\.value))
            case .json(let value): source.bodySecrets = Self.secrets(in: Self.templates(in: value))
            case nil: break
            }
            for (name, template) in defaults.headers + request.headers { source.headers[name.lowercased()] = template }
            source.insecure = request.insecure ?? defaults.insecure ?? false
            sources[step.name] = source
        }
        return sources
    }

    private static func secrets(in templates: [Template]) -> [String] {
        templates.flatMap { template in
            template.parts.compactMap { if case .secret(let name) = $0 { name } else { nil } }
        }
    }
}
