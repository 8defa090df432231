import Testing
@testable import HedgeCore
@Test func moduleLoads() {}
