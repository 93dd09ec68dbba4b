import Foundation

/// One canary at one time: a due time on the scheduler's book, or the due time of a run waiting
/// for a `--jobs` slot. Ordered by time, then by name, so equal times come out the same way on
/// every run.
struct DueItem: Comparable, Sendable {
    var at: Date
    var name: String

    static func < (lhs: DueItem, rhs: DueItem) -> Bool {
        lhs.at != rhs.at ? lhs.at < rhs.at : lhs.name < rhs.name
    }
}

/// A binary min-heap: `push` and `popMin` cost O(log n), `min` O(1). The scheduler keeps its due
/// times and its queue in two of them, so a run ending never scans every canary.
struct MinHeap<Element: Comparable & Sendable>: Sendable {
    private(set) var items: [Element] = []

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }
    var min: Element? { items.first }

    mutating func push(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func popMin() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let smallest = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var least = parent
            if left < items.count, items[left] < items[least] { least = left }
            if right < items.count, items[right] < items[least] { least = right }
            guard least != parent else { break }
            items.swapAt(parent, least)
            parent = least
        }
        return smallest
    }

    /// Keeps only the elements `keep` accepts (rebuilt in O(n)).
    mutating func filter(_ keep: (Element) -> Bool) {
        let kept = items.filter(keep)
        items = []
        items.reserveCapacity(kept.count)
        for element in kept.sorted() { items.append(element) }
    }
}
