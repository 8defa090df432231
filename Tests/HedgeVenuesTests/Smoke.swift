import Testing
@testable import HedgeVenues
@Test func moduleLoads() {}
