//! The hoster's HTTP API on a free loopback port: blocks and proofs verify with
//! hypercore-verify, proofs anchored at an older length verify after growth, the
//! contact proof binds the challenge, bad input gets the right status, stats
//! count what was served (bounded, by what the hoster can trust), many
//! concurrent clients are served, slow and greedy clients are cut off, and
//! `feed import` refuses a hoster that serves a corrupted block.

use std::{path::Path, sync::Arc};

use codec::{Decode, DecodeAll};
use ed25519_dalek::SigningKey;
use hoster::{
	import::import,
	server::{serve_with, Hoster, ServeLimits, Stats},
	store::{FeedState, JsonState, Store},
};
use hypercore_verify::{
	contact::ServedBlock, hashes, verify_block, verify_contact_proof, Anchor, KeyMode, PureRust,
};

struct Running {
	url: String,
	/// The metrics listener's base URL.
	metrics_url: String,
	hoster: Arc<Hoster>,
	stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Running {
	fn drop(&mut self) {
		if let Some(stop) = self.stop.take() {
			let _ = stop.send(());
		}
	}
}

async fn start(data: &Path) -> Running {
	start_with(data, ServeLimits::default()).await
}

async fn start_with(data: &Path, limits: ServeLimits) -> Running {
	let contact = SigningKey::from_bytes(&[9u8; 32]);
	let hoster = Hoster::new(data, contact, Some([5u8; 32])).unwrap();
	let listener = hoster::server::bind("127.0.0.1:0").await.unwrap();
	let url = format!("http://{}", listener.local_addr().unwrap());
	let metrics = hoster::server::bind("127.0.0.1:0").await.unwrap();
	let metrics_url = format!("http://{}", metrics.local_addr().unwrap());
	let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
	let (stop_metrics, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
	tokio::spawn(hoster::server::serve_metrics(hoster.clone(), metrics, async move {
		let _ = metrics_stopped.await;
	}));
	tokio::spawn(serve_with(hoster.clone(), listener, limits, async move {
		let _ = stopped.await;
		let _ = stop_metrics.send(());
	}));
	Running { url, metrics_url, hoster, stop: Some(stop) }
}

/// A feed of `n` blocks of uneven sizes in `data`; returns its key.
fn make_feed(data: &Path, mode: KeyMode, n: usize) -> [u8; 32] {
	let store = Store::open(data).unwrap();
	let mut feed = store.create(mode).unwrap();
	let blocks: Vec<Vec<u8>> = (0..n).map(|i| vec![(i * 7) as u8; 100 + i * 13]).collect();
	feed.append(blocks, |_| {}).unwrap();
	feed.state().key
}

async fn get(url: &str) -> (u16, Vec<u8>) {
	let r = reqwest::get(url).await.unwrap();
	(r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

async fn state(base: &str, key: &[u8; 32]) -> FeedState {
	let (status, body) = get(&format!("{base}/feeds/{}", hex::encode(key))).await;
	assert_eq!(status, 200);
	FeedState::from_json(&serde_json::from_slice::<JsonState>(&body).unwrap()).unwrap()
}

#[tokio::test]
async fn blocks_and_proofs_verify_in_both_modes() {
	for mode in [KeyMode::Compat, KeyMode::Manifest] {
		let dir = tempfile::tempdir().unwrap();
		let key = make_feed(dir.path(), mode, 13);
		let s = start(dir.path()).await;
		let feed = state(&s.url, &key).await;
		assert_eq!((feed.mode, feed.length), (mode, 13));
		for index in 0..13u64 {
			let (status, body) =
				get(&format!("{}/feeds/{}/blocks/{index}", s.url, hex::encode(key))).await;
			assert_eq!(status, 200);
			let served = ServedBlock::decode_all(&mut &body[..]).unwrap();
			assert_eq!(served.contact_signature, None, "no challenge, no contact proof");
			assert_eq!(served.proof.index, index);
			assert_eq!(
				served.proof.value.to_vec(),
				vec![(index * 7) as u8; 100 + index as usize * 13]
			);
			verify_block::<PureRust>(Anchor::Roots(&feed.roots), 13, &served.proof).unwrap();
			verify_block::<PureRust>(
				Anchor::TreeHash(&hashes::tree::<PureRust>(&feed.roots)),
				13,
				&served.proof,
			)
			.unwrap();
		}
	}
}

#[tokio::test]
async fn proofs_anchored_at_an_older_length_verify_after_the_feed_grew() {
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), KeyMode::Manifest, 5);
	let s = start(dir.path()).await;
	let old = state(&s.url, &key).await;
	let store = Store::open(dir.path()).unwrap();
	let mut feed = store.feed(&key).unwrap().unwrap();
	feed.append((0..12).map(|i| vec![i as u8; 50]), |_| {}).unwrap();
	s.hoster.refresh().unwrap();
	let new = state(&s.url, &key).await;
	assert_eq!(new.length, 17);
	for index in 0..5u64 {
		let (status, body) =
			get(&format!("{}/feeds/{}/blocks/{index}?length=5", s.url, hex::encode(key))).await;
		assert_eq!(status, 200);
		let proof = ServedBlock::decode_all(&mut &body[..]).unwrap().proof;
		verify_block::<PureRust>(Anchor::Roots(&old.roots), 5, &proof).unwrap();
		// And the same block at the new length verifies against the new roots.
		let (_, body) = get(&format!("{}/feeds/{}/blocks/{index}", s.url, hex::encode(key))).await;
		let proof = ServedBlock::decode_all(&mut &body[..]).unwrap().proof;
		verify_block::<PureRust>(Anchor::Roots(&new.roots), 17, &proof).unwrap();
	}
}

#[tokio::test]
async fn the_contact_proof_binds_request_nonce_attestor_and_block() {
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), KeyMode::Compat, 9);
	let s = start(dir.path()).await;
	let (nonce, attestor) = ([3u8; 32], [4u8; 32]);
	let url = format!(
		"{}/feeds/{}/blocks/6?length=9&request=77&nonce={}&attestor={}",
		s.url,
		hex::encode(key),
		hex::encode(nonce),
		hex::encode(attestor)
	);
	let (status, body) = get(&url).await;
	assert_eq!(status, 200);
	let served = ServedBlock::decode(&mut &body[..]).unwrap();
	let signature = served.contact_signature.expect("a contact proof");
	let hash = hashes::leaf::<PureRust>(&served.proof.value);
	let contact = SigningKey::from_bytes(&[9u8; 32]).verifying_key().to_bytes();
	assert!(verify_contact_proof::<PureRust>(
		&contact, 77, &nonce, &attestor, 6, &hash, &signature
	));
	assert!(!verify_contact_proof::<PureRust>(
		&contact, 78, &nonce, &attestor, 6, &hash, &signature
	));
	assert!(!verify_contact_proof::<PureRust>(
		&contact, 77, &[0; 32], &attestor, 6, &hash, &signature
	));
	assert!(!verify_contact_proof::<PureRust>(
		&contact, 77, &nonce, &[0; 32], 6, &hash, &signature
	));
	assert!(!verify_contact_proof::<PureRust>(
		&contact, 77, &nonce, &attestor, 5, &hash, &signature
	));
	assert!(!verify_contact_proof::<PureRust>(
		&contact, 77, &nonce, &attestor, 6, &[0; 32], &signature
	));
	assert!(!verify_contact_proof::<PureRust>(
		&[1; 32], 77, &nonce, &attestor, 6, &hash, &signature
	));
}

