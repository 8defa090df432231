import ArgumentParser
import HedgeCore
import HedgeEngine
import HedgeTerminal
import Logging

extension HalfOpenPolicy: ExpressibleByArgument {}

extension StopPolicy: ExpressibleByArgument {}

/// `--scenario calendar|cross|basis`: an unknown name is refused with the list; `--help` lists
/// each with a line on what it trades.
extension PaperScenario.Name: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0.summary) })
    }
}

/// The paper desk's options, shared by `run` and `serve`: its market, its files, its pace.
struct PaperOptions: ParsableArguments {
    @Option(help: "The simulated market and strategy to run (default: calendar).")
    var scenario: PaperScenario.Name?

    @Option(help: "Seed of the simulated market: the same seed gives the same market (default: 42).")
    var seed: UInt64?

    @Option(help: "The journal (SQLite) every order, fill and result is written to, and recovered from on start (default: $XDG_STATE_HOME/hedgetop/journal.sqlite, the desk of `run` and `serve --name main`; journal-NAME.sqlite beside it for `serve --name NAME`).")
    var journal: String?

    @Option(help: "Where the simulated venues keep their positions, balances and orders between runs (default: JOURNAL.venues-SCENARIO.json beside the journal, JOURNAL being its name without .sqlite); it belongs to that journal.")
    var venueState: String?

    @Option(help: "On start, a half-open spread found by recovery is resolved by: hedge (complete the missing leg) or flatten (close what is open).")
    var halfOpen: HalfOpenPolicy = .flatten

    @Option(parsing: .unconditional, help: "Data time runs this many times as fast as the clock (demos and tests).")
    var speed: Double = 1

    /// Called by each command's `validate()`, in the order its messages always came.
    func check() throws {
        guard speed > 0 && speed <= 1000 else { throw ValidationError("--speed must be in (0, 1000], got \(speed)") }
    }

    /// Loads `--config` and checks it against the market it builds: a bad file prints every
    /// error and exits non-zero, so nothing starts.
    func checkedConfig(_ path: String?) throws -> HedgetopConfig? {
        guard let path else { return nil }
        let loaded = HedgetopConfig.load(path: path)
        // A live file is checked against the venues' specs once they are fetched.
        if loaded.isLive { return loaded }
        do {
            _ = try loaded.paperScenario(start: .wallClockNow(), scenario: scenario, seed: seed)
        } catch {
            printConfigErrors(error)
            throw ExitCode.failure
        }
        return loaded
    }

    /// Opens the desk these options describe and prints what opening found; a desk that cannot
    /// open prints why and exits 1, having traded nothing.
    func openDesk(file: HedgetopConfig?, defaultJournal: String, logger: Logger) throws -> PaperDesk {
        let options = PaperDesk.Options(file: file, scenario: scenario, seed: seed, journal: journal, defaultJournal: defaultJournal,
                                        venueState: venueState, halfOpen: halfOpen)
        do {
            let desk = try PaperDesk.open(options, logger: logger)
            for notice in desk.notices { printError("hedgetop: \(notice)") }
            return desk
        } catch let error as DeskError {
            printError("hedgetop: \(error.message)")
            throw ExitCode.failure
        }
    }
}

/// The screen's options, shared by `run`, `replay --watch` and `attach`.
struct ScreenFlags: ParsableArguments {
    @Option(parsing: .unconditional, help: "Screen frames per second (1-30, default: 4).")
    var fps: Int?

    @Option(help: "Colour theme: a name from themes/ (default, light, high-contrast, monochrome, nord, gruvbox) or a path to a .toml file. A broken theme falls back to the default and says why on screen.")
    var theme: String?

    @Flag(help: "Never ring the terminal bell (it rings when a strategy's legs stay unhedged or it falls into ERROR; [screen] bell = false in a config does the same).")
    var noBell = false

    /// Called by each command's `validate()`, in the order its messages always came.
    func check() throws {
        if let fps, !(1...30).contains(fps) { throw ValidationError("--fps must be between 1 and 30, got \(fps)") }
    }

    /// The screen's options: these flags over the configuration file's.
    func options(file: HedgetopConfig? = nil) -> ScreenOptions {
        var options = ScreenOptions.withTheme(theme ?? file?.theme, fps: fps ?? file?.fps ?? 4)
        options.bell = !noBell && (file?.bell ?? true)
        return options
    }
}
