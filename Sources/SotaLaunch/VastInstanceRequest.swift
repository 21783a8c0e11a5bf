import SotaSupport

/// What `PUT /api/v0/asks/{offer}/` rents: image, disk, environment and onstart script.
public struct VastInstanceRequest: Sendable {
    /// The Docker image.
    public var image: String
    /// Disk in GB.
    public var diskGB: Double
    /// Environment variables of the instance (where secrets travel; never logged by sota).
    public var environment: [(String, String)]
    /// The onstart script (at most ``OnstartScript/vastLimit`` characters).
    public var onstart: String
    /// The instance's label in the Vast console.
    public var label: String

    /// Creates a request.
    public init(image: String, diskGB: Double, environment: [(String, String)], onstart: String, label: String) {
        self.image = image
        self.diskGB = diskGB
        self.environment = environment
        self.onstart = onstart
        self.label = label
    }

    /// The body as the vastai CLI builds it for `create instance --ssh --direct --onstart-cmd`: onstart scripts
    /// run in the ssh launch mode.
    public var body: JSONValue {
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