#[tokio::test]
async fn bad_input_gets_a_json_error_with_the_fitting_status() {
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), KeyMode::Manifest, 4);
	let s = start(dir.path()).await;
	let k = hex::encode(key);
	let h = hex::encode([1u8; 32]);
	let cases = [
		(format!("/feeds/{}/blocks/0", "zz".repeat(32)), 400),
		("/feeds/abc/blocks/0".to_string(), 400),
		("/feeds/..%2F..%2Fetc%2Fpasswd/blocks/0".to_string(), 400),
		(format!("/feeds/{}/blocks/0", "00".repeat(32)), 404),
		(format!("/feeds/{}", "00".repeat(32)), 404),
		(format!("/feeds/{k}/blocks/x"), 400),
		(format!("/feeds/{k}/blocks/-1"), 400),
		(format!("/feeds/{k}/blocks/4"), 416),
		(format!("/feeds/{k}/blocks/18446744073709551615"), 416),
		(format!("/feeds/{k}/blocks/2?length=2"), 416),
		(format!("/feeds/{k}/blocks/0?length=5"), 416),
		(format!("/feeds/{k}/blocks/0?length=abc"), 400),
		(format!("/feeds/{k}/blocks/0?length=1&length=2"), 400),
		(format!("/feeds/{k}/blocks/0?colour=red"), 400),
		(format!("/feeds/{k}/blocks/0?request=1"), 400),
		(format!("/feeds/{k}/blocks/0?request=1&nonce={h}&attestor=xyz"), 400),
		(format!("/feeds/{k}/blocks/0?request=one&nonce={h}&attestor={h}"), 400),
		("/nothing/here".to_string(), 404),
	];
	for (path, expected) in cases {
		let (status, body) = get(&format!("{}{path}", s.url)).await;
		assert_eq!(status, expected, "{path}");
		let json: serde_json::Value =
			serde_json::from_slice(&body).unwrap_or_else(|_| panic!("JSON error for {path}"));
		assert!(json["error"].as_str().is_some_and(|e| !e.is_empty()), "{path}: {json}");
	}
	// Still serving afterwards.
	assert_eq!(get(&format!("{}/feeds/{k}/blocks/3", s.url)).await.0, 200);
}

