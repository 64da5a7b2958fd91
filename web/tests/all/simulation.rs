//! The network simulation at test size: 20 nodes, one hub, scoped follows, a node down.
//! The 1000-node run is a benchmark: `cargo bench -p rhizome-web --bench network`.

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_nodes_propagate_and_discover_each_other() {
    let report = common::simulation::run(20, 5, 7).await;
    println!("{report:#?}");
    assert_eq!(
        report.reached, report.expected,
        "every live node of the region got every event"
    );
    assert_eq!(report.duplicates, 0);
    assert!(report.deliveries > 0 && report.signatures >= report.deliveries);
    assert_eq!(
        report.discovered, report.discoverable,
        "a fresh node found every live node from one seed"
    );
}
