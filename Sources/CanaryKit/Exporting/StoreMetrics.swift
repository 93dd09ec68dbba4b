/// `canary_results_bytes`: what the results store's segments hold, for an alert before the disk fills.
enum StoreMetrics {
    static func prometheusText(bytes: Int) -> String {
        """
        # HELP canary_results_bytes Bytes the results folder's run and exchange segments hold (what --max-bytes bounds).
        # TYPE canary_results_bytes gauge
        canary_results_bytes \(bytes)

        """
    }
}
