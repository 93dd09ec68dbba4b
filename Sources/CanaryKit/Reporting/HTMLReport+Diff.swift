/// The failing canary's card shows what changed since its last pass: the same diff as
/// `canary diff` (`RunDiffText`), escaped for HTML, additions and removals coloured.
extension HTMLReport {
    static func diffBlock(_ diff: RunDiff) -> String {
        let text = RunDiffText.render(diff, redactor: Redactor(secrets: []))
        var html = "<details class=\"diff\" open><summary>What changed since the last pass "
        html += "<span class=\"runid\">\(escape(diff.runs.before)) → \(escape(diff.runs.after))</span></summary><pre>"
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
            let trimmed = line.drop { $0 == " " }
            let kind = trimmed.hasPrefix("+") ? "add" : trimmed.hasPrefix("-") ? "del" : trimmed.hasPrefix("~") ? "chg" : nil
            html += kind.map { "<span class=\"\($0)\">\(escape(String(line)))</span>\n" } ?? escape(String(line)) + "\n"
        }
        return html + "</pre></details>\n"
    }
}
