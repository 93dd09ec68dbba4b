import Foundation

/// `expect.jsonSchema`: a schema written inline, or `{"file": "schemas/user.json"}` relative to
/// the canary file, optionally with `"formats": true`; compiled here, so a bad schema is a load
/// problem with its place, and each run only validates.
extension CanaryFileDecoder {
    /// A schema file larger than this is refused: schemas are KB, not MB.
    static let maximumSchemaFileSize = 4 << 20

    func decodeJSONSchema(_ value: LocatedJSON, at place: SourceLocation) -> [Assertion] {
        var schemaValue = value
        var fileValue: LocatedJSON?
        var assertsFormats = false
        if let members = value.objectMembers, !members.isEmpty,
           members.allSatisfy({ Shapes.jsonSchemaFile.keys.contains($0.key) }), members.contains(where: { $0.key != "formats" }) {
            guard let fields = fields(value, in: "'jsonSchema'", allowed: Shapes.jsonSchemaFile.keys) else { return [] }
            if fields.has("file") == fields.has("schema") {
                report("'jsonSchema' takes either \"file\": \"schemas/user.json\" or \"schema\": {…}, not both", at: value.location)
                return []
            }
            assertsFormats = fields["formats"].flatMap { bool($0, for: "'jsonSchema' 'formats'") } ?? false
            fileValue = fields["file"]
            schemaValue = fields["schema"] ?? value
        } else if case .string = value.kind {
            report("'jsonSchema' is a schema ({\"type\": \"object\", …}) or {\"file\": \"schemas/user.json\"}, found \(value.foundDescription)", at: value.location)
            return []
        }
        let canaryFolder = LocalPath.parent(of: LocalPath.absolute(file))
        let compiled: JSONSchema
        do throws(JSONSchemaProblem) {
            if let fileValue {
                guard let path = string(fileValue, for: "'jsonSchema' 'file'", like: "schemas/user.json") else { return [] }
                let absolute = path.hasPrefix("/") ? path : LocalPath.join(canaryFolder, path)
                let document = try Self.readSchemaDocument(Self.fileURI(absolute), label: path)
                compiled = try JSONSchemaCompiler.compile(document, baseURI: Self.fileURI(absolute), label: path, assertsFormats: assertsFormats, document: Self.readLocalDocument)
            } else {
                let base = Self.fileURI(LocalPath.absolute(file))
                compiled = try JSONSchemaCompiler.compile(schemaValue.value, baseURI: base, label: "inline", assertsFormats: assertsFormats, document: Self.readLocalDocument)
            }
        } catch {
            let location = error.document == "inline" ? schemaValue.location(at: error.pointer) : (fileValue?.location ?? place)
            // Keys of the schema and the file's path appear in the message: LoadProblem caps it.
            report("jsonSchema: \(error.document == "inline" ? error.message : error.description)", at: location)
            return []
        }
        return [Assertion(query: .jsonSchema(compiled), predicates: [], location: place)]
    }

    static func fileURI(_ absolutePath: String) -> String {
        "file://" + (absolutePath.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolutePath)
    }

    /// A `$ref` to another document: `file:` URIs are read from disk; nothing is fetched.
    static func readLocalDocument(_ uri: String) -> Result<JSONValue, JSONSchemaProblem>? {
        guard uri.hasPrefix("file:") else { return nil }
        do throws(JSONSchemaProblem) {
            return .success(try readSchemaDocument(uri, label: nil))
        } catch {
            return .failure(error)
        }
    }

    private static func readSchemaDocument(_ uri: String, label: String?) throws(JSONSchemaProblem) -> JSONValue {
        let path = URIReference(uri).path.removingPercentEncoding ?? URIReference(uri).path
        let name = label ?? path
        func problem(_ message: String) -> JSONSchemaProblem { JSONSchemaProblem(document: name, pointer: [], message: message) }
        switch FileKind(path) {
        case .missing: throw problem("no such file (\(path)); paths are relative to the canary file's folder")
        case .folder: throw problem("this is a folder, not a schema file")
        case .other(let kind): throw problem("this is a \(kind), not a schema file")
        case .file: break
        }
        // Read at most one byte past the limit: /proc files say they are empty and never end.
        guard let handle = FileHandle(forReadingAtPath: path),
              let data = try? handle.read(upToCount: maximumSchemaFileSize + 1), data.count <= maximumSchemaFileSize else {
            throw problem("can't be read, or is larger than \(maximumSchemaFileSize >> 20) MB")
        }
        try? handle.close()
        do {
            return try JSON5.parseJSON(data)
        } catch {
            throw problem("not JSON: \(error)")
        }
    }
}

extension LocatedJSON {
    /// The place of the value at a JSON pointer inside this one (the nearest place that exists).
    func location(at pointer: [String]) -> SourceLocation {
        var current = self
        for token in pointer {
            switch current.kind {
            case .object(let members):
                guard let member = members.first(where: { $0.key == token }) else { return current.location }
                current = member.value
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return current.location }
                current = items[index]
            default:
                return current.location
            }
        }
        return current.location
    }
}
