import Testing
@testable import HedgeTerminal
@Test func moduleLoads() {}