#[tokio::test]
async fn stats_count_what_was_served_per_feed_and_per_peer() {
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), KeyMode::Compat, 6);
	let s = start(dir.path()).await;
	let k = hex::encode(key);
	let attestor = hex::encode([8u8; 32]);
	let mut bytes = 0;
	for index in [0u64, 3, 5] {
		let url = format!(
			"{}/feeds/{k}/blocks/{index}?request=1&nonce={}&attestor={attestor}",
			s.url,
			hex::encode([1u8; 32])
		);
		assert_eq!(get(&url).await.0, 200);
		bytes += 100 + index * 13;
	}
	assert_eq!(get(&format!("{}/feeds/{k}/blocks/1", s.url)).await.0, 200);
	assert_eq!(get(&format!("{}/feeds/{k}/blocks/9", s.url)).await.0, 416);
	let (_, body) = get(&format!("{}/stats", s.url)).await;
	let stats: serde_json::Value = serde_json::from_slice(&body).unwrap();
	assert_eq!(stats["feeds"][&k]["requests"], 5);
	assert_eq!(stats["feeds"][&k]["blocks"], 4);
	assert_eq!(stats["feeds"][&k]["bytes"], bytes + 113);
	assert_eq!(stats["attestors"][&attestor]["blocks"], 3);
	assert_eq!(stats["attestors"][&attestor]["bytes"], bytes);
	// Peers are counted by address, whatever account a query names.
	assert_eq!(stats["peers"]["127.0.0.1"]["requests"], 5);
	assert_eq!(stats["peers"].as_object().unwrap().len(), 1);
	assert_eq!(get(&format!("{}/metrics", s.url)).await.0, 404, "metrics are not public");
	let (_, metrics) = get(&format!("{}/metrics", s.metrics_url)).await;
	let metrics = String::from_utf8(metrics).unwrap();
	assert!(
		metrics.contains(&format!("hoster_uploaded_blocks_total{{feed=\"{k}\"}} 4")),
		"{metrics}"
	);
	assert!(
		metrics
			.contains(&format!("hoster_uploaded_bytes_total{{attestor=\"{attestor}\"}} {bytes}")),
		"{metrics}"
	);
	let _: Stats = s.hoster.stats();
}

#[tokio::test]
async fn hello_announces_the_hoster_signed_by_its_contact_key() {
	use ed25519_dalek::{Signature, Verifier};
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), KeyMode::Compat, 2);
	let s = start(dir.path()).await;
	let (_, body) = get(&format!("{}/hello", s.url)).await;
	let hello: serde_json::Value = serde_json::from_slice(&body).unwrap();
	assert_eq!(hello["account"], hex::encode([5u8; 32]));
	assert_eq!(hello["feeds"], serde_json::json!([hex::encode(key)]));
	let contact = SigningKey::from_bytes(&[9u8; 32]).verifying_key();
	assert_eq!(hello["contact_key"], hex::encode(contact.to_bytes()));
	let message = hoster::server::hello_message(&[5; 32], &contact.to_bytes(), &[key]);
	let signature: [u8; 64] =
		hex::decode(hello["signature"].as_str().unwrap()).unwrap().try_into().unwrap();
	assert!(contact.verify(&message, &Signature::from_bytes(&signature)).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_clients_are_served() {
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), KeyMode::Manifest, 32);
	let s = start(dir.path()).await;
	let roots = state(&s.url, &key).await.roots;
	let client = reqwest::Client::new();
	let mut tasks = Vec::new();
	for i in 0..256u64 {
		let url = format!("{}/feeds/{}/blocks/{}", s.url, hex::encode(key), i % 32);
		let client = client.clone();
		tasks.push(tokio::spawn(async move {
			client.get(url).send().await.unwrap().bytes().await.unwrap()
		}));
	}
	for (i, t) in tasks.into_iter().enumerate() {
		let body = t.await.unwrap();
		let proof = ServedBlock::decode_all(&mut &body[..]).unwrap().proof;
		assert_eq!(proof.index, i as u64 % 32);
		verify_block::<PureRust>(Anchor::Roots(&roots), 32, &proof).unwrap();
	}
}

