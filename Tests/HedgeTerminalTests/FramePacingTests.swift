import Testing
@testable import HedgeTerminal

/// `--fps` paces snapshots only: a key is drawn at once, whatever the pace.
@Suite struct FramePacingTests {
    @Test(arguments: [1, 4, 30])
    func aKeyIsDrawnAtOnceWhateverTheFps(fps: Int) {
        var pacing = FramePacing(fps: fps)
        pacing.request(.data)
        pacing.drawn(at: .seconds(10))
        pacing.request(.input)
        #expect(pacing.shouldDraw(now: .seconds(10) + .milliseconds(1)))
    }

    @Test func dataWaitsForItsFrameSlot() {
        var pacing = FramePacing(fps: 1)
        pacing.drawn(at: .seconds(10))
        pacing.request(.data)
        #expect(!pacing.shouldDraw(now: .seconds(10) + .milliseconds(999)))
        #expect(pacing.shouldDraw(now: .seconds(11)))
    }

    @Test func aKeyAlsoDrawsTheDataWaitingAndRestartsTheSlot() {
        var pacing = FramePacing(fps: 1)
        pacing.drawn(at: .seconds(10))
        pacing.request(.data)
        pacing.request(.input)
        pacing.request(.data)   // data after the key does not demote it
        #expect(pacing.shouldDraw(now: .seconds(10) + .milliseconds(100)))
        pacing.drawn(at: .seconds(10) + .milliseconds(100))
        #expect(!pacing.shouldDraw(now: .seconds(10) + .milliseconds(200)))
    }

    @Test func nothingWantedDrawsNothing() {
        var pacing = FramePacing(fps: 4)
        pacing.drawn(at: .zero)
        #expect(!pacing.shouldDraw(now: .seconds(60)))
    }

    @Test func theFirstFrameIsNotHeldBack() {
        var pacing = FramePacing(fps: 1)
        pacing.request(.data)
        #expect(pacing.shouldDraw(now: .zero))
    }

    @Test(arguments: [(1, 1000), (4, 250), (30, 33), (0, 1000), (1000, 16)])
    func theSlotFollowsTheFps(fps: Int, milliseconds: Int) {
        #expect(FramePacing(fps: fps).intervalMilliseconds == milliseconds)
    }
}
