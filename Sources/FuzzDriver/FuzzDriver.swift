import Foundation

/// The entry point shared by the libFuzzer targets (LoaderFuzz, JSONPathFuzz). Built with
/// -sanitize=fuzzer -DFUZZING it hands over to libFuzzer's driver; built normally it replays
/// the files named on the command line (e.g. a crash input libFuzzer saved) through the checks.
public enum FuzzDriver {
    public typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

    public static func main(fuzzing callback: Callback, replaying check: ([UInt8]) -> Void) -> Never {
        #if FUZZING
        // SwiftPM makes an executable's entry point `<Target>_main`, so libFuzzer's own `main`
        // is not used: this hands over to its driver instead.
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, callback))
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("cannot read \(path)")
                exit(2)
            }
            check([UInt8](data))
            print("\(path): ok")
        }
        exit(0)
        #endif
    }
}

#if FUZZING
/// libFuzzer's driver (from -sanitize=fuzzer's runtime).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: FuzzDriver.Callback
) -> Int32
#endif
