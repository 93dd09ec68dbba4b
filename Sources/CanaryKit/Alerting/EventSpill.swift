import Foundation

/// The events of a `canary run` batch, as the lines `events.jsonl` will get, kept in an unnamed
/// file in the results folder until `finish` appends them (`EventSinks.record(spilled:)`): held
/// as structs, a first run's events (one state change per canary) were 1 KB a canary of the peak
/// (10 MB at 10,000 canaries). Only when events go to `events.jsonl` alone: a sink's outbox needs
/// the events themselves.
///
/// The file is opened with O_TMPFILE, so a crash leaves nothing behind; it is not fsynced (the
/// append to events.jsonl is). Where the folder cannot hold one, or a write fails (a full disk),
/// the lines stay in memory instead: an event is never lost to the spill.
final class EventSpill {
    private var fd: Int32
    /// Bytes in the file, all whole lines.
    private var written = 0
    /// Lines not in the file yet: the next write, or all of them once the file failed.
    private var buffer: [UInt8] = []
    /// Events spilled, and why each one that could not be encoded was left out (in order).
    private(set) var count = 0
    private(set) var warnings: [String] = []

    /// Writes to the file go out whenever this much has gathered.
    static let chunk = 64 << 10

    init(directory: String) {
        // O_TMPFILE is a C macro Swift does not import: __O_TMPFILE | O_DIRECTORY, the same value
        // on x86-64 and arm64.
        fd = open(directory, Int32(0o20000000) | O_DIRECTORY | O_RDWR | O_CLOEXEC, 0o600)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Appends `event`'s line, as `events.jsonl` gets it; one that cannot be encoded is left out
    /// with the warning `EventSinks.record` gives for it.
    func append(_ event: AlarmEvent) {
        let line: [UInt8]
        do {
            line = try event.jsonBytes()
        } catch {
            warnings.append("event \(event.id): cannot be encoded as JSON: \(error)")
            return
        }
        buffer += line
        buffer.append(UInt8(ascii: "\n"))
        count += 1
        if buffer.count >= Self.chunk { writeBuffer() }
    }

    private func writeBuffer() {
        guard fd >= 0, !buffer.isEmpty else { return }
        do throws(RecordingError) {
            try FileIO.writeAll(fd, buffer, path: "events.jsonl")
            written += buffer.count
            buffer.removeAll(keepingCapacity: true)
        } catch {
            // Whatever part went out is cut off: the buffer keeps every line from here on.
            _ = ftruncate(fd, off_t(written))
            close(fd)
            fd = -1
        }
    }

    /// Hands every line to `emit` in order, in pieces of at most `chunk` bytes each (a piece may
    /// end inside a line); throws when the file cannot be read back.
    func forEachPiece(_ emit: ([UInt8]) throws(RecordingError) -> Void) throws(RecordingError) {
        if fd >= 0, written > 0 {
            var piece = [UInt8](repeating: 0, count: Self.chunk)
            var offset = 0
            while offset < written {
                let wanted = min(piece.count, written - offset)
                let got = piece.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(offset)) }
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { throw RecordingError("read back the events for", "events.jsonl") }
                try emit(got == piece.count ? piece : Array(piece[..<got]))
                offset += got
            }
        }
        if !buffer.isEmpty { try emit(buffer) }
    }

    /// Empties it, for the next batch (the file is kept).
    func clear() {
        if fd >= 0 { _ = ftruncate(fd, 0) }
        written = 0
        buffer = []
        count = 0
        warnings = []
    }
}
