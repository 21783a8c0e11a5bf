import SotaSupport

/// What `PUT /api/v0/asks/{offer}/` rents: image, disk, environment and onstart script.
package struct VastInstanceRequest: Sendable {
    /// The Docker image.
    package var image: String
    /// Disk in GB.
    package var diskGB: Double
    /// Environment variables of the instance (where secrets travel; never logged by sota).
    package var environment: [(String, String)]
    /// The onstart script (at most ``OnstartScript/vastLimit`` characters).
    package var onstart: String
    /// The instance's label in the Vast console.
    package var label: String

    /// Creates a request.
    package init(image: String, diskGB: Double, environment: [(String, String)], onstart: String, label: String) {
        self.image = image
        self.diskGB = diskGB
        self.environment = environment
        self.onstart = onstart
        self.label = label
    }

    /// The body as the vastai CLI builds it for `create instance --ssh --direct --onstart-cmd`: onstart scripts
    /// run in the ssh launch mode.
    package var body: JSONValue {
        .object([
            ("client_id", .string("me")),
            ("image", .string(image)),
            ("env", .object(environment.map { ($0.0, .string($0.1)) })),
            ("price", .null),
            ("disk", .double(diskGB)),
            ("label", .string(label)),
            ("onstart", .string(onstart)),
            ("runtype", .string("ssh_direc ssh_proxy")),
            ("cancel_unavail", .bool(true)),
        ])
    }
}
