import SotaCommands
import Glibc

// The executable only hands the process to the command layer and exits with its status. Everything the command
// wrote is flushed, then the process ends without running exit handlers: the command has closed its files and
// its database, and the C++ and Swift runtime destructors have nothing to save, only time to spend.
let context = CommandContext.live()
let status = Sota.main(arguments: Array(CommandLine.arguments.dropFirst()), context: context)
fflush(nil)
_exit(status)
