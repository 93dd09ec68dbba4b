import CanaryKit
import Foundation

extension ScheduleCommand {
    /// `--listen`: binds at start (a port in use is exit 2 before anything runs) and serves from
    /// its own thread what the daemon publishes.
    func startListener(log: ScheduleLog) throws -> (server: StatusServer, board: StatusBoard)? {
        guard let address = options.listen else { return nil }
        let board = StatusBoard()
        let server: StatusServer
        do {
            server = try StatusServer(address: address, board: board)
        } catch {
            throw UsageError("schedule: \(error)")
        }
        server.start()
        log.event("listening", "on http://\(server.address)/ (/metrics, /api/canaries, /-/healthy, /-/ready)",
                  [("address", .string(server.address.description))])
        return (server, board)
    }
}
