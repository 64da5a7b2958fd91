//! The network simulation at scale: N nodes (default 1000) in one process, each with its
//! own SQLite database and `localhost:PORT` origin; regional hubs, regional follows (a
//! fifth scoped), 2% of nodes down; events published on random nodes. Reports the time
//! until every node that should have each event has it, as a ratio to a floor measured in
//! the same run: the ideal, one signed delivery per (node, event) pair, (node, event) pairs
//! x one signature's time / cores.
//!
//!     cargo bench -p rhizome-web --bench network            # 1000 nodes
//!     SIM_NODES=200 cargo bench -p rhizome-web --bench network

#[path = "../tests/all/common/mod.rs"]
mod common;
#[path = "../../federation/benches/report.rs"]
mod report;

fn main() {
    let nodes: usize = std::env::var("SIM_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let events: usize = std::env::var("SIM_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    // `SIM_LOG=warn` (any filter) shows what the nodes log, to see why a run stalls.
    if let Ok(filter) = std::env::var("SIM_LOG") {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .init();
    }
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let r = runtime.block_on(common::simulation::run(nodes, events, 42));
    let sign = report::one_signature_seconds();
    let floor = r.expected as f64 * sign / cores as f64;
    let spent = r.signatures as f64 * sign / cores as f64;
    let text = format!(
        "## Network simulation: {} nodes\n\n\
         Command: `SIM_NODES={} SIM_EVENTS={} cargo bench -p rhizome-web --bench network` (release build, {cores} cores,\n\
         all nodes in one process, SQLite each). {} regional hubs every node subscribes to, 2 regional territory\n\
         follows per node (one in five scoped to climate events), {} nodes down. {} events published on random\n\
         live nodes; every live node of the publisher's region must get each.\n\n\
         | measure | value |\n| --- | --- |\n\
         | (node, event) pairs reached | {} of {} |\n\
         | propagation (first publish to last arrival) | {:.0} ms |\n\
         | one signature (same run) | {:.3} ms |\n\
         | ideal floor = (node, event) pairs x signature / cores | {:.0} ms |\n\
         | **propagation / ideal floor** (target <= 2) | **{:.2}** |\n\
         | signatures made (deliveries + signed fetches), their time / cores | {}, {:.0} ms |\n\
         | harness: watching for arrivals during propagation | {:.1} ms |\n\
         | deliveries (requests), per node | {}, {:.1} |\n\
         | bytes delivered, per node | {}, {:.0} |\n\
         | duplicate copies stored | {} |\n\
         | peers a fresh node verified from one seed | {} of {} live, in {} rounds of at most 50 checks |\n\
         | discovery (a round per node, hubs until done, then the fresh node) | {:.1} s |\n\
         | set-up (start, wire, accept) | {:.1} s |\n\n\
         Reading: a hub passes each event on whole in one signed Announce per subscriber, with the\n\
         origin's integrity proof (FEP-8b32), which each receiver checks against the author's Ed25519\n\
         key: no GET of the object; the author's actor document is fetched once per receiver, unsigned.\n\
         Direct followers get the Create too, so deliveries exceed (node, event) pairs. Every peer\n\
         connects from 127.0.0.1 here, so the per-address connection cap is lifted for the run.\n",
        r.nodes,
        r.nodes,
        r.events,
        r.hubs,
        r.down,
        r.events,
        r.reached,
        r.expected,
        r.propagation.as_secs_f64() * 1e3,
        sign * 1e3,
        floor * 1e3,
        r.propagation.as_secs_f64() / floor,
        r.signatures,
        spent * 1e3,
        r.harness.as_secs_f64() * 1e3,
        r.deliveries,
        r.deliveries as f64 / r.nodes as f64,
        r.bytes,
        r.bytes as f64 / r.nodes as f64,
        r.duplicates,
        r.discovered,
        r.discoverable,
        r.discovery_rounds,
        r.discovery.as_secs_f64(),
        r.setup.as_secs_f64(),
    );
    println!("{text}");
    report::write_section("network", &text);
}
