import ArgumentParser

/// `sota validate`: check configs and datasets before they cost anything.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check configs and datasets.",
        subcommands: [ValidateConfig.self, ValidateData.self]
    )
}
