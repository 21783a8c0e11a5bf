import SotaCommands
import Glibc

// The executable only hands the process to the command layer and exits with its status.
let context = CommandContext.live()
exit(Sota.main(arguments: Array(CommandLine.arguments.dropFirst()), context: context))
