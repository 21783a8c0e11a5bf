import SotaPlan

/// The variables experiment trackers read by themselves, set for every child so that the stages of one sota run land
/// together in the team's tracker without a code change. A value already in the environment wins: the user chose it.
///
/// Names as the trackers define them: W&B's `wandb/env.py` (`WANDB_RUN_GROUP`, `WANDB_JOB_TYPE`) and MLflow's
/// `mlflow/environment_variables.py` (`MLFLOW_EXPERIMENT_NAME`).
package enum TrackerEnvironment {
    /// What a child of stage `stage` in run `runID` of `experiment` gets on top of `environment`.
    package static func variables(runID: String, experiment: String, stage: String, environment: [String: String]) -> [EnvironmentVariable] {
        var variables = [EnvironmentVariable("WANDB_RUN_GROUP", runID), EnvironmentVariable("WANDB_JOB_TYPE", stage)]
        // MLflow refuses a name and an id that disagree; an id the user set picks the experiment alone.
        if environment["MLFLOW_EXPERIMENT_ID"] == nil, !experiment.isEmpty {
            variables.append(EnvironmentVariable("MLFLOW_EXPERIMENT_NAME", experiment))
        }
        return variables.filter { environment[$0.name] == nil }
    }
}
