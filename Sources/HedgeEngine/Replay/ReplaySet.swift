import Foundation
import HedgeCore

/// One of several independent replays run at once (`hedgetop replay --set FILE --set FILE`): a
/// configuration file with its own files and strategies, the command line's options over it.
public struct ReplaySet: Sendable {
    /// The configuration file.
    public var config: String
    public var overrides: ReplayOverrides

    public init(config: String, overrides: ReplayOverrides) {
        self.config = config
        self.overrides = overrides
    }

    /// Replays the set start to end on the calling thread, as `hedgetop replay --config FILE`
    /// would (the same setup, engine and report).
    public func run() -> ReplaySetOutcome {
        let file = HedgetopConfig.load(path: config)
        let setup: ReplaySetup
        do { setup = try file.replaySetup(overrides) } catch {
            let summary = "\(error.errors.count) error\(error.errors.count == 1 ? "" : "s") in \(error.file); this set was not started"
            return ReplaySetOutcome(set: self, report: nil, messages: error.lines + [summary], failed: true)
        }
        var messages = setup.warnings.map { "warning: \($0)" }
        let parameters = setup.parameters
        let engine = Engine(replaying: setup, limits: file.limits)
        engine.runReplayToEnd()
        let result = engine.replayResult()
        var report = result.report
        var failed = false
        do { report.parameters = try parameters?.wait() } catch {
            messages.append(error.message)
            failed = true
        }
        if let failure = result.failure {
            messages.append("replay stopped: \(failure)")
            failed = true
        }
        if !report.legsWithoutQuotes.isEmpty {
            messages.append("no quotes for \(report.legsWithoutQuotes.joined(separator: " and ")) in this set's files; give the file with its data, or check the legs")
            failed = true
        }
        return ReplaySetOutcome(set: self, report: report.text, messages: messages, failed: failed)
    }

    /// Replays `sets` on `jobs` threads; outcomes in the order given, whatever the threads.
    public static func run(_ sets: [ReplaySet], jobs: Int) async -> [ReplaySetOutcome] {
        await ReplayThreads.map(sets, jobs: jobs) { $0.run() }
    }
}

/// What one set gave: its report as `hedgetop replay` prints it (nil when it could not start),
/// and what standard error should say about it.
public struct ReplaySetOutcome: Sendable {
    public var set: ReplaySet
    public var report: String?
    public var messages: [String]
    /// It could not start, stopped on bad input, or a leg had no data.
    public var failed: Bool
}
