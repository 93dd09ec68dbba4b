@testable import CanaryKit
import Foundation
import Testing

@Suite("Prometheus labels and values")
struct MetricsLabelTests {
    @Test("label values escape backslash, double quote and newline, and keep the rest", arguments: [
        ("plain", "plain"),
        (#"say "hi""#, #"say \"hi\""#),
        (#"C:\path"#, #"C:\\path"#),
        ("two\nlines", #"two\nlines"#),
        (#"\n literally"#, #"\\n literally"#),
        ("tab\tand\rcr", "tab\tand\rcr"),
        ("ünïcødé ✓ 日本 🐤", "ünïcødé ✓ 日本 🐤"),
        (#"\""#, #"\\\""#),
    ])
    func labelValues(input: String, escaped: String) {
        #expect(PrometheusText.escapeLabelValue(input) == escaped)
        var bytes: [UInt8] = Array("x".utf8)
        PrometheusText.appendEscaped(input, to: &bytes)
        #expect(bytes == Array(("x" + escaped).utf8))
    }

    @Test("tag names become valid label names that collide with nothing", arguments: [
        ("env", "env"),
        ("team-name", "team_name"),
        ("a.b c", "a_b_c"),
        ("canary", "tag_canary"),
        ("step", "tag_step"),
        ("phase", "tag_phase"),
        ("state", "tag_state"),
        ("result", "tag_result"),
        ("job", "tag_job"),
        ("instance", "tag_instance"),
        ("__name__", "tag___name__"),
        ("1st", "tag_1st"),
        ("", "tag_"),
        ("é", "_"),
        ("Zone_2", "Zone_2"),
    ])
    func tagNames(tag: String, label: String) {
        #expect(PrometheusLabels.labelName(forTag: tag) == label)
        #expect(label.wholeMatch(of: /[a-zA-Z_][a-zA-Z0-9_]*/) != nil)
    }

    @Test("tags that sanitise to one name are told apart in tag-name order")
    func tagCollisions() {
        let labels = PrometheusLabels.tagLabels(["a-b": "1", "a.b": "2", "a_b": "3", "canary": "4", "tag_canary": "5"])
        #expect(labels.map(\.name) == ["a_b", "a_b_2", "a_b_3", "tag_canary", "tag_canary_2"])
        #expect(labels.map(\.value) == ["1", "2", "3", "4", "5"])
    }

    @Test("values are spelled the way Go's ParseFloat reads them", arguments: [
        (0.0, "0"), (-0.0, "0"), (1, "1"), (503, "503"), (0.312, "0.312"), (0.00001, "1e-05"),
        (1_795_357_721.123, "1795357721.123"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"),
        (Double.nan, "NaN"), (1e20, "1e+20"), (-2.5, "-2.5"),
    ])
    func values(value: Double, text: String) {
        #expect(PrometheusText.formatValue(value) == text)
    }

    @Test("hostile tags and steps render one well-formed line per sample")
    func hostileLines() {
        let text = PrometheusText.render([MetricsFixtures.hostile])
        let success = text.split(separator: "\n").filter { $0.hasPrefix("canary_success{") }
        #expect(success == [
            #"canary_success{canary="hostile",tag_1st="\\",tag___meta="x",a_b="dup",tag_canary="clash",tag_step="s",team_name="a\"b",_="ü\n"} 0"#,
        ])
        let tags = #"tag_1st="\\",tag___meta="x",a_b="dup",tag_canary="clash",tag_step="s",team_name="a\"b",_="ü\n""#
        #expect(text.contains(#"canary_step_status_code{canary="hostile","# + tags + #",step="line\nbreak ✓ 日本"} 503"#))
        #expect(text.contains(#"canary_step_status_code{canary="hostile","# + tags + #",step="say \"hi\"\\now"} 200"#))
    }

    @Test("Pushgateway grouping: plain names as they are, others in base64url", arguments: [
        ("checkout-api_v1.2", "canary/checkout-api_v1.2"),
        ("a/b", "canary@base64/YS9i"),
        ("", "canary@base64/="),
        ("..", "canary@base64/Li4="),
        ("??>", "canary@base64/Pz8-"),
        ("ü", "canary@base64/w7w="),
    ])
    func groupingKey(name: String, path: String) {
        #expect(Pushgateway.groupingPair(for: name) == path)
    }
}
