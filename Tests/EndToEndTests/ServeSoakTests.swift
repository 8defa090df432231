import Foundation
import Testing

/// A served desk under load stays bounded and responsive: the shorter equivalent, in the test's
/// time budget, of ten minutes at `--speed 100` (the debug binary at `--speed 1000` for 20 s
/// sends several hundred orders, more than that soak did).
@Suite("serve under load", .serialized)
struct ServeSoakTests {
    /// The demo's calendar strategy, trading a cycle every few data-minutes.
    static let busy = """
        [market]
        scenario = "calendar"
        seed = 42

        [[strategies]]
        name = "busy"
        kind = "calendar"
        legs = ["sim:far", "sim:near"]
        target_notional = 50000
        entry = "2z"
        exit = "0.5z"
        cooldown = "5s"
        """

    static func residentKilobytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    static func dataTime(_ status: ServerStatus) -> Date? {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return format.date(from: status.time)
    }

    @Test("20 s at --speed 1000: venue state and RSS flat, status data fresh every second, SIGTERM obeyed within a second")
    func soak() async throws {
        try await offPool {
            let server = try ServedHedgetop(name: "soak")
            try Self.busy.write(toFile: server.config, atomically: true, encoding: .utf8)
            try server.start(speed: 1000)
            defer { server.stop(signal: SIGKILL) }
            let pid = try #require(server.pid)
            let venueState = server.stateDirectory + "/hedgetop/journal-soak.venues-calendar.json"
            var samples: [(rss: Int, state: Int)] = []
            var times: [Date] = []
            for second in 1...20 {
                Thread.sleep(forTimeInterval: 1)
                let status = try server.status()
                times.append(try #require(Self.dataTime(status)))
                if second == 6 || second == 20 {
                    samples.append((try #require(Self.residentKilobytes(pid)), Self.fileSize(venueState)))
                }
            }
            print("soak: rss \(samples.map(\.rss)) kB, venue state \(samples.map(\.state)) bytes, data time \(times.first!) → \(times.last!)")
            let (early, late) = (samples[0], samples[1])
            #expect(early.state > 0)
            #expect(late.state <= early.state + early.state / 2 + 8_192, "the venue state grew from \(early.state) to \(late.state) bytes")
            #expect(late.rss <= early.rss + 16_384, "RSS grew from \(early.rss) to \(late.rss) kB")
            // Each status (a second apart) shows newer data than the one before: snapshots never stop.
            let stale = zip(times, times.dropFirst()).filter { $1 <= $0 }.count
            #expect(stale == 0, "\(stale) of \(times.count - 1) statuses showed no newer data")
            #expect(times.last!.timeIntervalSince(times.first!) > 19 * 100, "data time moved only \(times.last!.timeIntervalSince(times.first!)) s in 19 s")

            let signalled = ContinuousClock.now
            let status = server.stop(signal: SIGTERM, seconds: 1)
            let took = signalled.duration(to: .now)
            #expect(status == 0, "exit status \(status.map(String.init) ?? "none") after SIGTERM (137: killed after a second)")
            #expect(took < .seconds(1), "SIGTERM took \(took)")
        }
    }
}
