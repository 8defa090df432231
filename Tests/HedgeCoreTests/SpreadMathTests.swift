import Testing
@testable import HedgeCore

/// Spread in bps, annualised basis and rolling statistics.
@Suite("Spread maths")
struct SpreadMathTests {
    @Test("bps are exact to eight places, not truncated to whole bps", arguments: [
        // (61806.1 − 61800) / 61800 × 10 000 = 61000 / 61800 = 0.98705501618… → 0.98705502 (half-even)
        ("61806.1", "61800", "0.98705502"),
        ("61800", "61806.1", "-0.98695760"),  // −6.1 / 61806.1 × 10 000 = −0.98695759803…
        ("100.01", "100", "1"),
        ("100", "100", "0"),
        ("101", "100", "100"),
    ])
    func bps(a: String, b: String, expected: String) throws {
        #expect(try SpreadMath.bps(dec(a), dec(b)) == dec(expected))
    }

    @Test("bps of a zero leg B is a division by zero")
    func bpsOfZero() {
        #expect(throws: DecimalError.divisionByZero) { try SpreadMath.bps("1", .zero) }
    }

    @Test("annualised basis: (F − S)/S × 365 / days")
    func annualisedBasis() throws {
        let now = Timestamp(seconds: 1_700_000_000)
        // (61800 − 60000) / 60000 × 365 / 30 = 0.03 × 12.1666… = 0.365
        let basis = try #require(SpreadMath.annualisedBasis(future: "61800", spot: "60000", now: now, expiry: now + .seconds(30 * 86_400)))
        #expect(abs(basis - 0.365) < 1e-12)
        // a discount gives a negative basis
        let negative = try #require(SpreadMath.annualisedBasis(future: "59400", spot: "60000", now: now, expiry: now + .seconds(365 * 86_400)))
        #expect(abs(negative - -0.01) < 1e-12)
    }

    @Test("annualised basis is nil at or after expiry")
    func annualisedBasisAfterExpiry() {
        let now = Timestamp(seconds: 1_700_000_000)
        #expect(SpreadMath.annualisedBasis(future: "61800", spot: "60000", now: now, expiry: now) == nil)
        #expect(SpreadMath.annualisedBasis(future: "61800", spot: "60000", now: now, expiry: now + .seconds(-1)) == nil)
        #expect(SpreadMath.annualisedBasis(future: "61800", spot: .zero, now: now, expiry: now + .seconds(86_400)) == nil)
    }

    @Test("rolling mean, population σ and z against hand values")
    func rollingStatistics() throws {
        var stats = RollingStatistics(capacity: 10)
        #expect(stats.mean == nil)
        stats.add(3)
        #expect(stats.standardDeviation == nil)   // one sample
        for x in [4.0, 5, 6] { stats.add(x) }
        // mean (3+4+5+6)/4 = 4.5; σ² = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25; σ = 1.118033988…
        #expect(stats.mean == 4.5)
        #expect(abs(try #require(stats.standardDeviation) - 1.25.squareRoot()) < 1e-12)
        // z(10) = (10 − 4.5) / 1.118033988… = 4.919349550…
        #expect(abs(try #require(stats.zScore(10)) - 4.919349550499537) < 1e-9)
    }

    @Test("the window evicts the oldest sample")
    func windowEvicts() throws {
        var stats = RollingStatistics(capacity: 3)
        for x in [100.0, 1, 2, 3] { stats.add(x) }
        #expect(stats.count == 3)
        #expect(stats.samples == [1, 2, 3])
        #expect(stats.mean == 2)
        // σ of 1, 2, 3 = √(2/3)
        #expect(abs(try #require(stats.standardDeviation) - (2.0 / 3).squareRoot()) < 1e-12)
    }

    @Test("NaN and infinities are ignored")
    func nonFiniteIgnored() {
        var stats = RollingStatistics(capacity: 3)
        stats.add(1)
        stats.add(.nan)
        stats.add(.infinity)
        stats.add(3)
        #expect(stats.count == 2)
        #expect(stats.mean == 2)
    }

    @Test("z is nil while σ is zero")
    func zNilWhenFlat() {
        var stats = RollingStatistics(capacity: 5)
        for _ in 0..<5 { stats.add(7) }
        #expect(stats.zScore(8) == nil)
    }

    @Test("long runs stay exact after periodic recomputation")
    func longRunStaysExact() throws {
        var stats = RollingStatistics(capacity: 4)
        for i in 0..<1_000 { stats.add(Double(i % 7) * 1e6) }
        let window = stats.samples
        let mean = window.reduce(0, +) / 4
        #expect(abs(try #require(stats.mean) - mean) < 1e-6)
    }
}
