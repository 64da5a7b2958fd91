//! `/metrics` after real traffic, parsed with a Prometheus text-format parser: a delivery
//! made to a Mastodon-shaped follower, one failing to a server that is down, an inbox
//! refusal, request latencies by route, the pool and the mail queue.

use reqwest::Method;
use serde_json::json;

use crate::common::mastodon::FakeMastodon;
use crate::common::{Backend, Node, eventually, on_both_backends};

/// The scrape, parsed.
async fn scrape(node: &Node) -> prometheus_parse::Scrape {
    let response = node.http.get(node.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
    );
    let text = response.text().await.unwrap();
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    prometheus_parse::Scrape::parse(lines).unwrap()
}

/// The value of the sample `name` whose labels include `labels`, if there is one.
fn value(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => *v,
            prometheus_parse::Value::Histogram(buckets) => {
                buckets.iter().map(|b| b.count).fold(0.0, f64::max)
            }
            other => panic!("{name}: unexpected {other:?}"),
        })
}

async fn metrics_after_real_traffic(backend: Backend) {
    let Some((node, _admin)) = Node::with_territory(
        backend,
        json!({"slug": "fablab", "name": "Fablab", "kind": "fablab"}),
    )
    .await
    else {
        return;
    };
    let masto = FakeMastodon::start().await;
    let inbox = node.url("/t/fablab/inbox");

    // Alice follows: accepted, and the Accept is delivered to her server.
    let follow = masto.fixture("follow.json", &node.base, "");
    let (status, body) = masto.post("alice", &inbox, &follow).await;
    assert_eq!(status, 202, "{body}");
    masto.wait_for("Accept", |a| a["type"] == "Accept").await;
    // A forged activity: refused for its signature.
    let mut forged = follow.clone();
    forged["id"] = format!("{}/follows/forged", masto.base()).into();
    let body = serde_json::to_vec(&forged).unwrap();
    let mut headers = masto.sign("alice", &inbox, &body);
    for (k, v) in headers.iter_mut() {
        if k == "Signature" {
            *v = v.replace("signature=\"", "signature=\"AAAA");
        }
    }
    let (status, _) = masto.send(&inbox, headers, body).await;
    assert_eq!(status, 401);

    // An activity for a server that is down: it fails and waits for another try.
    let territory = node.stored_territory("fablab").await;
    let id = uuid::Uuid::now_v7();
    node.store
        .enqueue(&rhizome_node::outbox::Outgoing {
            id,
            activity_id: node.url(&format!("/activities/{id}")),
            sender: territory.id,
            body: json!({"id": node.url(&format!("/activities/{id}")), "type": "Update",
                         "actor": node.url("/t/fablab")}),
            recipients: rhizome_node::outbox::Recipients::Inboxes(vec![
                "http://localhost:1/inbox".into(),
            ]),
            public: false,
        })
        .await
        .unwrap();
    node.federation().wake_delivery();
    eventually(
        "the delivery to the server that is down failed",
        async || {
            node.store
                .servers()
                .await
                .unwrap()
                .iter()
                .any(|s| s.host == "localhost:1" && s.consecutive_failures >= 1)
        },
    )
    .await;
    let (status, _) = node
        .send(Method::GET, "/api/v1/territories/fablab", None, None)
        .await;
    assert_eq!(status, 200);

    // Every delivery Alice's server received is counted (once its answer came back).
    let delivered = masto.received_count(|_| true) as f64;
    assert!(delivered >= 1.0);
    eventually("the deliveries counted", async || {
        value(
            &scrape(&node).await,
            "rhizome_deliveries_delivered_total",
            &[],
        ) == Some(delivered)
    })
    .await;
    let scrape = scrape(&node).await;
    assert_eq!(
        value(&scrape, "rhizome_inbox_accepted_total", &[]),
        Some(1.0)
    );
    assert_eq!(
        value(
            &scrape,
            "rhizome_inbox_refused_total",
            &[("reason", "signature")]
        ),
        Some(1.0),
        "{:?}",
        scrape.samples
    );
    let down = [("server", "localhost:1")];
    assert_eq!(
        value(&scrape, "rhizome_deliveries_queued", &down),
        Some(1.0)
    );
    assert_eq!(
        value(&scrape, "rhizome_deliveries_failed", &down),
        Some(1.0)
    );
    assert_eq!(
        value(&scrape, "rhizome_deliveries_in_flight", &down),
        Some(0.0)
    );
    assert_eq!(
        value(&scrape, "rhizome_server_consecutive_failures", &down),
        Some(1.0)
    );
    assert_eq!(value(&scrape, "rhizome_server_dead", &down), Some(0.0));
    // Alice's server got everything: nothing waits for it.
    assert_eq!(
        value(
            &scrape,
            "rhizome_deliveries_queued",
            &[("server", masto.host())]
        ),
        None
    );
    // Latencies by route template: both inbox POSTs, the territory read.
    assert_eq!(
        value(
            &scrape,
            "rhizome_http_request_duration_seconds_count",
            &[("route", "/t/:slug/inbox"), ("method", "POST")]
        ),
        Some(2.0)
    );
    assert_eq!(
        value(
            &scrape,
            "rhizome_http_request_duration_seconds_count",
            &[("route", "/api/v1/territories/:slug"), ("method", "GET")]
        ),
        Some(1.0)
    );
    let max = value(&scrape, "rhizome_database_connections_max", &[]).unwrap();
    let idle = value(
        &scrape,
        "rhizome_database_connections",
        &[("state", "idle")],
    )
    .unwrap();
    let in_use = value(
        &scrape,
        "rhizome_database_connections",
        &[("state", "in_use")],
    )
    .unwrap();
    assert!(
        max >= 1.0 && idle + in_use <= max,
        "{idle} + {in_use} of {max}"
    );
    assert_eq!(
        value(
            &scrape,
            "rhizome_mail_queue_letters",
            &[("state", "waiting")]
        ),
        Some(0.0)
    );
}

on_both_backends!(metrics_after_real_traffic => metrics_after_real_traffic_sqlite, metrics_after_real_traffic_postgres);

#[tokio::test]
async fn metrics_are_refused_through_a_proxy_and_open_with_the_token() {
    let Some(node) = Node::start_with(Backend::Sqlite, |c| {
        c.metrics_token = Some("a-long-enough-scrape-token".into());
    })
    .await
    else {
        return;
    };
    // From loopback but forwarded by a proxy on the same machine: someone else's request.
    let response = node
        .http
        .get(node.url("/metrics"))
        .header("x-forwarded-for", "127.0.0.1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = node
        .http
        .get(node.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.9")
        .bearer_auth("a-long-enough-scrape-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("# TYPE rhizome_inbox_accepted_total counter")
    );
}
