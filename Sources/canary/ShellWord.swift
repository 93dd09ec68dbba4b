/// Words for a POSIX shell (bash, zsh) as the user would paste them.
enum ShellWord {
    /// Always single-quoted: `it's` → `'it'\''s'`.
    static func singleQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// As it is when the shell would read it back unchanged, single-quoted otherwise.
    static func quoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./:=@%+,".unicodeScalars.contains($0)
        }
        return plain ? text : singleQuoted(text)
    }
}
