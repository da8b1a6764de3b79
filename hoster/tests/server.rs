//! The hoster's HTTP API on a free loopback port: blocks and proofs verify with
//! hypercore-verify, proofs anchored at an older length verify after growth,
//! contact proofs are signed only for blocks served to the address asking at
//! that length and bind the challenge, bad input gets the right status, stats
//! count what was served (bounded, by what the hoster can trust), many
//! concurrent clients are served, slow and greedy clients are cut off, and
//! `feed import` refuses a hoster that serves a corrupted block.

use std::{path::Path, sync::Arc};

use codec::{DecodeAll, Encode};
use ed25519_dalek::SigningKey;
use hoster::{
	import::import,
	server::{serve_with, Hoster, ServeLimits, Stats},
	store::{FeedState, JsonState, Store},
};
use hypercore_verify::{
	hashes, verify_block, verify_contact_proof, Anchor, BlockProof, ContactAnswer, ContactRequest,
	KeyMode, PureRust, ReceivedBlock,
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
			let proof = BlockProof::decode_all(&mut &body[..]).unwrap();
			assert_eq!(proof.index, index);
			assert_eq!(proof.value.to_vec(), vec![(index * 7) as u8; 100 + index as usize * 13]);
			verify_block::<PureRust>(Anchor::Roots(&feed.roots), 13, &proof).unwrap();
			verify_block::<PureRust>(
				Anchor::TreeHash(&hashes::tree::<PureRust>(&feed.roots)),
				13,
				&proof,
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
		let proof = BlockProof::decode_all(&mut &body[..]).unwrap();
		verify_block::<PureRust>(Anchor::Roots(&old.roots), 5, &proof).unwrap();
		// And the same block at the new length verifies against the new roots.
		let (_, body) = get(&format!("{}/feeds/{}/blocks/{index}", s.url, hex::encode(key))).await;
		let proof = BlockProof::decode_all(&mut &body[..]).unwrap();
		verify_block::<PureRust>(Anchor::Roots(&new.roots), 17, &proof).unwrap();
	}
}

/// A client of the hoster from loopback address `from` (127.0.0.x): several
/// addresses are several peers.
fn client_from(from: [u8; 4]) -> reqwest::Client {
	reqwest::Client::builder()
		.local_address(std::net::IpAddr::from(from))
		.build()
		.unwrap()
}

/// Fetches block `index` at `length` as a client does; returns its leaf hash.
async fn fetch(
	client: &reqwest::Client,
	s: &Running,
	key: &[u8; 32],
	index: u64,
	length: u64,
) -> [u8; 32] {
	let url = hypercore_verify::wire::block_url(&s.url, key, index, length);
	let response = client.get(url).send().await.unwrap();
	assert_eq!(response.status(), 200);
	let proof = BlockProof::decode_all(&mut &response.bytes().await.unwrap()[..]).unwrap();
	hashes::leaf::<PureRust>(&proof.value)
}

/// `POST /contact` with `body`; returns the status and the body.
async fn post_contact(client: &reqwest::Client, s: &Running, body: Vec<u8>) -> (u16, Vec<u8>) {
	let url = hypercore_verify::wire::contact_url(&s.url);
	let response = client.post(url).body(body).send().await.unwrap();
	(response.status().as_u16(), response.bytes().await.unwrap().to_vec())
}

fn contact_request(key: [u8; 32], length: u64, blocks: &[(u64, [u8; 32])]) -> ContactRequest {
	ContactRequest {
		request: 77,
		nonce: [3; 32],
		attestor: [4; 32],
		feed: key,
		length,
		blocks: blocks
			.iter()
			.map(|&(index, leaf_hash)| ReceivedBlock { index, leaf_hash })
			.collect::<Vec<_>>()
			.try_into()
			.unwrap(),
	}
}

