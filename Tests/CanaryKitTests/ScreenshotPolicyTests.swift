import Foundation
import Testing
@testable import CanaryKit

@Suite("Screenshot content policy placement")
struct ScreenshotPolicyTests {
    private func guarded(_ html: String) -> String {
        String(decoding: Screenshotter.guarded(Array(html.utf8)), as: UTF8.self)
    }

    @Test("the policy goes right after a leading doctype, in any case, so standards mode is kept")
    func afterDoctype() {
        #expect(guarded("<!DOCTYPE html><p>x") == "<!DOCTYPE html>" + Screenshotter.policy + "<p>x")
        #expect(guarded("\n  <!doctype html>\n<p>x") == "\n  <!doctype html>" + Screenshotter.policy + "\n<p>x")
    }

    @Test("without a doctype the policy goes first, before anything the page could load")
    func first() {
        #expect(guarded("<html><script>1</script>") == Screenshotter.policy + "<html><script>1</script>")
        #expect(guarded("") == Screenshotter.policy)
    }

    @Test("a UTF-8 byte order mark stays first")
    func byteOrderMark() {
        #expect(guarded("\u{FEFF}<p>x") == "\u{FEFF}" + Screenshotter.policy + "<p>x")
    }

    @Test("a lookalike of a doctype can't move the policy into a script")
    func lookalike() {
        let page = "\u{1C}\u{01}doctype<script>alert(1)</script>"
        #expect(guarded(page) == Screenshotter.policy + page)
    }
}
