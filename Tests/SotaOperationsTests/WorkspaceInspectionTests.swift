import Foundation
import SotaSupport
import SotaConfig
import SotaOperations
import SotaTestSupport
import SotaWorkspace
import Testing
