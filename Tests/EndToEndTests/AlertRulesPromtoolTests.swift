import Foundation
import Testing

/// prometheus/hedgetop.rules.yml as Prometheus's own tool reads it: it must load, and each alert's
/// unit tests (prometheus/hedgetop.rules.test.yml: firing and not firing) must pass.
@Suite("Alert rules under promtool")
struct AlertRulesPromtoolTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("prometheus")
    static let promtool = "/usr/bin/promtool"

    @Test("promtool check rules accepts the shipped rules")
    func check() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.promtool), "install Debian's prometheus package (it ships promtool): .ci/run does")
        let run = try CommandRun(Self.promtool, ["check", "rules", Self.folder.appendingPathComponent("hedgetop.rules.yml").path])
        #expect(run.status == 0, "\(run.output)\(run.error)")
        #expect(run.output.contains("SUCCESS"), "\(run.output)")
    }

    @Test("promtool test rules: every alert fires on its synthetic series and stays quiet on the others")
    func unitTests() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.promtool), "install Debian's prometheus package (it ships promtool): .ci/run does")
        let run = try CommandRun(Self.promtool, ["test", "rules", Self.folder.appendingPathComponent("hedgetop.rules.test.yml").path])
        #expect(run.status == 0, "\(run.output)\(run.error)")
    }

    @Test("Every alert in the rules file has a unit test that expects it to fire")
    func everyAlertTested() throws {
        let rules = try String(contentsOf: Self.folder.appendingPathComponent("hedgetop.rules.yml"), encoding: .utf8)
        let tests = try String(contentsOf: Self.folder.appendingPathComponent("hedgetop.rules.test.yml"), encoding: .utf8)
        let alerts = rules.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            return words.count == 3 && words[0] == "-" && words[1] == "alert:" ? String(words[2]) : nil
        }
        #expect(alerts.count == 10, "\(alerts)")
        for alert in alerts {
            // A firing case: the alert named, then exp_alerts with at least one entry before the next alertname.
            let blocks = tests.components(separatedBy: "alertname: \(alert)\n").dropFirst()
            #expect(blocks.contains { !$0.hasPrefix(String(repeating: " ", count: 8) + "exp_alerts: []") }, "\(alert) has no firing case")
            #expect(blocks.contains { $0.hasPrefix(String(repeating: " ", count: 8) + "exp_alerts: []") }, "\(alert) has no not-firing case")
        }
    }
}
