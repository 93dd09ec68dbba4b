/// `canary_results_bytes`: what the results store's segments hold, for an alert before the disk fills.
enum StoreMetrics {
    static func prometheusText(bytes: Int) -> String {
        """
        # HELP canary_results_bytes Bytes the results folder holds in run and exchange segments, runs.jsonl and run folders (what --max-bytes bounds).
        # TYPE canary_results_bytes gauge
        canary_results_bytes \(bytes)

        """
    }
}
