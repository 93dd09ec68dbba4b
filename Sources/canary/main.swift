import CanaryKit
import Foundation

// Entry point: dispatch to a command and exit with its code.
MallocTuning.apply()
let code: Int32
do {
    code = try await dispatch(Array(CommandLine.arguments.dropFirst()))
} catch let error as UsageError {
    Console.error("\(error)")
    code = 2
} catch {
    Console.error("canary: \(error)")
    code = 2
}
// The browser of browser steps, if one was started: stopped and its throwaway profile removed.
await BrowserPool.shared.shutdown()
exit(code)
