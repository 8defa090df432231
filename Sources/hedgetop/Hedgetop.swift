import ArgumentParser

/// `hedgetop`: watch and steer futures spread strategies from a terminal.
@main
struct Hedgetop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hedgetop",
        abstract: "Watch and steer futures spread strategies from a terminal.",
        discussion: "With no subcommand, `hedgetop` means `hedgetop run`: the live screen on the embedded simulated market.",
        version: "0.1.0",
        subcommands: [Run.self, Replay.self, Sweep.self, Record.self, History.self, Serve.self, Attach.self, Status.self, List.self],
        defaultSubcommand: Run.self
    )
}
