import Foundation

/// `canary import curl`: a curl command line (as "Copy as cURL" in Chromium and Firefox writes it,
/// or typed by hand) to a canary with one step per URL.
public enum CurlImport {
    /// Options that take a value, by every name curl knows them by.
    static let valued: [String: String] = [
        "-X": "--request", "-H": "--header", "-d": "--data", "-u": "--user", "-b": "--cookie", "-F": "--form",
        "-A": "--user-agent", "-e": "--referer", "-m": "--max-time", "-o": "--output", "-x": "--proxy",
        "-w": "--write-out", "-c": "--cookie-jar", "-D": "--dump-header", "-E": "--cert", "-r": "--range",
    ]
    static let valuedLong: Set<String> = [
        "--request", "--header", "--data", "--data-ascii", "--data-raw", "--data-binary", "--data-urlencode", "--json",
        "--user", "--cookie", "--form", "--form-string", "--url", "--user-agent", "--referer", "--max-time", "--max-redirs",
        "--oauth2-bearer", "--output", "--proxy", "--write-out", "--cookie-jar", "--dump-header", "--cert", "--key", "--cacert",
        "--capath", "--connect-timeout", "--retry", "--retry-delay", "--retry-max-time", "--resolve", "--connect-to", "--range",
    ]
    static let flags: [String: String] = [
        "-k": "--insecure", "-L": "--location", "-G": "--get", "-I": "--head", "-s": "--silent", "-S": "--show-error",
        "-v": "--verbose", "-i": "--include", "-f": "--fail", "-O": "--remote-name", "-g": "--globoff", "-N": "--no-buffer",
        "-#": "--progress-bar", "-4": "--ipv4", "-6": "--ipv6", "-q": "--disable",
    ]
    static let flagsLong: Set<String> = [
        "--insecure", "--location", "--location-trusted", "--compressed", "--get", "--head", "--silent", "--show-error",
        "--verbose", "--include", "--fail", "--fail-with-body", "--remote-name", "--globoff", "--no-buffer", "--progress-bar",
        "--no-progress-meter", "--ipv4", "--ipv6", "--disable", "--http1.0", "--http1.1", "--http2", "--http2-prior-knowledge",
        "--http3", "--tlsv1.2", "--tlsv1.3", "--path-as-is", "--no-keepalive", "--tr-encoding",
    ]
    /// What only shapes curl's own output: nothing to carry over.
    static let outputOnly: Set<String> = [
        "--silent", "--show-error", "--verbose", "--include", "--fail", "--fail-with-body", "--remote-name", "--output",
        "--write-out", "--globoff", "--no-buffer", "--progress-bar", "--no-progress-meter", "--disable",
        "--dump-header",
    ]

    struct Option {
        var name: String
        var value: String?
        var word: Int
    }

    /// The command's words (starting with `curl` or not) to options and URLs, checked.
    static func options(_ words: [String]) throws(ImportError) -> (options: [Option], urls: [(String, Int)]) {
        var options: [Option] = [], urls: [(String, Int)] = []
        var index = words.first.map { $0 == "curl" || $0.hasSuffix("/curl") } == true ? 1 : 0
        var endOfOptions = false
        func value(for name: String, at word: Int) throws(ImportError) -> String {
            guard index < words.count else { throw ImportError("word \(word)", "\(name) needs a value after it") }
            index += 1
            return words[index - 1]
        }
        while index < words.count {
            let word = words[index], number = index + 1
            index += 1
            if endOfOptions || !word.hasPrefix("-") || word == "-" {
                urls.append((word, number))
            } else if word == "--" {
                endOfOptions = true
            } else if word.hasPrefix("--") {
                if word == "--url" {
                    urls.append((try value(for: word, at: number), number))
                } else if valuedLong.contains(word) {
                    options.append(Option(name: word, value: try value(for: word, at: number), word: number))
                } else if flagsLong.contains(word) {
                    options.append(Option(name: word, word: number))
                } else {
                    let known = Array(valuedLong.union(flagsLong))
                    throw ImportError("word \(number)", "curl option '\(word)' is not one import knows" + NameSuggestion.hint(for: word, among: known)
                        + "; remove it, or write the canary by hand for what it does")
                }
            } else {
                // A cluster of short options: `-sSL`, `-XPOST`, `-HAccept: x`.
                var rest = Substring(word.dropFirst())
                while let letter = rest.first {
                    rest = rest.dropFirst()
                    let short = "-" + String(letter)
                    if let long = valued[short] {
                        let given = rest.isEmpty ? try value(for: short, at: number) : String(rest)
                        options.append(Option(name: long, value: given, word: number))
                        break
                    } else if let long = flags[short] {
                        options.append(Option(name: long, word: number))
                    } else {
                        throw ImportError("word \(number)", "curl option '\(short)' (in '\(word)') is not one import knows; remove it, or write the canary by hand for what it does")
                    }
                }
            }
        }
        return (options, urls)
    }

    public static func canary(words: [String]) throws(ImportError) -> ImportedCanary {
        let (options, urls) = try options(words)
        guard !urls.isEmpty else {
            throw ImportError("", "the curl command has no URL; give one, e.g. `canary import curl -- curl https://example.com/health`")
        }
        let request = try CurlRequest(options: options)
        var canary = ImportedCanary(name: ImportNames.canaryName(fromURL: urls[0].0), source: "curl")
        canary.notImported = request.notImported
        var taken = Set<String>()
        for (url, word) in urls {
            var full = url.contains("://") ? url : "http://" + url
            try ImportText.checkURL(full, at: "word \(word)")
            if request.asQuery, !request.data.isEmpty { full += (full.contains("?") ? "&" : "?") + request.data.joined(separator: "&") }
            let method = request.method
            var step = ImportedStep(name: ImportNames.unique(ImportNames.stepName(method: method, url: full), among: &taken), url: full)
            step.method = method
            (step.url, step.urlNote) = ImportScrub.url(full, step: step.name, secrets: &canary.secrets)
            try request.fill(&step, canary: &canary)
            step.expect = [("status", "{gte: 200, lt: 400}", "what curl counts as an answer; write the status you expect, e.g. 200")]
            canary.steps.append(step)
        }
        return canary
    }
}

/// The values a canary file cannot hold as they are.
enum ImportText {
    /// `{{` starts a placeholder in every string of a canary file, and there is no escape for it.
    static func check(_ text: String, at place: String) throws(ImportError) {
        if text.contains("{{") {
            throw ImportError(place, "'{{' in this value would be read as a canary placeholder, and a canary file has no escape for it; change the value (or write that part of the canary by hand)")
        }
    }

    static func checkURL(_ url: String, at place: String) throws(ImportError) {
        try check(url, at: place)
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw ImportError(place, "'\(url)' is not an http:// or https:// URL; canary checks HTTP(S) only")
        }
        if url.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) {
            throw ImportError(place, "the URL '\(url)' holds a space or a control character; percent-encode it (%20)")
        }
    }

    /// Header values are one line (RFC 9110): no CR, LF or other control characters but tab.
    static func checkHeader(_ name: String, _ value: String, at place: String) throws(ImportError) {
        try check(value, at: place)
        if value.unicodeScalars.contains(where: { $0 != "\t" && $0.properties.generalCategory == .control }) {
            throw ImportError(place, "the value of header '\(name)' holds a line break or control character, which no request can send; remove it")
        }
    }

    static func checkMethod(_ method: String, at place: String) throws(ImportError) {
        guard CanaryFileDecoder.isToken(method) else {
            throw ImportError(place, "'\(method)' is not an HTTP method; write GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS")
        }
    }
}
