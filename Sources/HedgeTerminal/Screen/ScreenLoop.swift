import HedgeEngine

/// The screen thread's loop: read keys, take snapshots, draw when something changed, at most
/// `fps` frames a second. Everything that touches ncurses happens inside `run()`.
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
        let frameMilliseconds = 1000 / max(1, min(options.fps, 60))
        let frameInterval = Duration.milliseconds(frameMilliseconds)
        // Short waits for keys keep Esc, q and Ctrl-C quick without spinning.
        terminal.setKeyTimeout(milliseconds: min(50, frameMilliseconds))
        let dashboard = Dashboard(glyphs: terminal.glyphs)
        var input = ScreenInput(context: options.context)
        var ageShown: Int64?
        if let notice = terminal.notice { input.show(StatusMessage(text: notice, role: .warning, expires: .seconds(10)), log: .warning) }
        if let warning = options.themeWarning { input.themeChanged(to: "default", problem: warning, now: .zero) }
        var themeName = options.themeName
        var snapshot: EngineSnapshot?
        var needsDraw = true
        var lastFrame: ContinuousClock.Instant?
        var streamEndShown = false

        func draw() {
            let size = terminal.size
            terminal.present(dashboard.render(snapshot, input: input, width: size.width, height: size.height))
            lastFrame = clock.now
            needsDraw = false
        }

        while true {
            let mail = mailbox.take()
            if mail.interrupted { return .interrupted }
            if mail.cancelled { return .cancelled }
            let now = clock.now - start
            if let fresh = mail.snapshot {
                snapshot = fresh
                input.snapshotArrived(fresh, now: now)
                needsDraw = true
            }
            if mail.streamEnded && !streamEndShown {
                if options.exitWhenEngineStops { return .engineStopped }
                streamEndShown = true
                let leave = options.context.isAttached ? "q detaches" : "q quits"
                input.show(StatusMessage(text: "engine stopped: showing its last snapshot; " + leave, role: .warning, expires: nil))
                needsDraw = true
            }
            if let connection = options.connection?(), input.connectionChanged(to: connection, now: now) { needsDraw = true }
            if input.tick(now: now) { needsDraw = true }
            // Cut off, the "N s ago" in the header counts up: draw once a second.
            let age = input.staleFor?.components.seconds
            if age != ageShown {
                ageShown = age
                needsDraw = true
            }
            if needsDraw, lastFrame.map({ clock.now - $0 >= frameInterval }) ?? true { draw() }
            guard let key = terminal.readKey() else { continue }
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
                    needsDraw = true
                case .redraw:
                    needsDraw = true
                case .relayout:
                    // A resize is drawn at once, whatever the frame budget says.
                    terminal.resized()
                    draw()
                }
            }
        }
    }
}
