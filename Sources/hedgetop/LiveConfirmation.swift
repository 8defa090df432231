import Foundation

/// The question before LIVE starts: asked on the terminal, answered by typing LIVE. With no
/// terminal to ask on (a script, a pipe), the answer is no: scripts pass --yes.
enum LiveConfirmation {
    static func ask() -> Bool {
        guard isatty(STDIN_FILENO) == 1 else {
            printError("hedgetop: no terminal to confirm on: pass --yes to start LIVE from a script")
            return false
        }
        FileHandle.standardError.write(Data("hedgetop: type LIVE to start trading: ".utf8))
        return readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) == "LIVE"
    }
}