#[tokio::test]
async fn import_copies_a_feed_and_refuses_a_corrupted_block() {
	let source = tempfile::tempdir().unwrap();
	let key = make_feed(source.path(), KeyMode::Manifest, 11);
	let s = start(source.path()).await;

	let target = tempfile::tempdir().unwrap();
	let store = Store::open(target.path()).unwrap();
	let copied = import(&store, &s.url, &key, |_, _| {}).await.unwrap();
	assert_eq!(copied.length, 11);
	let copy = store.feed(&key).unwrap().unwrap();
	let original = Store::open(source.path()).unwrap().feed(&key).unwrap().unwrap();
	assert!(!copy.writable());
	assert_eq!(copy.state(), original.state());
	for i in 0..11 {
		assert_eq!(copy.block(i).unwrap(), original.block(i).unwrap());
	}
	// Importing it again is refused: it is already stored.
	assert!(import(&store, &s.url, &key, |_, _| {}).await.is_err());

	// Flip one byte of block 7 in the source's data file.
	let data = source.path().join("feeds").join(hex::encode(key)).join("data");
	let mut bytes = std::fs::read(&data).unwrap();
	let offset = (0..7).map(|i| 100 + i * 13).sum::<usize>() + 3;
	bytes[offset] ^= 0x40;
	std::fs::write(&data, bytes).unwrap();
	let other = tempfile::tempdir().unwrap();
	let store = Store::open(other.path()).unwrap();
	let err = import(&store, &s.url, &key, |_, _| {}).await.unwrap_err();
	assert!(format!("{err:#}").contains("block 7 does not verify"), "{err:#}");
	assert!(store.keys().unwrap().is_empty(), "nothing is kept from a bad import");
	// An unknown feed is a clear error too.
	let err = import(&store, &s.url, &[0xee; 32], |_, _| {}).await.unwrap_err();
	assert!(format!("{err:#}").contains("404"), "{err:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_hundreds_of_connections_is_queued_not_dropped() {
	// Nothing accepts: every connection of the burst must wait in the kernel's
	// queue. Past a full queue the kernel drops the handshake and the client
	// would only get in on its retransmission, a second or more later.
	let listener = hoster::server::bind("127.0.0.1:0").await.unwrap();
	let addr = listener.local_addr().unwrap();
	let mut connects = tokio::task::JoinSet::new();
	for _ in 0..600 {
		connects.spawn(tokio::time::timeout(
			std::time::Duration::from_millis(900),
			tokio::net::TcpStream::connect(addr),
		));
	}
	let queued = connects.join_all().await.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
	assert_eq!(queued, 600, "connections queued by the listener");
	drop(listener);
}

/// Reads from `stream` until the server closes it (or `within` passes);
/// returns whether it closed.
async fn closed_within(stream: &mut tokio::net::TcpStream, within: std::time::Duration) -> bool {
	use tokio::io::AsyncReadExt;
	let mut buf = [0u8; 1024];
	let read = async {
		loop {
			match stream.read(&mut buf).await {
				Ok(0) | Err(_) => return,
				Ok(_) => {},
			}
		}
	};
	tokio::time::timeout(within, read).await.is_ok()
}

#[tokio::test]
async fn slow_and_idle_clients_are_disconnected_after_the_header_timeout() {
	use tokio::io::AsyncWriteExt;
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), KeyMode::Compat, 2);
	let limits =
		ServeLimits { header_timeout: std::time::Duration::from_millis(300), ..Default::default() };
	let s = start_with(dir.path(), limits).await;
	let addr = s.url.trim_start_matches("http://").to_string();
	// A slow loris: half a request's headers, then nothing.
	let mut loris = tokio::net::TcpStream::connect(&addr).await.unwrap();
	loris.write_all(b"GET /feeds HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
	// A client that connects and says nothing.
	let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
	let started = std::time::Instant::now();
	assert!(closed_within(&mut loris, std::time::Duration::from_secs(5)).await);
	assert!(closed_within(&mut idle, std::time::Duration::from_secs(5)).await);
	assert!(started.elapsed() >= std::time::Duration::from_millis(250), "not before the timeout");
	// Everyone else is served as before.
	assert_eq!(get(&format!("{}/feeds/{}/blocks/1", s.url, hex::encode(key))).await.0, 200);
}

