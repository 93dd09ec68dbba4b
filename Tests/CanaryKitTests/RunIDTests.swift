@testable import CanaryKit
import Foundation
import Testing

/// Run ids sort by time: `--keep`, `--last` and the store's readers order runs by name.
@Suite("run ids")
struct RunIDTests {
    @Test("ids of runs started in the same second sort by their milliseconds, and keep the folder-name shape")
    func sameSecond() {
        let second = Date(timeIntervalSince1970: 1_795_000_000)
        for _ in 0..<50 {
            let ids = stride(from: 0, to: 1000, by: 7).map { RunID.make(at: second.addingTimeInterval(Double($0) / 1000)) }
            #expect(ids == ids.sorted())
            #expect(ids.allSatisfy(RunID.isRunFolderName))
        }
        #expect(RunID.make(at: second.addingTimeInterval(0.999)) < RunID.make(at: second.addingTimeInterval(1)))
    }
}
