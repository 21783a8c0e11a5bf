import SotaLeaderboardQuery

/// One ranked run in a leaderboard listing; defined beside the top-N query so the fast path shares it.
public typealias LeaderboardRow = SotaLeaderboardQuery.LeaderboardRow