#[tokio::test]
async fn past_the_connection_limit_new_connections_are_closed_and_the_rest_served() {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let dir = tempfile::tempdir().unwrap();
	make_feed(dir.path(), KeyMode::Compat, 2);
	let s = start_with(dir.path(), ServeLimits { max_connections: 2, ..Default::default() }).await;
	let addr = s.url.trim_start_matches("http://").to_string();
	// Two connections hold the limit (each answered once, then kept alive).
	let mut held = Vec::new();
	for _ in 0..2 {
		let mut c = tokio::net::TcpStream::connect(&addr).await.unwrap();
		c.write_all(b"GET /feeds HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
		let mut buf = [0u8; 12];
		c.read_exact(&mut buf).await.unwrap();
		assert_eq!(&buf, b"HTTP/1.1 200");
		held.push(c);
	}
	// A third is closed without an answer.
	let mut third = tokio::net::TcpStream::connect(&addr).await.unwrap();
	let _ = third.write_all(b"GET /feeds HTTP/1.1\r\nHost: x\r\n\r\n").await;
	let mut buf = Vec::new();
	let _ = third.read_to_end(&mut buf).await;
	assert!(buf.is_empty(), "{}", String::from_utf8_lossy(&buf));
	// Once one leaves, a newcomer is served.
	drop(held.pop());
	let mut served = false;
	for _ in 0..50 {
		tokio::time::sleep(std::time::Duration::from_millis(20)).await;
		if reqwest::get(format!("{}/feeds", s.url)).await.is_ok_and(|r| r.status() == 200) {
			served = true;
			break;
		}
	}
	assert!(served, "a connection is served once there is room");
}

#[tokio::test]
async fn accounts_named_in_queries_do_not_grow_the_statistics() {
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), KeyMode::Compat, 2);
	let s = start(dir.path()).await;
	let k = hex::encode(key);
	let nonce = hex::encode([1u8; 32]);
	let client = reqwest::Client::new();
	let many = hoster::server::stats::MAX_TRACKED + 50;
	for i in 0..many {
		let mut attestor = [0u8; 32];
		attestor[..8].copy_from_slice(&(i as u64).to_le_bytes());
		let url = format!(
			"{}/feeds/{k}/blocks/1?request={i}&nonce={nonce}&attestor={}",
			s.url,
			hex::encode(attestor)
		);
		assert_eq!(client.get(url).send().await.unwrap().status(), 200);
	}
	let stats = s.hoster.stats();
	assert_eq!(stats.attestors.len(), hoster::server::stats::MAX_TRACKED);
	assert_eq!(stats.peers.len(), 1, "one peer address, whatever the queries say");
	assert_eq!(stats.peers["127.0.0.1"].requests, many as u64);
}

/// How [`proxy`] spoils the block answers of the hoster behind it.
#[derive(Clone, Copy)]
enum Fault {
	/// Each block's first request gets a 503.
	FirstAttemptFails,
	/// Every block answer is a byte longer than any valid one.
	Huge,
	/// Block answers never come.
	Stall,
}

