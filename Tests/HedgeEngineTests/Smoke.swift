import Testing
@testable import HedgeEngine
@Test func moduleLoads() {}
