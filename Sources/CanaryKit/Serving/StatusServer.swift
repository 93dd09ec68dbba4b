import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `--listen`'s address could not be bound.
public struct ListenError: Error, CustomStringConvertible {
    public var description: String
}

/// The status listener of `canary schedule --listen`: HTTP/1.1 GET and HEAD on plain sockets,
/// one thread and one poll loop of its own, so no client can delay a canary run. It serves what
/// the scheduler published on the `StatusBoard`, rendered at most once per published generation.
/// Every limit is bounded: request line and head sizes, slow clients (header, idle and write
/// timeouts), bytes read per wake-up, buffered output, and connections (the longest-idle one
/// makes room for a new one).
public final class StatusServer: @unchecked Sendable {
    public struct Limits: Sendable {
        public var maxConnections = 512
        /// From a request's first byte to its last header line (slowloris).
        public var headerTimeout: Duration = .seconds(5)
        /// A kept-alive connection with no request.
        public var idleTimeout: Duration = .seconds(60)
        /// A client that stops reading its response.
        public var writeTimeout: Duration = .seconds(10)
        public var parser = ServedRequestParser.Limits()
        public init() {}
    }

    /// The address bound, with the port the system gave for port 0.
    public let address: ListenAddress
    private let listener: Int32
    private let board: StatusBoard
    private let limits: Limits
    private let stopLock = NSLock()
    private var stopped = false
    private var thread: Thread?
    // Touched only by the server's own thread.
    private var connections: [Int32: ServedConnection] = [:]
    private var cache: [String: (generation: Int, body: [UInt8])] = [:]
    private var acceptPausedUntil = ContinuousClock.now

    public init(address: ListenAddress, board: StatusBoard, limits: Limits = Limits()) throws(ListenError) {
        (listener, self.address) = try Self.bind(address)
        self.board = board
        self.limits = limits
    }

    public func start() {
        let thread = Thread { [self] in serve() }
        thread.name = "canary-listen"
        self.thread = thread
        thread.start()
    }

    /// Ends the loop within its next wake-up (at most 250 ms); connections are closed.
    public func stop() {
        stopLock.lock()
        stopped = true
        stopLock.unlock()
    }

