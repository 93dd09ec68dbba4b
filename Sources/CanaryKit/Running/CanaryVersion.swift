/// The version canary reports: `canary --version`, and the default `User-Agent` it sends (as
/// curl, Hurl and k6 do: some firewalls refuse requests without one).
public enum CanaryVersion {
    public static let number = "0.1.0"
    public static var userAgent: String { "canary/\(number)" }
}
