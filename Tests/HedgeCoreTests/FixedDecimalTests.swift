import Foundation
import Testing
@testable import HedgeCore

/// Parsing, formatting, arithmetic, rounding and overflow of `FixedDecimal`.
@Suite("FixedDecimal")
struct FixedDecimalTests {
    // MARK: Parsing

    @Test("parses venue strings exactly", arguments: [
        ("61800.20", Int64(6_180_020_000_000)),
        ("0.001", 100_000),
        ("-0.0001", -10_000),
        ("1e-05", 1_000),
        ("2.5E-7", 25),
        ("1E3", 100_000_000_000),
        ("+5", 500_000_000),
        ("007.50", 750_000_000),
        ("-000.00000001", -1),
        ("0", 0),
        ("-0", 0),
        ("0.000000010", 1),  // a ninth digit is accepted when it is a zero
        ("92233720368.54775807", Int64.max),
    ])
    func parsesVenueStrings(text: String, units: Int64) throws {
        let value = try FixedDecimal(parsing: text)
        #expect(value.units == units)
    }

    @Test("the zero-allocation parser agrees with init(parsing:)", arguments: ["61800.20", "-0.0001", "1e-05", "+5", "abc", ""])
    func bufferParserAgrees(text: String) {
        var bytes = Array(text.utf8)
        let direct = bytes.withUnsafeMutableBufferPointer { FixedDecimal.parse(UnsafeBufferPointer($0)) }
        let viaInit = Result { () throws(DecimalError) -> FixedDecimal in try FixedDecimal(parsing: text) }
        #expect(direct == viaInit)
    }

    @Test("refuses text that is not an exact decimal", arguments: [
        "NaN", "nan", "inf", "", "-", "+", ".", "1.2.3", "abc", "1,000", " 1", "1 ", "--1", "1e", "e5", "1e+",
        "0.000000001",   // nine places, the last not zero
        "61800.123456789",
        "1.5e-8",        // 0.000000015
    ])
    func refusesInvalidText(text: String) {
        #expect(throws: DecimalError.self) { try FixedDecimal(parsing: text) }
        #expect(FixedDecimal(text) == nil)
    }