#[tokio::test]
async fn contact_proofs_bind_request_nonce_attestor_and_each_block_served() {
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), KeyMode::Compat, 9);
	let s = start(dir.path()).await;
	let client = client_from([127, 0, 0, 1]);
	let (h2, h6) = (fetch(&client, &s, &key, 2, 9).await, fetch(&client, &s, &key, 6, 9).await);
	let request = contact_request(key, 9, &[(6, h6), (2, h2)]);
	let (status, body) = post_contact(&client, &s, request.encode()).await;
	assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
	let answer = ContactAnswer::decode_all(&mut &body[..]).unwrap();
	assert_eq!(answer.signatures.len(), 2, "one signature per block, in the order named");
	let contact = SigningKey::from_bytes(&[9u8; 32]).verifying_key().to_bytes();
	let (nonce, attestor) = ([3u8; 32], [4u8; 32]);
	for ((index, hash), signature) in [(6, h6), (2, h2)].into_iter().zip(answer.signatures.iter()) {
		assert!(verify_contact_proof::<PureRust>(
			&contact, 77, &nonce, &attestor, index, &hash, signature
		));
		for (request, nonce, attestor, index, hash, key) in [
			(78, nonce, attestor, index, hash, contact),
			(77, [0; 32], attestor, index, hash, contact),
			(77, nonce, [0; 32], index, hash, contact),
			(77, nonce, attestor, index + 1, hash, contact),
			(77, nonce, attestor, index, [0; 32], contact),
			(77, nonce, attestor, index, hash, [1; 32]),
		] {
			assert!(!verify_contact_proof::<PureRust>(
				&key, request, &nonce, &attestor, index, &hash, signature
			));
		}
	}
	// The attestor is counted once the hoster vouched, with the blocks and bytes it vouched for.
	let stats = s.hoster.stats();
	let vouched = &stats.attestors[&hex::encode(attestor)];
	assert_eq!((vouched.requests, vouched.blocks, vouched.bytes), (1, 2, 126 + 178));
}

#[tokio::test]
async fn contact_is_refused_for_blocks_not_served_to_that_address_at_that_length() {
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), KeyMode::Compat, 9);
	let s = start(dir.path()).await;
	let client = client_from([127, 0, 0, 1]);
	let h2 = fetch(&client, &s, &key, 2, 9).await;
	let h5 = fetch(&client_from([127, 0, 0, 2]), &s, &key, 5, 9).await;
	let h3_at_8 = fetch(&client, &s, &key, 3, 8).await;
	let too_many: Vec<(u64, [u8; 32])> = (0..33).map(|i| (i, [0; 32])).collect();
	let mut trailing = contact_request(key, 9, &[(2, h2)]).encode();
	trailing.push(0);
	let cases: Vec<(&str, Vec<u8>, u16)> = vec![
		("a block never fetched", contact_request(key, 9, &[(2, h2), (4, h2)]).encode(), 403),
		("fetched by another address", contact_request(key, 9, &[(5, h5)]).encode(), 403),
		("fetched at another length", contact_request(key, 9, &[(3, h3_at_8)]).encode(), 403),
		("named at another length", contact_request(key, 8, &[(2, h2)]).encode(), 403),
		("another leaf hash", contact_request(key, 9, &[(2, [7; 32])]).encode(), 403),
		("an unknown feed", contact_request([1; 32], 9, &[(2, h2)]).encode(), 404),
		("a block named twice", contact_request(key, 9, &[(2, h2), (2, h2)]).encode(), 400),
		("not SCALE", b"{\"request\": 77}".to_vec(), 400),
		("a byte too many", trailing, 400),
		("nothing", Vec::new(), 400),
		(
			"33 blocks",
			{
				let mut body = contact_request(key, 9, &[]).encode();
				body.truncate(body.len() - 1);
				body.extend(too_many.encode());
				body
			},
			413,
		),
		(
			"a count of 33 blocks",
			{
				let mut body = contact_request(key, 9, &[]).encode();
				body.truncate(body.len() - 1);
				body.extend(too_many[..32].to_vec().encode());
				body[112] = 33 << 2;
				body
			},
			400,
		),
		(
			"a body over the cap",
			vec![0; hypercore_verify::contact::MAX_CONTACT_REQUEST_BYTES + 1],
			413,
		),
	];
	for (name, body, expected) in cases {
		let (status, answer) = post_contact(&client, &s, body).await;
		assert_eq!(status, expected, "{name}");
		let json: serde_json::Value = serde_json::from_slice(&answer)
			.unwrap_or_else(|_| panic!("{name}: a JSON error, got {answer:?}"));
		assert!(json["error"].as_str().is_some_and(|e| !e.is_empty()), "{name}: {json}");
	}
	assert!(s.hoster.stats().attestors.is_empty(), "no refused request counts an attestor");
	// The same address, the block it fetched, at its length: signed.
	let (status, _) = post_contact(&client, &s, contact_request(key, 9, &[(2, h2)]).encode()).await;
	assert_eq!(status, 200);
	// A GET never asks for a contact proof: the old query is refused.
	let url = format!(
		"{}/feeds/{}/blocks/2?length=9&request=77&nonce={}&attestor={}",
		s.url,
		hex::encode(key),
		hex::encode([3u8; 32]),
		hex::encode([4u8; 32])
	);
	assert_eq!(client.get(url).send().await.unwrap().status(), 400);
}

