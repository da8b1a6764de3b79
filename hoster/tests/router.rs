//! The hoster's routes without a socket (`tower::ServiceExt::oneshot`): every
//! failure path answers with its status and its JSON error, the block route
//! counts its peer, and feeds stored after the start are served once the
//! feeds are refreshed (a request never lists the data directory).

use std::{net::SocketAddr, path::Path};

use axum::{
	body::Body,
	extract::connect_info::MockConnectInfo,
	http::{header, Request, StatusCode},
	Router,
};
use codec::DecodeAll;
use ed25519_dalek::SigningKey;
use hoster::{server::Hoster, store::Store};
use hypercore_verify::{BlockProof, KeyMode};
use tower::ServiceExt;

/// A feed of `n` blocks of 10 bytes each in `data`; returns its key.
fn make_feed(data: &Path, n: usize) -> [u8; 32] {
	let store = Store::open(data).unwrap();
	let mut feed = store.create(KeyMode::Manifest).unwrap();
	feed.append((0..n).map(|i| vec![i as u8; 10]), |_| {}).unwrap();
	feed.state().key
}

/// The routes over `data`, as if every request came from 192.0.2.7.
fn routes(data: &Path) -> (std::sync::Arc<Hoster>, Router) {
	let hoster = Hoster::new(data, SigningKey::from_bytes(&[9u8; 32]), None).unwrap();
	let router = hoster.router().layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 7], 4000))));
	(hoster, router)
}

async fn get(router: &Router, uri: &str) -> (StatusCode, Option<String>, Vec<u8>) {
	let response = router
		.clone()
		.oneshot(Request::get(uri).body(Body::empty()).unwrap())
		.await
		.unwrap();
	let status = response.status();
	let content_type = response
		.headers()
		.get(header::CONTENT_TYPE)
		.map(|v| v.to_str().unwrap().to_string());
	let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
	(status, content_type, body.to_vec())
}

#[tokio::test]
async fn every_failure_answers_with_its_status_and_message() {
	let dir = tempfile::tempdir().unwrap();
	let key = hex::encode(make_feed(dir.path(), 4));
	let (_, router) = routes(dir.path());
	let unknown = "00".repeat(32);
	let h = "01".repeat(32);
	let cases = [
		(
			format!("/feeds/{}/blocks/0", "zz".repeat(32)),
			400,
			"the feed key must be 64 hex characters".to_string(),
		),
		("/feeds/abc".into(), 400, "the feed key must be 64 hex characters".into()),
		(format!("/feeds/{key}/blocks/x"), 400, "the block index must be a whole number".into()),
		(format!("/feeds/{key}/blocks/-1"), 400, "the block index must be a whole number".into()),
		(
			format!("/feeds/{key}/blocks/0?colour=red"),
			400,
			"unknown query parameter \"colour\"".into(),
		),
		(format!("/feeds/{key}/blocks/0?length"), 400, "malformed query part \"length\"".into()),
		(
			format!("/feeds/{key}/blocks/0?length=1&length=2"),
			400,
			"query parameter \"length\" given twice".into(),
		),
		(
			format!("/feeds/{key}/blocks/0?length=abc"),
			400,
			"length must be a whole number, got \"abc\"".into(),
		),
		(
			format!("/feeds/{key}/blocks/0?length=4&request=1&nonce={h}&attestor={h}"),
			400,
			"unknown query parameter \"request\"".into(),
		),
		(format!("/feeds/{unknown}/blocks/0"), 404, "unknown feed".into()),
		(format!("/feeds/{unknown}"), 404, "unknown feed".into()),
		(format!("/feeds/{key}/blocks/4"), 416, "block 4 is not below length 4".into()),
		(format!("/feeds/{key}/blocks/2?length=2"), 416, "block 2 is not below length 2".into()),
		(
			format!("/feeds/{key}/blocks/0?length=5"),
			416,
			"length 5 is beyond the stored length 4".into(),
		),
		("/nothing/here".into(), 404, "no such route".into()),
		("/feeds/a/b/c/d".into(), 404, "no such route".into()),
	];
	for (uri, status, message) in cases {
		let (got, content_type, body) = get(&router, &uri).await;
		assert_eq!(got.as_u16(), status, "{uri}");
		assert_eq!(content_type.as_deref(), Some("application/json"), "{uri}");
		let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
		assert_eq!(json, serde_json::json!({ "error": message, "status": status }), "{uri}");
	}
}

