import SotaLeaderboardQuery

/// Which way a metric improves; defined beside the top-N query, which it orders.
public typealias MetricDirection = SotaLeaderboardQuery.MetricDirection
