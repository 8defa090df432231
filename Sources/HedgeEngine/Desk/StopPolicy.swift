/// What the desk does with open spreads when it is told to stop.
public enum StopPolicy: String, Sendable, CaseIterable {
    /// Leave them open: the journal and the venue state hold them; the next start recovers them.
    case keep
    /// Close them through the strategies and wait (bounded) until flat.
    case flatten
}