    private var isStopped: Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        return stopped
    }

    private func serve() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !isStopped {
            let now = ContinuousClock.now
            var fds = [pollfd(fd: listener, events: now >= acceptPausedUntil ? Int16(POLLIN) : 0, revents: 0)]
            for (fd, connection) in connections { fds.append(pollfd(fd: fd, events: connection.events(limit: 4 << 20), revents: 0)) }
            _ = poll(&fds, nfds_t(fds.count), 250)
            if fds[0].revents & Int16(POLLIN) != 0 { acceptNew() }
            for entry in fds.dropFirst() where entry.revents != 0 {
                guard var connection = connections[entry.fd] else { continue }
                if entry.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { connection.read(into: &buffer, now: ContinuousClock.now) }
                if connection.wantsParse { respond(&connection) }
                if entry.revents & Int16(POLLOUT) != 0 || !connection.output.isEmpty { connection.write(now: ContinuousClock.now) }
                if connection.wantsParse { respond(&connection) }
                connections[entry.fd] = connection
            }
            sweep(now: ContinuousClock.now)
        }
        for fd in connections.keys { close(fd) }
        connections = [:]
        close(listener)
    }

    /// Accepts what is waiting (64 at most per wake-up). Past the cap, the connections idle the
    /// longest (nothing sent, nothing waiting to be read) make room; without any, the newest go.
    private func acceptNew() {
        var fresh: [Int32] = []
        for _ in 0..<64 {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                // Out of descriptors: stop accepting for a moment rather than spin on a readable listener.
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM { acceptPausedUntil = .now + .milliseconds(100) }
                break
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            fresh.append(fd)
        }
        let excess = connections.count + fresh.count - limits.maxConnections
        if excess > 0 {
            var idle: [(fd: Int32, since: ContinuousClock.Instant)] = []
            for (fd, connection) in connections where connection.isIdle { idle.append((fd, connection.lastActivity)) }
            idle.sort { $0.since < $1.since }
            var evicted = 0
            for candidate in idle where evicted < excess && Self.unread(candidate.fd) == 0 {
                close(candidate.fd)
                connections[candidate.fd] = nil
                evicted += 1
            }
            while connections.count + fresh.count > limits.maxConnections, let newest = fresh.popLast() { close(newest) }
        }
        let now = ContinuousClock.now
        for fd in fresh { connections[fd] = ServedConnection(fd: fd, now: now) }
    }

    /// Answers the complete requests in the connection's input, in order, while its output has room.
    private func respond(_ connection: inout ServedConnection) {
        connection.wantsParse = false
        while !connection.closing, connection.draining == nil, !connection.input.isEmpty, connection.output.count < 4 << 20 {
            switch ServedRequestParser.parse(connection.input[...], limits: limits.parser) {
            case .incomplete:
                if connection.requestStarted == nil { connection.requestStarted = .now }
                return
            case .failure(let failure):
                connection.finish(with: ServedResponse(failure).bytes(head: false, close: true))
            case .request(let request, let consumed):
                connection.input.removeFirst(consumed)
                connection.requestStarted = connection.input.isEmpty ? nil : .now
                var response = StatusRoutes.respond(to: request, snapshot: { board.snapshot }, render: render)
                // Bodies are not read: a GET with one is refused, and the connection closed.
                if request.hasBody && response.status != 405 { response = ServedResponse(ServedFailure(status: 400, reason: "a GET or HEAD request has no body")) }
                let close = !request.keepAlive || request.hasBody || response.status == 405
                let bytes = response.bytes(head: request.method == "HEAD", close: close)
                if close { connection.finish(with: bytes) } else { connection.output += bytes }
            }
        }
    }

    private func render(_ path: String, _ snapshot: StatusSnapshot) -> [UInt8] {
        if let cached = cache[path], cached.generation == snapshot.generation { return cached.body }
        let body: [UInt8]
        switch path {
        case "/metrics": body = StatusRendering.metrics(snapshot)
        case "/api/canaries": body = StatusRendering.canariesJSON(snapshot)
        default: body = StatusRendering.page(snapshot)
        }
        cache[path] = (snapshot.generation, body)
        return body
    }

    private func sweep(now: ContinuousClock.Instant) {
        for (fd, connection) in connections {
            guard let reason = connection.expired(now: now, limits: limits) else { continue }
            if reason == .header, connection.output.isEmpty {
                // A slow request head gets its 408 (best effort) before the close.
                _ = ServedResponse(status: 408, body: Array("request head not received in time\n".utf8)).bytes(head: false, close: true)
                    .withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            close(fd)
            connections[fd] = nil
        }
    }

    private static func unread(_ fd: Int32) -> Int32 {
        var count: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &count) == 0 ? count : 1
    }

    private static func bind(_ address: ListenAddress) throws(ListenError) -> (Int32, ListenAddress) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard status == 0, let info = list else {
            throw ListenError(description: "--listen \(address): cannot resolve '\(address.host)' (\(String(cString: gai_strerror(status)))); give an IP address such as 127.0.0.1 or 0.0.0.0")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListenError(description: "--listen \(address): cannot open a socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard Glibc.bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(fd, 512) == 0 else {
            let problem = String(cString: strerror(errno))
            close(fd)
            throw ListenError(description: "--listen \(address): cannot listen there: \(problem); pick another port (or address), or stop the process that holds it")
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        var actual = address
        withUnsafeMutablePointer(to: &bound) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
            if Int32(pointer.pointee.ss_family) == AF_INET {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { actual.port = UInt16(bigEndian: $0.pointee.sin_port) }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { actual.port = UInt16(bigEndian: $0.pointee.sin6_port) }
            }
        }
        return (fd, actual)
    }
}
