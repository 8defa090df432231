import Testing
@testable import HedgeEngine

/// `[serve] on_alert` and its companions, `[screen] bell`: read, and bad values refused with the key named.
@Suite("Alert keys in the config")
struct AlertConfigTests {
    @Test("The alert command, its interval, timeout and unhedged wait are read")
    func read() {
        let config = HedgetopConfig.parse("""
            [serve]
            on_alert = "notify-desk --channel trading"
            alert_interval = "2m"
            alert_timeout = "5s"
            unhedged_alert_after = "20s"

            [screen]
            bell = false
            """, file: "test.toml", directory: "/tmp")
        #expect(config.issues.isEmpty, "\(config.issues)")
        #expect(config.alerts.command == "notify-desk --channel trading")
        #expect(config.alerts.interval == .seconds(120))
        #expect(config.alerts.timeout == .seconds(5))
        #expect(config.alerts.unhedgedAfter == .seconds(20))
        #expect(config.bell == false)
    }

    @Test("Bad alert keys are refused with the key named", arguments: [
        ("[serve]\non_alert = \"  \"\n", "on_alert"),
        ("[serve]\non_alert = 3\n", "on_alert"),
        ("[serve]\nalert_interval = \"soon\"\n", "alert_interval"),
        ("[serve]\nalert_timeout = \"1h\"\n", "alert_timeout"),
        ("[screen]\nbell = \"yes\"\n", "bell"),
    ])
    func refused(text: String, key: String) {
        let config = HedgetopConfig.parse(text, file: "test.toml", directory: "/tmp")
        #expect(config.issues.contains { $0.description.contains(key) }, "\(config.issues)")
    }
}
