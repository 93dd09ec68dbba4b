@testable import CanaryKit
import Testing

/// One log line per Pushgateway outage, then one when it recovers.
@Suite("Pushgateway log lines")
struct PushgatewayHealthTests {
    @Test("down for three flushes of 20 pushes, then up: one warning, then one recovery line")
    func outage() {
        var health = PushgatewayHealth()
        let refused = Array(repeating: "pushgateway http://gw:9091/metrics/job/canary/canary/a: connectionRefused", count: 20)
        #expect(health.lines(after: [], of: 20, gateway: "http://gw:9091") == [])
        #expect(health.lines(after: refused, of: 20, gateway: "http://gw:9091")
            == ["pushgateway http://gw:9091/metrics/job/canary/canary/a: connectionRefused (20 of 20 pushes failed); no more warnings until it recovers"])
        #expect(health.lines(after: refused, of: 20, gateway: "http://gw:9091") == [])
        #expect(health.lines(after: refused, of: 20, gateway: "http://gw:9091") == [])
        #expect(health.lines(after: [], of: 20, gateway: "http://gw:9091") == ["pushgateway http://gw:9091: pushing again after 60 failed pushes over 0ms"])
        #expect(health.lines(after: [], of: 20, gateway: "http://gw:9091") == [])
    }
}
