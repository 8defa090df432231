import HedgeEngine

/// The screen thread's loop: read keys, take snapshots, draw when something changed. Snapshots
/// are drawn at most `fps` frames a second; a key is answered on the screen at once
/// (`FramePacing`). Everything that touches ncurses happens inside `run()`.
struct ScreenLoop: Sendable {
    let mailbox: SnapshotMailbox
    let commands: CommandSender
    let options: ScreenOptions

    func run() throws(ScreenError) -> ScreenExitReason {
        let terminal = try CursesTerminal(theme: options.theme, colour: options.colour, forceASCII: options.forceASCII)
        // endwin on every path out, errors included, so the shell is never left in raw mode.
        defer { terminal.close() }
        let clock = ContinuousClock()
        let start = clock.now
        var pacing = FramePacing(fps: options.fps)
        // Short waits for keys keep Esc, q and Ctrl-C quick without spinning; a key that comes
        // wakes the wait at once.
        terminal.setKeyTimeout(milliseconds: min(50, pacing.intervalMilliseconds))
        let dashboard = Dashboard(glyphs: terminal.glyphs)
        var input = ScreenInput(context: options.context)
        var ageShown: Int64?
        if let notice = terminal.notice { input.show(StatusMessage(text: notice, role: .warning, expires: .seconds(10)), log: .warning) }
        if let warning = options.themeWarning { input.themeChanged(to: "default", problem: warning, now: .zero) }
        var themeName = options.themeName
        var snapshot: EngineSnapshot?
        pacing.request(.input)
        var streamEndShown = false
        var bell = TerminalBell()

        func draw() {
            let size = terminal.size
            terminal.present(dashboard.render(snapshot, input: input, width: size.width, height: size.height))
            pacing.drawn(at: clock.now - start)
        }

        while true {
            let mail = mailbox.take()
            if mail.cancelled { return .cancelled }
            let now = clock.now - start
            if let fresh = mail.snapshot {
                snapshot = fresh
                input.snapshotArrived(fresh, now: now)
                // Decided for every snapshot, so turning it on later cannot ring for old news.
                if bell.rings(for: fresh), options.bell { terminal.beep() }
                pacing.request(.data)
            }
            if mail.interrupted {
                // Ctrl-C asks like q while a spread is open; a second one quits anyway.
                if input.interrupted(snapshot: snapshot, now: now).contains(.quit) { return .interrupted }
                pacing.request(.input)
            }
            if mail.streamEnded && !streamEndShown {
                if options.exitWhenEngineStops { return .engineStopped }
                streamEndShown = true
                let leave = options.context.isAttached ? "q detaches" : "q quits"
                input.show(StatusMessage(text: "engine stopped: showing its last snapshot; " + leave, role: .warning, expires: nil))
                pacing.request(.data)
            }
            if let connection = options.connection?(), input.connectionChanged(to: connection, now: now) { pacing.request(.data) }
            if input.tick(now: now) { pacing.request(.data) }
            // Cut off, the "N s ago" in the header counts up: draw once a second.
            let age = input.staleFor?.components.seconds
            if age != ageShown {
                ageShown = age
                pacing.request(.data)
            }
            if pacing.shouldDraw(now: clock.now - start) { draw() }
            guard let key = terminal.readKey() else { continue }
            let size = terminal.size
            input.logPage = Dashboard.logPage(width: size.width, height: size.height)
            for action in input.handle(key, snapshot: snapshot, now: clock.now - start) {
                switch action {
                case .quit:
                    return .quit
                case .send(let command, let strategy):
                    let id = commands.send(command, to: strategy)
                    input.commandSent(id: id, action: command, strategy: strategy, now: clock.now - start)
                case .nextTheme:
                    themeName = options.themeCatalog.name(after: themeName)
                    switch options.themeCatalog.load(themeName) {
                    case .success(let theme):
                        terminal.apply(theme: theme)
                        input.themeChanged(to: themeName, problem: nil, now: clock.now - start)
                    case .failure(let error):
                        terminal.apply(theme: .defaultDark)
                        input.themeChanged(to: themeName, problem: error.description + "; using the default theme", now: clock.now - start)
                    }
                case .redraw:
                    break
                case .relayout:
                    terminal.resized()
                }
            }
            // Whatever the key did is on the screen before the next key is read.
            pacing.request(.input)
        }
    }
}
