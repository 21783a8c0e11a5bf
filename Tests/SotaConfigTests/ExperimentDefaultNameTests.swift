import SotaConfig
import Testing

/// A config that does not name its experiment belongs to its experiment folder's experiment, else to its file name.
@Suite struct ExperimentDefaultNameTests {
    @Test func anExperimentFoldersConfigBelongsToItsExperiment() {
        #expect(ExperimentNameRule.defaultName(forConfig: "experiments/2026-11-20-lr-probe/config.yaml") == "lr-probe")
        #expect(ExperimentNameRule.defaultName(forConfig: "/abs/experiments-archive/2025-01-02-a.b_c/config.yml") == "a.b_c")
    }

    @Test func otherwiseTheFileNameWithoutItsExtension() {
        #expect(ExperimentNameRule.defaultName(forConfig: "configs/base.yaml") == "base")
        #expect(ExperimentNameRule.defaultName(forConfig: "experiments/scratch/config.yaml") == "config")
        #expect(ExperimentNameRule.defaultName(forConfig: "experiments/2026-13-01-bad-month/config.yaml") == "config")
        #expect(ExperimentNameRule.defaultName(forConfig: "experiments/2026-11-20-$(rm)/config.yaml") == "config")
        #expect(ExperimentNameRule.defaultName(forConfig: "experiments/2026-11-20-x/other.yaml") == "other")
        #expect(ExperimentNameRule.defaultName(forConfig: "config.yaml") == "config")
    }
}
