import Foundation

/// `expect.visual`: the step's screenshot against the canary's baseline.
extension ScreenshotPass {
    /// The first screenshot of a passing step becomes the baseline; later ones are compared with
    /// it, and a difference above `maxDiff` fails the step with the measured difference.
    func compare(_ shot: Screenshot, name: String, visual: VisualExpectation, stepIndex: Int, in result: inout RunResult) {
        let canary = result.record.canary
        var step = result.record.steps[stepIndex]
        defer { result.record.steps[stepIndex] = step }
        let legacy = Snapshot.legacyBaseName(index: stepIndex + 1, step: step.name).map { $0 + ".png" }
        guard let stored = baselines.load(canary: canary, file: name + ".png", legacyFile: legacy) else {
            guard step.outcome != .failed else { return }
            do {
                try baselines.save(shot.png, canary: canary, file: name + ".png")
                step.screenshot?.newBaseline = true
            } catch {
                step.screenshot?.error = "cannot save the baseline: \(error)"
            }
            return
        }
        let baseline: PNGImage
        do {
            baseline = try PNGImage(png: stored)
        } catch {
            step.screenshot?.error = "the baseline \(baselines.path(canary: canary, file: name + ".png")) can't be read (\(error)); "
                + "set a new one with `canary baseline \(canary)`"
            return
        }
        let comparison = VisualComparison(baseline: baseline, current: shot.image, ignore: visual.ignore)
        step.screenshot?.difference = comparison.difference
        if comparison.changedPixels > 0 {
            result.artifacts.append(Artifact(name: name + ".diff.png", bytes: comparison.diff.png()))
            step.screenshot?.diffFile = name + ".diff.png"
        }
        guard comparison.difference > visual.maxDiff else { return }
        let changed = VisualComparison.percent(comparison.difference), allowed = VisualComparison.percent(visual.maxDiff)
        var message = "the page changed: \(changed) of its compared pixels differ from the baseline (at most \(allowed) allowed); see \(name).diff.png"
        if baseline.width != shot.image.width || baseline.height != shot.image.height {
            message += " (size \(shot.image.width)×\(shot.image.height), baseline \(baseline.width)×\(baseline.height))"
        }
        step.failures.append(AssertionFailure(assertion: "visual", expected: "at most \(allowed) changed", actual: "\(changed) changed", message: message))
        step.outcome = .failed
        result.record.passed = false
        if result.record.error == nil { result.record.error = "step \(step.name): \(message)" }
    }
}

/// Each canary's baseline screenshots: `<results>/.baselines/<canary slug>/NN-<step slug>.png`,
/// beside the run folders (the leading dot keeps readers of run folders away). One an earlier
/// version saved under the names themselves (`Api_v2/01-Get_Data.png`) is read in place.
public struct Baselines: Sendable {
    public let folder: String

    public init(results: String) {
        folder = results + "/.baselines"
    }

    public func path(canary: String, file: String) -> String {
        folder + "/" + ResultsLayout.canaryFolder(canary) + "/" + file
    }

    /// `legacyFile`: the step's file as an earlier version named it, when it differs.
    func load(canary: String, file: String, legacyFile: String? = nil) -> [UInt8]? {
        if let bytes = FileManager.default.contents(atPath: path(canary: canary, file: file)) { return Array(bytes) }
        guard let legacyFolder = ResultsLayout.legacyCanaryFolder(canary) ?? legacyFile.map({ _ in ResultsLayout.canaryFolder(canary) }) else { return nil }
        return FileManager.default.contents(atPath: folder + "/" + legacyFolder + "/" + (legacyFile ?? file)).map(Array.init)
    }

    func save(_ png: [UInt8], canary: String, file: String) throws(RecordingError) {
        try FileIO.makeDirectory(folder + "/" + ResultsLayout.canaryFolder(canary))
        try FileIO.writeAtomically(png, to: path(canary: canary, file: file), durable: true)
    }

    /// `canary baseline`: the screenshots of one recorded run (`run` folder) become the canary's
    /// baseline, replacing the old one's files of the same steps. Returns the files set; diff
    /// images are not screenshots and are skipped.
    public func adopt(runFolder: String, canary: String) throws(RecordingError) -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: runFolder)) ?? [])
            .filter { $0.hasSuffix(".png") && !$0.hasSuffix(".diff.png") }.sorted()
        for name in names {
            guard let bytes = FileManager.default.contents(atPath: runFolder + "/" + name) else {
                throw RecordingError(action: "read", path: runFolder + "/" + name, reason: "cannot be read")
            }
            try save(Array(bytes), canary: canary, file: Self.currentName(name))
        }
        return names.map(Self.currentName)
    }

    /// `01-Get_Data.png` from a run folder an earlier version wrote → `01-get-data-…png`, the name
    /// the step's baseline has now (a slug is its own slug, so current names stay as they are).
    static func currentName(_ file: String) -> String {
        let stem = file.dropLast(".png".count)
        guard let dash = stem.firstIndex(of: "-"), let index = Int(stem[..<dash]) else { return file }
        return Snapshot.baseName(index: index, step: String(stem[stem.index(after: dash)...])) + ".png"
    }
}
