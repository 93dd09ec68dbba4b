import CanaryKit
import Foundation

/// `canary new NAME URL [-o FILE]`: the fastest start, a commented canary file for one URL with
/// a status, a duration and (https) a certificate assertion, checked by the loader before it is
/// written.
struct NewCommand {
    let name: String
    let url: String
    /// nil: stdout.
    let output: String?

    init(arguments: [String]) throws(UsageError) {
        var words: [String] = [], output: String?
        var remaining = arguments[...]
        while let word = remaining.popFirst() {
            if word == "-o" || word == "--output" {
                guard let path = remaining.popFirst() else { throw UsageError("new: \(word) needs a value") }
                output = path
            } else if word.hasPrefix("--output=") {
                output = String(word.dropFirst("--output=".count))
            } else if word.hasPrefix("-"), word != "-" {
                throw UsageError("new: unknown option '\(word)'" + NameSuggestion.hint(for: word, among: ["--output"]))
            } else {
                words.append(word)
            }
        }
        guard words.count == 2 else {
            throw UsageError("new: give a name and a URL, e.g. `canary new checkout https://shop.example.com/health -o canaries/checkout.json`")
        }
        let scheme = words[1].split(separator: ":", maxSplits: 1).first.map { $0.lowercased() }
        guard words[1].contains("://"), scheme == "http" || scheme == "https" else {
            throw UsageError("new: '\(words[1])' is not an http:// or https:// URL")
        }
        (name, url, self.output) = (words[0], words[1], output)
    }

    func execute() throws -> Int32 {
        try CanaryFileOutput.emit(Self.file(name: name, url: url, written: Date()), to: output, command: "new")
    }

    static func file(name: String, url: String, written: Date) -> String {
        let https = url.lowercased().hasPrefix("https:")
        let certificate = https ? "\n        certificate: {expiresIn: {gt: \"14d\"}},  // renew before it runs out" : ""
        return """
        // \(comment(name)): written by `canary new` on \(RunID.iso8601(written).prefix(10)).
        // Check it with `canary validate FILE`, run it with `canary run FILE`; the README's
        // "A canary file" lists every key and predicate.
        {
          name: \(quoted(name)),
          description: \(quoted("GET \(url) answers 200 within 2 seconds")),
          schedule: "rate(5 minutes)",  // for canary schedule; or cron(*/5 * * * *), UTC
          timeout: "30s",               // each attempt, all steps together
          retries: 1,                   // one more attempt before the run counts as failed
          tags: {},                     // e.g. {team: "payments"}: in metrics, events, --tag
          steps: [
            {
              name: "get",
              request: {url: \(quoted(url))},  // GET; add method, headers, json, form...
              expect: {
                status: 200,
                duration: {lt: "2s"},  // the whole exchange, from the request to the last byte\(certificate)
              },
            },
          ],
        }

        """
    }

    /// A JSON string literal (JSON5 reads JSON's escapes).
    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// On one comment line: no line breaks.
    private static func comment(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
