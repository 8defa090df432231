/// How far the venue's clock is ahead of ours, measured from its time endpoint: the server read
/// its clock about halfway through our round trip, so the offset is its time minus our midpoint.
/// Signed requests carry our time plus the offset, inside the venue's `recvWindow`.
public struct ServerTimeOffset: Sendable, Hashable {
    /// Milliseconds to add to our clock to get the venue's.
    public var offsetMillis: Int64
    /// The round trip of the measurement: the offset is known to within half of it.
    public var roundTripMillis: Int64

    public init(offsetMillis: Int64 = 0, roundTripMillis: Int64 = 0) {
        self.offsetMillis = offsetMillis
        self.roundTripMillis = roundTripMillis
    }

    /// The offset from one request: sent at `sentAt`, answered at `receivedAt` (our clock) with
    /// `serverTime` (the venue's), all Unix milliseconds.
    public init(sentAt: Int64, serverTime: Int64, receivedAt: Int64) {
        let midpoint = sentAt + (receivedAt - sentAt) / 2
        offsetMillis = serverTime - midpoint
        roundTripMillis = receivedAt - sentAt
    }

    /// The venue's time when ours is `local`.
    public func serverTime(atLocal local: Int64) -> Int64 { local + offsetMillis }
}
