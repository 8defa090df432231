import MetricsScrape
import Testing

/// The test parser is strict, so "it parses" in the other tests means the format is right.
@Suite("Exposition parser")
struct ExpositionParserTests {
    @Test("A well-formed exposition parses, escapes and all")
    func wellFormed() throws {
        let text = """
            # HELP up Whether it is up.
            # TYPE up gauge
            up{job="a \\"quoted\\" \\\\ name",line="x\\ny"} 1.0
            up{job="b"} -2.5e-05 1723161600000
            # TYPE requests_total counter
            requests_total 7

            """
        let exposition = try Exposition(parsing: text)
        #expect(exposition.value("up", ["job": "a \"quoted\" \\ name", "line": "x\ny"]) == 1)
        #expect(exposition.value("up", ["job": "b"]) == -0.000025)
        #expect(exposition.value("requests_total") == 7)
        #expect(exposition.help["up"] == "Whether it is up.")
        #expect(exposition.types["requests_total"] == "counter")
    }

    @Test("Malformed expositions are refused", arguments: [
        "up 1\n",                                            // no TYPE
        "# TYPE up gauge\nup{job=\"a} 1\n",                  // unterminated label value
        "# TYPE up gauge\nup{job=\"a\\q\"} 1\n",             // unknown escape
        "# TYPE up gauge\nup one\n",                         // not a number
        "# TYPE up gauge\nup 1\nup 2\n",                     // series repeated
        "# TYPE up gauge\nup 1\n# HELP up late\n",           // HELP after samples
        "# TYPE up gauge\n# TYPE up counter\nup 1\n",        // TYPE twice
        "# TYPE up gauge\nup 1",                             // no final line feed
        "# TYPE up gauge\nup{1a=\"x\"} 1\n",                 // bad label name
    ])
    func malformed(text: String) {
        #expect(throws: ScrapeError.self) { try Exposition(parsing: text) }
    }
}
