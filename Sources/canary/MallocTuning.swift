import Foundation

/// glibc's allocator settings for a process that runs thousands of canaries: at most two arenas,
/// and a fixed mmap threshold of 128 KB. By default glibc gives each thread that allocates its
/// own arena (up to 8 per core) and raises the mmap threshold to the size of the largest block
/// freed (a 4 MB read buffer, a 1 MB piece of metrics.prom), after which such blocks come from
/// the arenas and stay there as free but resident memory. Under `canary schedule` with 10,000
/// canaries that made RSS climb by about 12 MB a minute (`bench/soak.sh`). Set before the first
/// thread starts. `mallopt` is not in Swift's Glibc module, so it is looked up by name; on a C
/// library without it (not glibc) nothing changes.
enum MallocTuning {
    /// From glibc's malloc.h.
    private static let arenaMax: Int32 = -8
    private static let mmapThreshold: Int32 = -3

    static func apply() {
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(arenaMax, 2)
        _ = mallopt(mmapThreshold, 128 << 10)
    }
}
