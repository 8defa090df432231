import HedgeCore
import HedgeVenues
import Testing
@testable import HedgeLive

/// The live venue's books: what the trader posts becomes the engine's order updates, each fill
/// once per trade id, positions moving with the fills, and the books surviving a restart.
@Suite struct LiveVenueTests {
    let spec = ContractCatalog.builtIn.specs[InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")]!
    let t0 = Timestamp(milliseconds: 1_764_676_800_000)

    func venue() -> (LiveVenue, LiveVenueMailbox) {
        let mailbox = LiveVenueMailbox()
        return (LiveVenue(name: "binance-usdm", contracts: [spec], mailbox: mailbox), mailbox)
    }

    func order(_ id: OrderID, _ side: Side = .buy, _ quantity: FixedDecimal = "0.010") -> OrderRequest {
        OrderRequest(id: id, leg: .a, instrument: spec.id, side: side, quantity: quantity, purpose: .open)
    }

    func execution(_ trade: String, _ quantity: FixedDecimal, at price: FixedDecimal = "60000") -> LiveExecution {
        LiveExecution(tradeID: trade, quantity: quantity, price: price, fee: "0.24", isMaker: false, time: t0)
    }

    @Test func anOrderIsSentOnAndAnsweredLaterNotInReceive() async {
        var (venue, mailbox) = venue()
        var reports: [VenueReport] = []
        let answer = venue.receive(order("x-1"), at: t0, reports: &reports)
        #expect(answer.updates.isEmpty && answer.delivery == .later && reports.isEmpty)
        // Only once the venue state holds it does it go.
        venue.booksSaved()
        var requests = mailbox.requests.makeAsyncIterator()
        #expect(await requests.next() == .place(order("x-1"), decidedAt: t0))
        #expect(venue.orderStatus("x-1")?.finished == false)
        #expect(venue.collectReports(at: t0).isEmpty)
    }

    @Test func aFillReportedTwiceIsAppliedOnce() {
        var (venue, mailbox) = venue()
        var reports: [VenueReport] = []
        _ = venue.receive(order("x-1"), at: t0, reports: &reports)
        mailbox.post(.accepted("x-1"))
        mailbox.post(.fill("x-1", execution("101", "0.004")))
        mailbox.post(.fill("x-1", execution("101", "0.004")))
        mailbox.post(.fill("x-1", execution("102", "0.006", at: "60001")))
        mailbox.post(.fill("x-1", execution("102", "0.006", at: "60001")))
        let updates = venue.collectReports(at: t0).map { report -> OrderUpdate? in
            if case .order(let update, .normal) = report { return update }
            return nil
        }
        #expect(updates.count == 3)
        #expect(updates.first == .accepted("x-1"))
        guard case .filled(let first, let left)?? = updates.dropFirst().first, case .filled(let second, let none)?? = updates.last else {
            Issue.record("\(updates)")
            return
        }
        #expect(first.quantity == "0.004" && left == "0.006" && first.tradeID == 101 && first.fee == "0.24")
        #expect(second.quantity == "0.006" && none.isZero && second.price == "60001")
        #expect(venue.positions[spec.id]?.quantity == "0.010")
        #expect(venue.orderStatus("x-1")?.finished == true)
        // Reported again after it finished: still once.
        mailbox.post(.fill("x-1", execution("102", "0.006", at: "60001")))
        #expect(venue.collectReports(at: t0).isEmpty)
        #expect(venue.positions[spec.id]?.quantity == "0.010")
    }

    @Test func aFillBeforeItsAcceptanceIsPrecededByIt() {
        var (venue, mailbox) = venue()
        var reports: [VenueReport] = []
        _ = venue.receive(order("x-1", .sell), at: t0, reports: &reports)
        mailbox.post(.fill("x-1", execution("5", "0.010")))
        mailbox.post(.accepted("x-1"))
        let updates = venue.collectReports(at: t0)
        #expect(updates.count == 2)
        #expect(updates.first == .order(.accepted("x-1"), delivery: .normal))
        #expect(venue.positions[spec.id]?.quantity == "-0.010")
    }

    @Test func anOrderEndedAfterAPartialFillIsCancelledWithWhatFilled() {
        var (venue, mailbox) = venue()
        var reports: [VenueReport] = []
        _ = venue.receive(order("x-1"), at: t0, reports: &reports)
        mailbox.post(.accepted("x-1"))
        mailbox.post(.fill("x-1", execution("7", "0.003")))
        mailbox.post(.ended("x-1", reason: "cancelled at the venue"))
        let last = venue.collectReports(at: t0).last
        #expect(last == .order(.cancelled("x-1", filled: "0.003", reason: "cancelled at the venue"), delivery: .normal))
        #expect(venue.orderStatus("x-1")?.finished == true)
    }

    @Test func aRejectionEndsTheOrderAndAnswersForUnknownOrdersAreIgnored() {
        var (venue, mailbox) = venue()
        var reports: [VenueReport] = []
        _ = venue.receive(order("x-1"), at: t0, reports: &reports)
        mailbox.post(.rejected("x-1", reason: "Margin is insufficient. (-2019)"))
        mailbox.post(.fill("x-9", execution("1", "1")))
        mailbox.post(.fill("x-1", execution("2", "0.010")))
        #expect(venue.collectReports(at: t0) == [.order(.rejected("x-1", reason: "Margin is insufficient. (-2019)"), delivery: .normal)])
        #expect(venue.positions[spec.id]?.isFlat == true)
    }

    @Test func cancelsGoOutOnlyForWorkingOrders() async {
        var (venue, mailbox) = venue()
        var reports: [VenueReport] = []
        _ = venue.receive(order("x-1"), at: t0, reports: &reports)
        #expect(venue.cancel("x-1", at: t0).isEmpty)
        #expect(venue.cancel("x-404", at: t0).isEmpty)
        venue.booksSaved()
        mailbox.close()
        var sent: [LiveVenueRequest] = []
        for await request in mailbox.requests { sent.append(request) }
        #expect(sent == [.place(order("x-1"), decidedAt: t0), .cancel("x-1", spec.id)])
    }

    @Test func theBooksSurviveARestartAndAFillSeenBeforeIsNotAppliedAgain() throws {
        var (venue, mailbox) = venue()
        var reports: [VenueReport] = []
        _ = venue.receive(order("x-1"), at: t0, reports: &reports)
        mailbox.post(.fill("x-1", execution("11", "0.004")))
        mailbox.post(.balances(["USDT": VenueBalance(asset: "USDT", wallet: "1000", available: "900")]))
        _ = venue.collectReports(at: t0)
        let ledger = venue.ledger

        var (restarted, inbox) = self.venue()
        try restarted.restore(ledger)
        #expect(restarted.positions[spec.id]?.quantity == "0.004")
        #expect(restarted.orderStatus("x-1")?.filled == "0.004")
        inbox.post(.fill("x-1", execution("11", "0.004")))
        inbox.post(.fill("x-1", execution("12", "0.006")))
        let updates = restarted.collectReports(at: t0)
        #expect(updates.count == 1)
        #expect(restarted.positions[spec.id]?.quantity == "0.010")
        #expect(ledger.balances == ["USDT": "1000"])
    }

    @Test func theVenueIsConnectingUntilTheTraderSaysItIsLiveAndMarginIsTheVenues() {
        var (venue, mailbox) = venue()
        #expect(venue.health(at: t0).state == .connecting)
        mailbox.post(.health(.live, detail: nil))
        mailbox.post(.balances(["USDT": VenueBalance(asset: "USDT", wallet: "1000", available: "750")]))
        _ = venue.collectReports(at: t0)
        #expect(venue.health(at: t0).state == .live)
        let margin = venue.marginStatus(asset: "USDT")
        #expect(margin.available == "750" && margin.utilisation == 0.25 && margin.marginRatio == 0)
        #expect(venue.marginStatus(asset: "BTC").available.isZero)
    }
}