    @Test("refuses a number beyond the range with an overflow error")
    func refusesOutOfRange() {
        #expect { try FixedDecimal(parsing: "92233720368.54775808") } throws: { error in
            guard case DecimalError.overflow = error else { return false }
            return true
        }
        #expect(throws: DecimalError.self) { try FixedDecimal(parsing: "1e11") }
        #expect(throws: DecimalError.self) { try FixedDecimal(Int.max) }
    }

    // MARK: Text

    @Test("description is the shortest exact form and parses back", arguments: [
        ("61800.20", "61800.2"), ("-0.0001", "-0.0001"), ("5", "5"), ("0", "0"), ("0.00000001", "0.00000001"),
        ("-92233720368.54775807", "-92233720368.54775807"), ("100.05", "100.05"), ("1e-05", "0.00001"),
    ])
    func descriptionRoundTrips(text: String, expected: String) throws {
        let value = try FixedDecimal(parsing: text)
        #expect(value.description == expected)
        #expect(try FixedDecimal(parsing: value.description) == value)
    }

    @Test("formatted pads, rounds half-even, groups and signs", arguments: [
        ("61800.2", 2, false, false, "61800.20"),
        ("61800.2", 2, true, false, "61,800.20"),
        ("1234567.891", 2, true, false, "1,234,567.89"),
        ("999.995", 2, true, false, "1,000.00"),
        ("100", 0, true, false, "100"),
        ("123456", 0, true, false, "123,456"),
        ("-1234.5", 0, false, false, "-1234"),   // half-even: 1234.5 → 1234
        ("-1235.5", 0, false, false, "-1236"),
        ("0.125", 2, false, false, "0.12"),
        ("0.135", 2, false, false, "0.14"),
        ("-0.001", 2, false, false, "0.00"),      // rounds to zero: no "-0.00"
        ("5", 2, false, true, "+5.00"),
        ("0", 2, false, true, "0.00"),
        ("-5", 1, false, true, "-5.0"),
        ("-1234567.5", 1, true, false, "-1,234,567.5"),
        ("0.00000001", 8, false, false, "0.00000001"),
    ])
    func formatted(text: String, places: Int, grouping: Bool, plusSign: Bool, expected: String) throws {
        let value = try FixedDecimal(parsing: text)
        #expect(value.formatted(places: places, grouping: grouping, plusSign: plusSign) == expected)
    }

    @Test("Codable writes the exact string")
    func codableUsesString() throws {
        let data = try JSONEncoder().encode(["price": dec("61800.2")])
        #expect(String(decoding: data, as: UTF8.self) == #"{"price":"61800.2"}"#)
        let back = try JSONDecoder().decode([String: FixedDecimal].self, from: Data(#"{"p":"-0.0001"}"#.utf8))
        #expect(back["p"] == dec("-0.0001"))
        #expect(throws: (any Error).self) { try JSONDecoder().decode([String: FixedDecimal].self, from: Data(#"{"p":"NaN"}"#.utf8)) }
    }

    // MARK: Arithmetic

    @Test("addition and subtraction are exact")
    func addSubtractExact() throws {
        // 0.1 + 0.2 = 0.3 exactly, unlike Double.
        #expect(try ("0.1" as FixedDecimal) + "0.2" == "0.3")
        #expect(try ("61806.1" as FixedDecimal) - "61800.0" == "6.1")
        #expect(try ("-0.00000001" as FixedDecimal) - "0.00000001" == "-0.00000002")
        #expect(try ["1.5", "2.25", "-0.75"].sum() == "3")
    }

    @Test("multiplication and division round by the mode", arguments: [
        // 1/3 = 0.333333333…
        ("1", "3", RoundingMode.halfEven, "0.33333333"),
        ("2", "3", .halfEven, "0.66666667"),
        ("-2", "3", .halfEven, "-0.66666667"),
        ("-2", "3", .down, "-0.66666666"),
        ("-2", "3", .floor, "-0.66666667"),
        ("-2", "3", .ceiling, "-0.66666666"),
        ("-2", "3", .up, "-0.66666667"),
        ("1", "8", .halfEven, "0.125"),
    ])
    func division(numerator: String, denominator: String, mode: RoundingMode, expected: String) throws {
        let n = try FixedDecimal(parsing: numerator), d = try FixedDecimal(parsing: denominator)
        #expect(try n.divided(by: d, rounding: mode) == FixedDecimal(parsing: expected))
    }

    @Test("a product's ninth digit is rounded by the mode", arguments: [
        // 0.00000001 × 0.5 = 0.000000005: a tie between 0 and 0.00000001.
        ("0.00000001", "0.5", RoundingMode.halfEven, "0"),
        ("0.00000001", "0.5", .halfUp, "0.00000001"),
        ("0.00000003", "0.5", .halfEven, "0.00000002"),   // 0.000000015 → even 2
        ("-0.00000003", "0.5", .halfEven, "-0.00000002"),
        ("-0.00000003", "0.5", .halfUp, "-0.00000002"),   // -0.000000015 → away from zero
        ("-0.00000001", "0.5", .floor, "-0.00000001"),
        ("-0.00000001", "0.5", .ceiling, "0"),
        ("61800.2", "0.001", .halfEven, "61.8002"),
        ("1.5", "-2", .halfEven, "-3"),
    ])
    func multiplication(lhs: String, rhs: String, mode: RoundingMode, expected: String) throws {
        let a = try FixedDecimal(parsing: lhs), b = try FixedDecimal(parsing: rhs)
        #expect(try a.multiplied(by: b, rounding: mode) == FixedDecimal(parsing: expected))
    }

    @Test("mulDiv rounds once at the end")
    func mulDivRoundsOnce() throws {
        // 1000 × 1000 / 3660000000: exact value 0.000273224043… → 0.00027322.
        #expect(try FixedDecimal.mulDiv("1000", "1000", "3660000000") == "0.00027322")
        // (1/3) × 3 rounded in between would give 0.99999999; once at the end gives 1.
        #expect(try FixedDecimal.mulDiv("1", "3", "3") == "1")
    }

    /// Each rounding mode on positive and negative halves and non-halves, to whole numbers.
    @Test("rounding modes on halves", arguments: [
        //  value   down  up   floor ceil  halfUp halfEven
        ("2.5",   [2, 3, 2, 3, 3, 2]),
        ("-2.5",  [-2, -3, -3, -2, -3, -2]),
        ("3.5",   [3, 4, 3, 4, 4, 4]),
        ("-3.5",  [-3, -4, -4, -3, -4, -4]),
        ("2.4",   [2, 3, 2, 3, 2, 2]),
        ("-2.6",  [-2, -3, -3, -2, -3, -3]),
        ("2.50000001", [2, 3, 2, 3, 3, 3]),
        ("-7",    [-7, -7, -7, -7, -7, -7]),
    ])
    func roundingModes(text: String, expected: [Int]) throws {
        let value = try FixedDecimal(parsing: text)
        let modes: [RoundingMode] = [.down, .up, .floor, .ceiling, .halfUp, .halfEven]
        for (mode, whole) in zip(modes, expected) {
            #expect(try value.rounded(places: 0, mode) == FixedDecimal(whole), "\(text) \(mode)")
        }
    }

    @Test("rounding to a step (tick or lot)", arguments: [
        ("61800.25", "0.1", RoundingMode.halfEven, "61800.2"),
        ("61800.35", "0.1", .halfEven, "61800.4"),
        ("61800.25", "0.1", .up, "61800.3"),
        ("0.0015", "0.001", .down, "0.001"),
        ("-0.0015", "0.001", .down, "-0.001"),
        ("-0.0015", "0.001", .floor, "-0.002"),
        ("7.3", "0.25", .halfEven, "7.25"),
        ("7.375", "0.25", .halfEven, "7.5"),   // 29.5 steps → 30 (even)
        ("7.125", "0.25", .halfEven, "7"),     // 28.5 steps → 28 (even)
    ])
    func roundedToStep(text: String, step: String, mode: RoundingMode, expected: String) throws {
        let value = try FixedDecimal(parsing: text)
        #expect(try value.rounded(toMultipleOf: FixedDecimal(parsing: step), mode) == FixedDecimal(parsing: expected))
    }

    // MARK: Overflow and division by zero

    @Test("addition overflow throws")
    func additionOverflowThrows() {
        #expect(throws: DecimalError.self) { try FixedDecimal.max + FixedDecimal(units: 1) }
        #expect(throws: DecimalError.self) { try FixedDecimal.min + FixedDecimal(units: -1) }
    }

    @Test("subtraction overflow throws")
    func subtractionOverflowThrows() {
        #expect(throws: DecimalError.self) { try FixedDecimal.min - FixedDecimal(units: 1) }
        #expect(throws: DecimalError.self) { try FixedDecimal.max - FixedDecimal(units: -1) }
    }

    @Test("multiplication overflow throws")
    func multiplicationOverflowThrows() {
        #expect(throws: DecimalError.self) { try FixedDecimal.max.multiplied(by: dec("1.00000001")) }
        #expect(throws: DecimalError.self) { try FixedDecimal.max.multiplied(by: 2) }
        #expect(throws: DecimalError.self) { try dec("1000000").multiplied(by: dec("1000000")) }
    }

    @Test("division overflow throws")
    func divisionOverflowThrows() {
        #expect(throws: DecimalError.self) { try FixedDecimal.max.divided(by: dec("0.5")) }
        #expect(throws: DecimalError.self) { try dec("1000000").divided(by: dec("0.00001")) }
    }

    @Test("division by zero throws divisionByZero")
    func divisionByZeroThrows() {
        #expect(throws: DecimalError.divisionByZero) { try dec("1").divided(by: .zero) }
        #expect(throws: DecimalError.divisionByZero) { try FixedDecimal.mulDiv("1", "1", .zero) }
        #expect(throws: DecimalError.self) { try dec("1").rounded(toMultipleOf: .zero, .halfEven) }
    }
}
