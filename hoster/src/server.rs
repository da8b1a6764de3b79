//! `hoster serve`: the HTTP API attestors and other hosters use.
//!
//! | route | answer |
//! | --- | --- |
//! | `GET /feeds/{key}/blocks/{index}?length=&request=&nonce=&attestor=` | SCALE `ServedBlock`: the block, its proof anchored at `length` (default: stored length), and with `request`/`nonce`/`attestor` the contact proof |
//! | `GET /feeds/{key}` | the feed's signed state (JSON) |
//! | `GET /feeds` | keys of the hosted feeds (JSON) |
//! | `GET /hello` | the hosting extension's greeting: account, contact key, feeds, signed (JSON) |
//! | `GET /stats` | uploaded blocks and bytes, request counts, per feed and per peer (JSON) |
//! | `GET /metrics` | the same in Prometheus text format |
//!
//! Bad input gets a JSON error with a fitting status: malformed key, index or
//! query 400, unknown feed 404, `index ≥ length` or `length` beyond the stored
//! length 416. Keys are parsed as hex before anything touches the disk, so no
//! request reads outside the data directory.

use std::{
	collections::{BTreeMap, HashMap},
	net::SocketAddr,
	sync::{Arc, Mutex, RwLock},
	time::{Duration, SystemTime},
};

use anyhow::Result;
use axum::{
	extract::{ConnectInfo, Path, RawQuery, State},
	http::{header, StatusCode},
	response::{IntoResponse, Response},
	routing::get,
	Json, Router,
};
use codec::Encode;
use ed25519_dalek::{Signer, SigningKey};
use hypercore_verify::{contact_message, ServedBlock};
use serde::Serialize;
use serde_json::json;

use crate::store::{hex32, Feed, ServeError, Store};

/// Per feed or per peer traffic.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Traffic {
	/// Requests answered (any status).
	pub requests: u64,
	/// Blocks uploaded.
	pub blocks: u64,
	/// Block bytes uploaded.
	pub bytes: u64,
}

/// Traffic statistics (the seed's research section: per feed and per peer).
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Stats {
	/// By feed key (hex).
	pub feeds: BTreeMap<String, Traffic>,
	/// By peer: the attestor account (hex) when the request names one, else the remote address.
	pub peers: BTreeMap<String, Traffic>,
}

/// The server's shared state.
pub struct Hoster {
	store: Store,
	feeds: RwLock<HashMap<[u8; 32], (Arc<Feed>, HeaderVersion)>>,
	contact: SigningKey,
	account: Option<[u8; 32]>,
	stats: Mutex<Stats>,
}

/// A JSON error response.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
	(status, Json(json!({ "error": message.into(), "status": status.as_u16() }))).into_response()
}

/// Identifies one written version of a `header.json`. Every write is a rename of
/// a new file, so the inode changes even when the clock (whose file timestamps
/// advance in kernel ticks) does not.
type HeaderVersion = (u64, u64, Option<SystemTime>);

fn header_version(path: &std::path::Path) -> Option<HeaderVersion> {
	use std::os::unix::fs::MetadataExt;
	let m = std::fs::metadata(path).ok()?;
	Some((m.ino(), m.len(), m.modified().ok()))
}

impl Hoster {
	/// A server over `data`, proving contact with `contact`, announcing `account`.
	pub fn new(data: &std::path::Path, contact: SigningKey, account: Option<[u8; 32]>) -> Result<Arc<Self>> {
		let hoster = Arc::new(Hoster {
			store: Store::open(data)?,
			feeds: RwLock::new(HashMap::new()),
			contact,
			account,
			stats: Mutex::new(Stats::default()),
		});
		hoster.refresh()?;
		Ok(hoster)
	}

	/// Loads new feeds and feeds whose header changed (they grew).
	pub fn refresh(&self) -> Result<()> {
		for key in self.store.keys()? {
			let Some(version) = header_version(&self.store.header_path(&key)) else { continue };
			let current = self.feeds.read().map_err(|_| anyhow::anyhow!("lock poisoned"))?.get(&key).map(|f| f.1);
			if current == Some(version) {
				continue;
			}
			if let Some(feed) = self.store.feed(&key)? {
				if let Ok(mut feeds) = self.feeds.write() {
					feeds.insert(key, (Arc::new(feed), version));
				}
			}
		}
		Ok(())
	}

	fn feed(&self, key: &[u8; 32]) -> Option<Arc<Feed>> {
		let found = self.feeds.read().ok()?.get(key).map(|f| f.0.clone());
		if found.is_some() {
			return found;
		}
		// A feed stored after the last refresh.
		self.refresh().ok()?;
		self.feeds.read().ok()?.get(key).map(|f| f.0.clone())
	}

