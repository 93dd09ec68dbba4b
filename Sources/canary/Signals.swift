import Foundation

/// SIGTERM, SIGINT and SIGHUP as an async stream. The default actions are switched off first,
/// or the signal would end the process before the handler runs.
func signalStream(_ signals: [Int32]) -> AsyncStream<Int32> {
    AsyncStream { continuation in
        let queue = DispatchQueue(label: "canary.signals")
        var sources: [DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        nonisolated(unsafe) let keep = sources
        continuation.onTermination = { _ in keep.forEach { $0.cancel() } }
    }
}