#[tokio::test]
async fn a_block_counts_for_its_feed_and_for_the_peer_that_asked() {
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), 3);
	let (hoster, router) = routes(dir.path());
	let k = hex::encode(key);
	let (status, content_type, body) = get(&router, &format!("/feeds/{k}/blocks/2?length=3")).await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(content_type.as_deref(), Some("application/octet-stream"));
	let proof = BlockProof::decode_all(&mut &body[..]).unwrap();
	assert_eq!((proof.index, proof.value.to_vec()), (2, vec![2u8; 10]));
	assert_eq!(
		get(&router, &format!("/feeds/{k}/blocks/3")).await.0,
		StatusCode::RANGE_NOT_SATISFIABLE
	);
	// A malformed request is refused before it counts.
	assert_eq!(get(&router, &format!("/feeds/{k}/blocks/x")).await.0, StatusCode::BAD_REQUEST);
	let stats = hoster.stats();
	assert_eq!(
		(stats.feeds[&k].requests, stats.feeds[&k].blocks, stats.feeds[&k].bytes),
		(2, 1, 10)
	);
	assert_eq!(stats.peers["192.0.2.7"].requests, 2);
	// The public routes do not answer /metrics: it has a listener of its own.
	assert_eq!(get(&router, "/metrics").await.0, StatusCode::NOT_FOUND);
	let (status, content_type, body) = get(&hoster.metrics_router(), "/metrics").await;
	assert_eq!(
		(status, content_type.as_deref()),
		(StatusCode::OK, Some("text/plain; version=0.0.4"))
	);
	let metrics = String::from_utf8(body).unwrap();
	assert!(metrics.contains("hoster_uploaded_bytes_total{peer=\"192.0.2.7\"} 10"), "{metrics}");
	let (_, _, body) = get(&router, "/stats").await;
	let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
	assert_eq!(json["feeds"][&k]["blocks"], 1);
}

#[tokio::test]
async fn a_feed_removed_from_the_store_is_no_longer_served_or_greeted_once_refreshed() {
	let dir = tempfile::tempdir().unwrap();
	let kept = hex::encode(make_feed(dir.path(), 1));
	let removed = make_feed(dir.path(), 2);
	let (hoster, router) = routes(dir.path());
	assert_eq!(
		get(&router, &format!("/feeds/{}/blocks/1", hex::encode(removed))).await.0,
		StatusCode::OK
	);

	Store::open(dir.path()).unwrap().remove(&removed).unwrap();
	hoster.refresh().unwrap();
	assert_eq!(
		get(&router, &format!("/feeds/{}/blocks/1", hex::encode(removed))).await.0,
		StatusCode::NOT_FOUND
	);
	let (_, _, body) = get(&router, "/feeds").await;
	assert_eq!(
		serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
		serde_json::json!({ "feeds": [kept] })
	);
	let (_, _, body) = get(&router, "/hello").await;
	let hello: serde_json::Value = serde_json::from_slice(&body).unwrap();
	assert_eq!(hello["feeds"].as_array().unwrap().len(), 1, "{hello}");
	assert_eq!(hello["feeds"][0]["key"], kept.as_str());
}

#[tokio::test]
async fn a_feed_stored_after_the_start_is_served_once_the_feeds_are_refreshed() {
	let dir = tempfile::tempdir().unwrap();
	let first = hex::encode(make_feed(dir.path(), 1));
	let (hoster, router) = routes(dir.path());
	let second = hex::encode(make_feed(dir.path(), 2));
	assert_eq!(get(&router, &format!("/feeds/{second}")).await.0, StatusCode::NOT_FOUND);
	let (_, _, body) = get(&router, "/feeds").await;
	assert_eq!(
		serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
		serde_json::json!({ "feeds": [first] })
	);

	hoster.refresh().unwrap();
	assert_eq!(get(&router, &format!("/feeds/{second}")).await.0, StatusCode::OK);
	assert_eq!(get(&router, &format!("/feeds/{second}/blocks/1")).await.0, StatusCode::OK);
	let (_, _, body) = get(&router, "/feeds").await;
	let mut expected = vec![first, second];
	expected.sort();
	assert_eq!(
		serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
		serde_json::json!({ "feeds": expected })
	);
	let (_, _, body) = get(&router, "/hello").await;
	let hello: serde_json::Value = serde_json::from_slice(&body).unwrap();
	let held: Vec<String> = hello["feeds"]
		.as_array()
		.unwrap()
		.iter()
		.map(|f| f["key"].as_str().unwrap().to_string())
		.collect();
	assert_eq!((&hello["account"], held), (&serde_json::Value::Null, expected));
}
