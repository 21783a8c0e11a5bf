import SotaLaunch
import Testing

/// Time limits from `--time` and `launch.slurm.time`: every spelling is either a number of seconds or a reason,
/// never an overflow.
@Suite struct SlurmTimeLimitTests {
    @Test func hugeLimitsAreRefusedWithAReasonInsteadOfOverflowing() {
        // The reproducer: 99999999999999999 hours overflowed `numbers[0] * 3600`.
        for text in ["99999999999999999:00:00", "9223372036854775807", "9223372036854775807:00", "1-9223372036854775807:00:00",
                     "99999999999999999999999:00:00", "366-00:00:00", "525601"] {
            #expect(SlurmResources.parseTime(text) == nil, "\(text)")
            #expect(SlurmResources.timeProblem(text)?.hasPrefix("is longer than 365 days") == true, "\(text)")
        }
        #expect(SlurmResources.parseTime("365-00:00:00") == 365 * 86_400)
        #expect(SlurmResources.parseTime("525600") == 365 * 86_400)
    }

    @Test func malformedAndZeroLimitsSayWhich() {
        for text in ["", ",", "ab", "1:2:3:4", "-5", "1:-2", "1-", "-1-00:00:00", "+5", "1.5", " 5", "٣", "1-2:3:4:5", "::", "5:"] {
            #expect(SlurmResources.parseTime(text) == nil, "\(text)")
            #expect(SlurmResources.timeProblem(text)?.hasPrefix("takes HH:MM:SS") == true, "\(text)")
        }
        #expect(SlurmResources.timeProblem("00:00:00") == "must be longer than zero, found `00:00:00`")
        #expect(SlurmResources.timeProblem("0") != nil)
    }

    @Test func dayFormsFollowSbatch() {
        // sbatch reads `D-HH`, `D-HH:MM` and `D-HH:MM:SS`: the field after the day is hours.
        #expect(SlurmResources.parseTime("1-2") == 86_400 + 7_200)
        #expect(SlurmResources.parseTime("1-2:30") == 86_400 + 9_000)
        #expect(SlurmResources.parseTime("2-00:00:30") == 172_830)
        #expect(SlurmResources.timeProblem("02:00:00") == nil)
    }

    @Test func wholeMinutesNeverOverflowWhateverIsStored() {
        // launch.json is read back from disk, so the stored seconds can be anything.
        #expect(SlurmResources(timeSeconds: .max).timeMinutes == Int.max / 60 + 1)
        #expect(SlurmResources(timeSeconds: .min).timeMinutes == 1)
        #expect(SlurmResources(timeSeconds: 0).timeMinutes == 1)
        #expect(SlurmResources(timeSeconds: 119).timeMinutes == 2)
    }
}