#[tokio::test]
async fn a_contact_request_whose_body_never_ends_is_answered_408() {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let dir = tempfile::tempdir().unwrap();
	make_feed(dir.path(), KeyMode::Compat, 2);
	let s = start(dir.path()).await;
	let mut stream = tokio::net::TcpStream::connect(s.url.trim_start_matches("http://"))
		.await
		.unwrap();
	stream
		.write_all(b"POST /contact HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n0123456789")
		.await
		.unwrap();
	let mut answer = Vec::new();
	let read = tokio::time::timeout(
		hoster::server::CONTACT_BODY_TIMEOUT + std::time::Duration::from_secs(5),
		stream.read_to_end(&mut answer),
	)
	.await;
	assert!(read.is_ok(), "answered in time");
	let answer = String::from_utf8_lossy(&answer);
	assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
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
		(format!("/feeds/{k}/blocks/0?request=1&nonce={h}&attestor={h}"), 400),
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
	let client = client_from([127, 0, 0, 1]);
	let mut bytes = 0;
	let mut blocks = Vec::new();
	for index in [0u64, 3, 5] {
		blocks.push((index, fetch(&client, &s, &key, index, 6).await));
		bytes += 100 + index * 13;
	}
	let (status, _) = post_contact(&client, &s, contact_request(key, 6, &blocks).encode()).await;
	assert_eq!(status, 200);
	assert_eq!(get(&format!("{}/feeds/{k}/blocks/1", s.url)).await.0, 200);
	assert_eq!(get(&format!("{}/feeds/{k}/blocks/9", s.url)).await.0, 416);
	let (_, body) = get(&format!("{}/stats", s.url)).await;
	let stats: serde_json::Value = serde_json::from_slice(&body).unwrap();
	assert_eq!(stats["feeds"][&k]["requests"], 5);
	assert_eq!(stats["feeds"][&k]["blocks"], 4);
	assert_eq!(stats["feeds"][&k]["bytes"], bytes + 113);
	let attestor = hex::encode([4u8; 32]);
	assert_eq!(stats["attestors"][&attestor]["requests"], 1);
	assert_eq!(stats["attestors"][&attestor]["blocks"], 3);
	assert_eq!(stats["attestors"][&attestor]["bytes"], bytes);
	// Peers are counted by address.
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
	assert_eq!(hello["feeds"], serde_json::json!([{ "key": hex::encode(key), "length": 2 }]));
	let contact = SigningKey::from_bytes(&[9u8; 32]).verifying_key();
	assert_eq!(hello["contact_key"], hex::encode(contact.to_bytes()));
	let message = hoster::hello::hello_message(
		&[5; 32],
		&contact.to_bytes(),
		&[hoster::hello::HeldFeed { key, length: 2 }],
	);
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
		let proof = BlockProof::decode_all(&mut &body[..]).unwrap();
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
async fn accounts_named_in_contact_requests_do_not_grow_the_statistics() {
	let dir = tempfile::tempdir().unwrap();
	let key = make_feed(dir.path(), KeyMode::Compat, 2);
	let s = start(dir.path()).await;
	let client = client_from([127, 0, 0, 1]);
	let leaf = fetch(&client, &s, &key, 1, 2).await;
	let many = hoster::server::stats::MAX_TRACKED + 50;
	for i in 0..many {
		let mut request = contact_request(key, 2, &[(1, leaf)]);
		request.attestor[..8].copy_from_slice(&(i as u64).to_le_bytes());
		assert_eq!(post_contact(&client, &s, request.encode()).await.0, 200);
	}
	let stats = s.hoster.stats();
	assert_eq!(stats.attestors.len(), hoster::server::stats::MAX_TRACKED);
	assert_eq!(stats.peers.len(), 1, "one peer address, whatever the requests say");
	assert_eq!(stats.peers["127.0.0.1"].requests, 1, "contact requests are not block requests");
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
						return vec![0u8; hypercore_verify::wire::MAX_BLOCK_ANSWER_BYTES + 1]
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