	fn count(&self, feed: &str, peer: &str, blocks: u64, bytes: u64) {
		if let Ok(mut stats) = self.stats.lock() {
			let stats = &mut *stats;
			for t in [stats.feeds.entry(feed.to_string()).or_default(), stats.peers.entry(peer.to_string()).or_default()] {
				t.requests += 1;
				t.blocks += blocks;
				t.bytes += bytes;
			}
		}
	}

	/// A snapshot of the statistics.
	pub fn stats(&self) -> Stats {
		self.stats.lock().map(|s| s.clone()).unwrap_or_default()
	}

	/// The routes.
	pub fn router(self: &Arc<Self>) -> Router {
		Router::new()
			.route("/feeds", get(list_feeds))
			.route("/feeds/{key}", get(feed_state))
			.route("/feeds/{key}/blocks/{index}", get(block))
			.route("/hello", get(hello))
			.route("/stats", get(stats))
			.route("/metrics", get(metrics))
			.fallback(|| async { error(StatusCode::NOT_FOUND, "no such route") })
			.with_state(self.clone())
	}
}

/// The query of a block request.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BlockQuery {
	/// Anchor length.
	pub length: Option<u64>,
	/// (request id, nonce, attestor) of a benchmark challenge.
	pub challenge: Option<(u64, [u8; 32], [u8; 32])>,
}

/// Parses `length=&request=&nonce=&attestor=`: every value well-formed, no
/// unknown or repeated names, the challenge all or nothing.
pub fn parse_block_query(query: Option<&str>) -> Result<BlockQuery, String> {
	let mut fields: HashMap<&str, &str> = HashMap::new();
	for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
		let (name, value) = pair.split_once('=').ok_or_else(|| format!("malformed query part {pair:?}"))?;
		if !matches!(name, "length" | "request" | "nonce" | "attestor") {
			return Err(format!("unknown query parameter {name:?}"));
		}
		if fields.insert(name, value).is_some() {
			return Err(format!("query parameter {name:?} given twice"));
		}
	}
	let number = |name: &str| -> Result<Option<u64>, String> {
		fields.get(name).map(|v| v.parse().map_err(|_| format!("{name} must be a whole number, got {v:?}"))).transpose()
	};
	let key = |name: &str| -> Result<Option<[u8; 32]>, String> {
		fields.get(name).map(|v| hex32(v).map_err(|_| format!("{name} must be 64 hex characters"))).transpose()
	};
	let length = number("length")?;
	let challenge = match (number("request")?, key("nonce")?, key("attestor")?) {
		(Some(r), Some(n), Some(a)) => Some((r, n, a)),
		(None, None, None) => None,
		_ => return Err("request, nonce and attestor go together".into()),
	};
	Ok(BlockQuery { length, challenge })
}