/// A server in front of the hoster at `upstream` that passes the feed state
/// through and spoils block answers with `fault`; returns its base URL and
/// the number of block requests per path it received.
async fn proxy(
	upstream: String,
	fault: Fault,
) -> (String, Arc<std::sync::Mutex<std::collections::HashMap<String, u32>>>) {
	use axum::{extract::Request, response::IntoResponse};
	let seen: Arc<std::sync::Mutex<std::collections::HashMap<String, u32>>> = Default::default();
	let counts = seen.clone();
	let app = axum::Router::new().fallback(move |request: Request| {
		let upstream = upstream.clone();
		let seen = seen.clone();
		async move {
			let path = request.uri().path().to_string();
			let query = request.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
			if path.contains("/blocks/") {
				let attempt = {
					let mut seen = seen.lock().unwrap();
					let n = seen.entry(path.clone()).or_default();
					*n += 1;
					*n
				};
				match fault {
					Fault::FirstAttemptFails if attempt == 1 => {
						return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "busy")
							.into_response()
					},
					Fault::Huge => {
						return vec![0u8; hoster::import::MAX_BLOCK_ANSWER_BYTES + 1]
							.into_response()
					},
					Fault::Stall => {
						tokio::time::sleep(std::time::Duration::from_secs(30)).await;
					},
					_ => {},
				}
			}
			let answer = reqwest::get(format!("{upstream}{path}{query}")).await.unwrap();
			let status = axum::http::StatusCode::from_u16(answer.status().as_u16()).unwrap();
			(status, answer.bytes().await.unwrap().to_vec()).into_response()
		}
	});
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let url = format!("http://{}", listener.local_addr().unwrap());
	tokio::spawn(async move { axum::serve(listener, app).await });
	(url, counts)
}

#[tokio::test]
async fn import_tries_a_failed_block_again_and_fetches_in_parallel() {
	use hoster::import::{import_with, ImportOptions};
	let source = tempfile::tempdir().unwrap();
	let key = make_feed(source.path(), KeyMode::Compat, 40);
	let s = start(source.path()).await;
	let (url, seen) = proxy(s.url.clone(), Fault::FirstAttemptFails).await;
	let target = tempfile::tempdir().unwrap();
	let store = Store::open(target.path()).unwrap();
	let options =
		ImportOptions { backoff: std::time::Duration::from_millis(5), ..Default::default() };
	let mut reported = Vec::new();
	let copied = import_with(&store, &url, &key, options, |done, _| reported.push(done))
		.await
		.unwrap();
	assert_eq!(copied.length, 40);
	// Every block failed once and was asked again; progress came in order.
	let seen = seen.lock().unwrap();
	assert_eq!(seen.len(), 40);
	assert!(seen.values().all(|n| *n == 2), "{seen:?}");
	assert_eq!(reported, (1..=40).collect::<Vec<u64>>());
	let copy = store.feed(&key).unwrap().unwrap();
	let original = Store::open(source.path()).unwrap().feed(&key).unwrap().unwrap();
	for i in 0..40 {
		assert_eq!(copy.block(i).unwrap(), original.block(i).unwrap());
	}
}

#[tokio::test]
async fn import_refuses_oversized_and_stalled_answers_and_keeps_nothing() {
	use hoster::import::{import_with, ImportError, ImportOptions};
	let source = tempfile::tempdir().unwrap();
	let key = make_feed(source.path(), KeyMode::Compat, 5);
	let s = start(source.path()).await;

	let (url, _) = proxy(s.url.clone(), Fault::Huge).await;
	let target = tempfile::tempdir().unwrap();
	let store = Store::open(target.path()).unwrap();
	let err = import_with(&store, &url, &key, ImportOptions::default(), |_, _| {})
		.await
		.unwrap_err();
	assert!(matches!(err, ImportError::TooLarge { .. }), "{err:#}");
	assert!(store.keys().unwrap().is_empty(), "nothing is kept");

	let (url, seen) = proxy(s.url.clone(), Fault::Stall).await;
	let options = ImportOptions {
		timeout: std::time::Duration::from_millis(300),
		retries: 1,
		backoff: std::time::Duration::from_millis(10),
		parallel: 2,
	};
	let started = std::time::Instant::now();
	let err = import_with(&store, &url, &key, options, |_, _| {}).await.unwrap_err();
	assert!(
		matches!(err, ImportError::Unreachable { .. } | ImportError::Unreadable { .. }),
		"{err:#}"
	);
	assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
	// Each stalled block was tried twice (one retry), no more.
	assert!(seen.lock().unwrap().values().all(|n| *n <= 2));
	assert!(store.keys().unwrap().is_empty(), "nothing is kept");
}
