/// The shapes of the `tcp`, `tls` and `dns` step kinds, and of the checks and captures each takes.
extension Shapes {
    /// The keys that say what a step does: exactly one per step.
    static let stepKinds = ["request", "tcp", "tls", "dns", "browser"]

    static let tcp = Shape(name: "tcp", doc: "A TCP connection: connect, optionally send, optionally read a banner.", fields: [
        Field("host", .template, required: true, "The host name or IP address to connect to.", example: #""mail.example.com""#),
        Field("port", .anyOf([.integer(1...65535), .template]), required: true, "The port: a number, or a placeholder that gives one.",
              example: "25"),
        Field("send", .template, "Bytes sent once connected (escapes such as \\r\\n included).", example: #""QUIT\r\n""#),
        Field("readBytes", .integer(1...CanaryFileDecoder.maximumReadBytes),
              "Read this many bytes (or until the server closes); default: the first line.", example: "512"),
        Field("timeout", .duration, "Limit for the whole step (default: defaults.timeout, else 10s).", example: #""5s""#),
    ])

    static let tls = Shape(name: "tls", doc: "A TLS handshake: connect, verify, read the certificate.", fields: [
        Field("host", .template, required: true, "The host name or IP address to connect to.", example: #""api.example.com""#),
        Field("port", .anyOf([.integer(1...65535), .template]), required: true, "The port: a number, or a placeholder that gives one.",
              example: "443"),
        Field("serverName", .template, "The name sent as SNI and verified against the certificate (default: host).",
              example: #""api.example.com""#),
        Field("timeout", .duration, "Limit for the handshake (default: defaults.timeout, else 10s).", example: #""5s""#),
        Field("insecure", .boolean, "Skip verification, to read a certificate that would not verify.", example: "true"),
    ])

    static let dns = Shape(name: "dns", doc: "One DNS query to a name server.", fields: [
        Field("name", .template, required: true, "The name to look up.", example: #""example.com""#),
        Field("type", .choice(DNSRecordType.allCases.map(\.rawValue)), required: true, "The record type asked for.", example: #""A""#),
        Field("server", .template, "host:port of the name server (default: the first nameserver of /etc/resolv.conf).",
              example: #""127.0.0.1:53""#),
        Field("timeout", .duration, "Limit for the query, a TCP retry included (default: defaults.timeout, else 10s).", example: #""2s""#),
    ])

    private static func expectField(_ key: String) -> Field {
        expect.fields.first { $0.key == key } ?? Field(key, .any, "", example: "0")
    }

    static let tcpExpect = Shape(name: "tcpExpect", doc: "Checks on what a tcp step read.", fields: [
        Field("banner", .predicate(.text), "The bytes read, as text.", example: #"{matches: "^220 "}"#),
        expectField("duration"), expectField("timings"),
    ])

    static let tlsExpect = Shape(name: "tlsExpect", doc: "Checks on a tls step's handshake.", fields: [
        expectField("certificate"), expectField("duration"), expectField("timings"),
    ])

    static let dnsExpect = Shape(name: "dnsExpect", doc: "Checks on a dns step's reply.", fields: [
        Field("answers", .predicate(.any), "The data of each answer of the asked type, as a list of strings.",
              example: #"{contains: "192.0.2.10"}"#),
        Field("rcode", .predicate(.text), "The reply's RCODE by name: NOERROR, NXDOMAIN, SERVFAIL...", example: #""NOERROR""#),
        expectField("duration"), expectField("timings"),
    ])

    /// The keys of a tcp step's capture that say where its value comes from.
    static let tcpCaptureSources = ["banner"]

    static let tcpCapture = Shape(name: "tcpCapture", doc: "A value captured from a tcp step's banner.", fields: [
        Field("banner", .constant(true), required: true, "The bytes read, as text.", example: "true"),
    ] + capture.fields.filter { $0.key == "regex" || $0.key == "secret" })

    /// The expect (and warn) shape of each step kind, by its key.
    static func expect(of kind: String) -> Shape {
        switch kind {
        case "tcp": tcpExpect
        case "tls": tlsExpect
        case "dns": dnsExpect
        case "browser": browserExpect
        default: expect
        }
    }
}