async fn block(
	State(h): State<Arc<Hoster>>,
	Path((key, index)): Path<(String, String)>,
	RawQuery(query): RawQuery,
	ConnectInfo(remote): ConnectInfo<SocketAddr>,
) -> Response {
	let Ok(key) = hex32(&key) else { return error(StatusCode::BAD_REQUEST, "the feed key must be 64 hex characters") };
	let Ok(index) = index.parse::<u64>() else {
		return error(StatusCode::BAD_REQUEST, "the block index must be a whole number");
	};
	let q = match parse_block_query(query.as_deref()) {
		Ok(q) => q,
		Err(e) => return error(StatusCode::BAD_REQUEST, e),
	};
	let Some(feed) = h.feed(&key) else { return error(StatusCode::NOT_FOUND, "unknown feed") };
	let key_hex = hex::encode(key);
	let peer = q.challenge.map(|c| hex::encode(c.2)).unwrap_or_else(|| remote.ip().to_string());
	let length = q.length.unwrap_or(feed.state().length);
	let proof = match feed.proof(index, length) {
		Ok(p) => p,
		Err(e) => {
			h.count(&key_hex, &peer, 0, 0);
			return match e {
				ServeError::LengthOutOfRange => error(
					StatusCode::RANGE_NOT_SATISFIABLE,
					format!("length {length} is beyond the stored length {}", feed.state().length),
				),
				ServeError::IndexOutOfRange =>
					error(StatusCode::RANGE_NOT_SATISFIABLE, format!("block {index} is not below length {length}")),
				ServeError::Storage(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("storage: {e}")),
			};
		},
	};
	// The leaf hash is stored in the tree: the contact proof costs no re-hash of the block.
	let contact_signature = match (q.challenge, feed.node(2 * index)) {
		(Some((request, nonce, attestor)), Some(leaf)) =>
			Some(h.contact.sign(&contact_message(request, &nonce, &attestor, index, &leaf.hash)).to_bytes()),
		(Some(_), None) => return error(StatusCode::INTERNAL_SERVER_ERROR, "storage: leaf node missing"),
		(None, _) => None,
	};
	let bytes = proof.value.len() as u64;
	h.count(&key_hex, &peer, 1, bytes);
	let body = ServedBlock { proof, contact_signature }.encode();
	([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response()
}

async fn feed_state(State(h): State<Arc<Hoster>>, Path(key): Path<String>) -> Response {
	let Ok(key) = hex32(&key) else { return error(StatusCode::BAD_REQUEST, "the feed key must be 64 hex characters") };
	match h.feed(&key) {
		Some(feed) if feed.state().length > 0 => Json(feed.state().to_json()).into_response(),
		_ => error(StatusCode::NOT_FOUND, "unknown feed"),
	}
}

async fn list_feeds(State(h): State<Arc<Hoster>>) -> Response {
	let _ = h.refresh();
	let keys: Vec<String> =
		h.feeds.read().map(|f| f.keys().map(hex::encode).collect()).unwrap_or_default();
	Json(json!({ "feeds": keys })).into_response()
}

/// The greeting's signed message: context, account (32 zero bytes if none), contact key, feed keys.
pub fn hello_message(account: &[u8; 32], contact_key: &[u8; 32], feeds: &[[u8; 32]]) -> Vec<u8> {
	let mut m = b"hosting/hello/v1".to_vec();
	m.extend_from_slice(account);
	m.extend_from_slice(contact_key);
	(feeds.len() as u32).encode_to(&mut m);
	for f in feeds {
		m.extend_from_slice(f);
	}
	m
}

async fn hello(State(h): State<Arc<Hoster>>) -> Response {
	let _ = h.refresh();
	let mut feeds: Vec<[u8; 32]> = h.feeds.read().map(|f| f.keys().copied().collect()).unwrap_or_default();
	feeds.sort();
	let account = h.account.unwrap_or([0; 32]);
	let contact_key = h.contact.verifying_key().to_bytes();
	let signature = h.contact.sign(&hello_message(&account, &contact_key, &feeds));
	Json(json!({
		"account": h.account.map(hex::encode),
		"contact_key": hex::encode(contact_key),
		"feeds": feeds.iter().map(hex::encode).collect::<Vec<_>>(),
		"signature": hex::encode(signature.to_bytes()),
	}))
	.into_response()
}

async fn stats(State(h): State<Arc<Hoster>>) -> Response {
	Json(h.stats()).into_response()
}

/// The statistics in Prometheus text format.
pub fn prometheus(stats: &Stats) -> String {
	let mut out = String::new();
	for (metric, help, pick) in [
		("hoster_requests_total", "Block requests answered.", (|t: &Traffic| t.requests) as fn(&Traffic) -> u64),
		("hoster_uploaded_blocks_total", "Blocks uploaded.", |t: &Traffic| t.blocks),
		("hoster_uploaded_bytes_total", "Block bytes uploaded.", |t: &Traffic| t.bytes),
	] {
		out.push_str(&format!("# HELP {metric} {help}\n# TYPE {metric} counter\n"));
		for (feed, t) in &stats.feeds {
			out.push_str(&format!("{metric}{{feed=\"{feed}\"}} {}\n", pick(t)));
		}
		for (peer, t) in &stats.peers {
			out.push_str(&format!("{metric}{{peer=\"{peer}\"}} {}\n", pick(t)));
		}
	}
	out
}

async fn metrics(State(h): State<Arc<Hoster>>) -> Response {
	([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], prometheus(&h.stats())).into_response()
}

/// Connections the kernel may queue for [`bind`]'s listener before they are
/// accepted (capped by `net.core.somaxconn`).
pub const LISTEN_BACKLOG: u32 = 4096;

/// A listener on `addr` that queues up to [`LISTEN_BACKLOG`] connections. One
/// off-chain run of an attestor opens one connection per chunk, hundreds at
/// once; with tokio's default of 128 the kernel drops the rest of the burst and
/// those clients retry a second later, which the attestor measures as latency.
pub async fn bind(addr: &str) -> std::io::Result<tokio::net::TcpListener> {
	let mut last = std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("`{addr}` names no address"));
	for addr in tokio::net::lookup_host(addr).await? {
		let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
		socket.set_reuseaddr(true)?;
		match socket.bind(addr).and_then(|()| socket.listen(LISTEN_BACKLOG)) {
			Ok(listener) => return Ok(listener),
			Err(e) => last = e,
		}
	}
	Err(last)
}

/// Serves until the listener fails or `shutdown` resolves; refreshes feeds every 2 s.
pub async fn serve(
	hoster: Arc<Hoster>,
	listener: tokio::net::TcpListener,
	shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
	let refresher = {
		let hoster = hoster.clone();
		tokio::spawn(async move {
			loop {
				tokio::time::sleep(Duration::from_secs(2)).await;
				let h = hoster.clone();
				let _ = tokio::task::spawn_blocking(move || h.refresh()).await;
			}
		})
	};
	let app = hoster.router().into_make_service_with_connect_info::<SocketAddr>();
	let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
	refresher.abort();
	Ok(result?)
}
