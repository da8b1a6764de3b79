//! `hoster serve`: the HTTP API attestors and other hosters use.
//!
//! | route | answer |
//! | --- | --- |
//! | `GET /feeds/{key}/blocks/{index}?length=` | SCALE `BlockProof`: the block and its proof anchored at `length` (default: stored length); noted in the [`ServedLog`] |
//! | `POST /contact` | SCALE `ContactAnswer`: one contact proof per block the SCALE `ContactRequest` names, each served to this address at that length ([`ServedLog`]) |
//! | `GET /feeds/{key}` | the feed's signed state (JSON) |
//! | `GET /feeds` | keys of the hosted feeds (JSON) |
//! | `GET /hello` | the hosting extension's greeting: account, contact key, feeds, signed (JSON) |
//! | `GET /stats` | uploaded blocks and bytes, request counts, per feed, per peer address and per attestor vouched for (JSON, bounded: [`stats`]) |
//!
//! `GET /metrics`, the same figures in Prometheus text format, is served on a
//! listener of its own ([`Hoster::metrics_router`], [`serve_metrics`];
//! `hoster serve --metrics-listen`, loopback by default), not on the public one.
//!
//! The block and contact routes are the protocol of [`hypercore_verify::wire`],
//! which defines the URL, the query's rules, the answers and the contact
//! proof. A block request does no signature work: whoever asks gets the same
//! answer. Bad input gets an [`ApiError`]: a JSON error with a fitting status:
//! malformed key, index, query or contact request 400, a contact request for
//! blocks not served to its address 403, unknown feed 404, a contact request
//! body too slow 408 or too large 413, `index ≥ length` or `length` beyond the
//! stored length 416. Keys are parsed as hex before anything touches the disk,
//! so no request reads outside the data directory.
//!
//! Requests never list the data directory: the feeds are loaded when the server
//! starts and reloaded by a timer every [`REFRESH_EVERY`] (new feeds, and feeds
//! that grew), on a blocking thread.

mod error;
pub mod served;
pub mod stats;

use std::{
	collections::HashMap,
	future::Future,
	net::SocketAddr,
	sync::{Arc, Mutex, PoisonError, RwLock},
	time::{Duration, SystemTime},
};

use axum::{
	body::Body,
	body::HttpBody,
	extract::{ConnectInfo, Path, RawQuery, Request, State},
	http::header,
	middleware::{self, Next},
	response::{IntoResponse, Response},
	routing::{get, post},
	Json, Router,
};
use codec::{DecodeAll, Encode};
use ed25519_dalek::{Signer, SigningKey};
use hypercore_verify::{
	contact::MAX_CONTACT_REQUEST_BYTES, wire::parse_block_query, ContactAnswer, ContactRequest,
};
use serde_json::json;

pub use error::ApiError;
pub use served::ServedLog;
pub use stats::{prometheus, Stats, Traffic};

use crate::{
	hello::{signed_hello, HeldFeed, Hello},
	store::{hex32, Feed, Store, StoreError},
};

/// How often the served feeds are reloaded from the data directory.
pub const REFRESH_EVERY: Duration = Duration::from_secs(2);

/// Identifies one written version of a `header.json`. Every write is a rename of
/// a new file, so the inode changes even when the clock (whose file timestamps
/// advance in kernel ticks) does not.
type HeaderVersion = (u64, u64, Option<SystemTime>);

fn header_version(path: &std::path::Path) -> Option<HeaderVersion> {
	use std::os::unix::fs::MetadataExt;
	let metadata = std::fs::metadata(path).ok()?;
	Some((metadata.ino(), metadata.len(), metadata.modified().ok()))
}

/// A loaded feed and the version of its header it was loaded from.
type LoadedFeed = (Arc<Feed>, HeaderVersion);

/// The server's shared state.
pub struct Hoster {
	store: Store,
	feeds: RwLock<HashMap<[u8; 32], LoadedFeed>>,
	contact: SigningKey,
	account: RwLock<Option<[u8; 32]>>,
	/// `<data>/account`, re-read on refresh, when no account was given.
	account_file: Option<std::path::PathBuf>,
	stats: Mutex<Stats>,
	served: Mutex<ServedLog>,
}

impl Hoster {
	/// A server over `data`, proving contact with `contact`, announcing
	/// `account`; without one, the account `hoster chain register` saved in
	/// `<data>/account`, read again on every refresh (a hoster registers while
	/// it serves, since its registration benchmark fetches from it).
	pub fn new(
		data: &std::path::Path,
		contact: SigningKey,
		account: Option<[u8; 32]>,
	) -> Result<Arc<Self>, StoreError> {
		let hoster = Arc::new(Hoster {
			store: Store::open(data)?,
			feeds: RwLock::new(HashMap::new()),
			contact,
			account: RwLock::new(account),
			account_file: account.is_none().then(|| data.join("account")),
			stats: Mutex::new(Stats::default()),
			served: Mutex::new(ServedLog::default()),
		});
		hoster.refresh()?;
		Ok(hoster)
	}

	/// Loads new feeds and feeds whose header changed (they grew), and forgets
	/// feeds removed from the store. Lists the data directory: [`serve`] calls
	/// it from a timer, never from a request.
	pub fn refresh(&self) -> Result<(), StoreError> {
		if let Some(file) = &self.account_file {
			let saved = std::fs::read_to_string(file)
				.ok()
				.and_then(|a| crate::accounts::parse_account(a.trim()).ok());
			*self.account.write().unwrap_or_else(PoisonError::into_inner) = saved;
		}
		let keys = self.store.keys()?;
		let stored: std::collections::HashSet<&[u8; 32]> = keys.iter().collect();
		self.feeds
			.write()
			.unwrap_or_else(PoisonError::into_inner)
			.retain(|key, _| stored.contains(key));
		for key in keys {
			let Some(version) = header_version(&self.store.header_path(&key)) else { continue };
			if self.feeds.read().unwrap_or_else(PoisonError::into_inner).get(&key).map(|f| f.1)
				== Some(version)
			{
				continue;
			}
			if let Some(feed) = self.store.feed(&key)? {
				self.feeds
					.write()
					.unwrap_or_else(PoisonError::into_inner)
					.insert(key, (Arc::new(feed), version));
			}
		}
		Ok(())
	}

	/// A loaded feed.
	fn feed(&self, key: &[u8; 32]) -> Option<Arc<Feed>> {
		self.feeds
			.read()
			.unwrap_or_else(PoisonError::into_inner)
			.get(key)
			.map(|f| f.0.clone())
	}

	/// Replaces the Hypercore protocol's traffic shown by `/stats` and `/metrics`
	/// with what the swarm peer last reported.
	pub fn set_swarm_traffic(
		&self,
		feeds: std::collections::BTreeMap<String, crate::swarm::seed::SwarmTraffic>,
	) {
		self.stats.lock().unwrap_or_else(PoisonError::into_inner).swarm = feeds;
	}

	/// The chain account the hoster announces.
	pub fn account(&self) -> Option<[u8; 32]> {
		*self.account.read().unwrap_or_else(PoisonError::into_inner)
	}

	/// The served feeds with their lengths, sorted by key.
	pub fn held_feeds(&self) -> Vec<HeldFeed> {
		let mut feeds: Vec<HeldFeed> = self
			.feeds
			.read()
			.unwrap_or_else(PoisonError::into_inner)
			.iter()
			.map(|(key, (feed, _))| HeldFeed { key: *key, length: feed.state().length })
			.collect();
		feeds.sort_by_key(|f| f.key);
		feeds
	}

	/// Keys of the loaded feeds, sorted.
	fn feed_keys(&self) -> Vec<[u8; 32]> {
		let mut keys: Vec<[u8; 32]> = self
			.feeds
			.read()
			.unwrap_or_else(PoisonError::into_inner)
			.keys()
			.copied()
			.collect();
		keys.sort();
		keys
	}

	fn count(&self, feed: &str, ip: &str, blocks: u64, bytes: u64) {
		self.stats
			.lock()
			.unwrap_or_else(PoisonError::into_inner)
			.count(feed, ip, blocks, bytes);
	}

	/// A snapshot of the statistics.
	pub fn stats(&self) -> Stats {
		self.stats.lock().unwrap_or_else(PoisonError::into_inner).clone()
	}

	/// The routes. The block route reads the peer's address from
	/// [`ConnectInfo`]: serve with `into_make_service_with_connect_info`.
	pub fn router(self: &Arc<Self>) -> Router {
		Router::new()
			.route("/feeds", get(list_feeds))
			.route("/feeds/{key}", get(feed_state))
			.route("/feeds/{key}/blocks/{index}", get(block))
			.route("/contact", post(contact))
			.route("/hello", get(hello))
			.route("/stats", get(stats))
			.fallback(|| async { ApiError::NoRoute })
			.layer(middleware::from_fn(access_log))
			.with_state(self.clone())
	}

	/// The metrics route, `GET /metrics`, for a listener of its own that only
	/// the operator's Prometheus reaches.
	pub fn metrics_router(self: &Arc<Self>) -> Router {
		Router::new()
			.route("/metrics", get(metrics))
			.fallback(|| async { ApiError::NoRoute })
			.with_state(self.clone())
	}
}

/// Target of the access log: one `info` line per request.
pub const ACCESS_LOG: &str = "hoster::access";

/// Logs one line per request at `info` on [`ACCESS_LOG`]: method, path (the
/// query left out: it is bounded by the parser, not by the log), status, body
/// bytes, duration in microseconds and the peer's address.
pub(crate) async fn access_log(request: Request, next: Next) -> Response {
	if !tracing::enabled!(target: ACCESS_LOG, tracing::Level::INFO) {
		return next.run(request).await;
	}
	let method = request.method().clone();
	let path = request.uri().path().to_owned();
	let peer = request
		.extensions()
		.get::<ConnectInfo<SocketAddr>>()
		.map_or_else(|| "-".to_owned(), |ConnectInfo(addr)| addr.to_string());
	let started = std::time::Instant::now();
	let response = next.run(request).await;
	let bytes = response
		.body()
		.size_hint()
		.exact()
		.map_or_else(|| "-".to_owned(), |n| n.to_string());
	tracing::info!(
		target: ACCESS_LOG,
		"{method} {path} {} {bytes} bytes {} us from {peer}",
		response.status().as_u16(),
		started.elapsed().as_micros()
	);
	response
}

fn parse_key(key: &str) -> Result<[u8; 32], ApiError> {
	hex32(key).map_err(|_| ApiError::BadKey)
}

/// `GET /feeds/{key}/blocks/{index}`: a SCALE [`BlockProof`](hypercore_verify::BlockProof)
/// anchored at `?length=` (default: the stored length), the same for every
/// client; noted in the [`ServedLog`] so that a contact request can vouch for it.
async fn block(
	State(hoster): State<Arc<Hoster>>,
	Path((key, index)): Path<(String, String)>,
	RawQuery(query): RawQuery,
	ConnectInfo(remote): ConnectInfo<SocketAddr>,
) -> Result<Response, ApiError> {
	let key = parse_key(&key)?;
	let index: u64 = index.parse().map_err(|_| ApiError::BadIndex)?;
	let query = parse_block_query(query.as_deref().unwrap_or(""))?;
	let feed = hoster.feed(&key).ok_or(ApiError::UnknownFeed)?;
	let key_hex = hex::encode(key);
	let ip = remote.ip().to_string();
	let stored = feed.state().length;
	let length = query.length.unwrap_or(stored);
	let (body, size) = feed.encoded_proof(index, length).map_err(|e| {
		hoster.count(&key_hex, &ip, 0, 0);
		ApiError::serving(e, index, length, stored)
	})?;
	hoster.count(&key_hex, &ip, 1, size);
	hoster.served.lock().unwrap_or_else(PoisonError::into_inner).note(
		remote.ip(),
		&key,
		length,
		index,
		std::time::Instant::now(),
	);
	Ok(([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response())
}

/// Longest a client may take to send a contact request's body.
pub const CONTACT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// `POST /contact`: for a SCALE [`ContactRequest`], a SCALE [`ContactAnswer`]
/// with one contact proof per block named, each block served to this peer's
/// address at the length named ([`ServedLog`]) with the leaf hash named. All
/// or nothing: one block that does not qualify refuses the request (403).
async fn contact(
	State(hoster): State<Arc<Hoster>>,
	ConnectInfo(remote): ConnectInfo<SocketAddr>,
	body: Body,
) -> Result<Response, ApiError> {
	let bytes = tokio::time::timeout(
		CONTACT_BODY_TIMEOUT,
		axum::body::to_bytes(body, MAX_CONTACT_REQUEST_BYTES),
	)
	.await
	.map_err(|_| ApiError::BodyTimeout)?
	.map_err(|_| ApiError::BodyTooLarge { limit: MAX_CONTACT_REQUEST_BYTES })?;
	let request = ContactRequest::decode_all(&mut &bytes[..])
		.map_err(|_| ApiError::BadContactRequest("the body is not one SCALE ContactRequest"))?;
	let mut seen = std::collections::BTreeSet::new();
	if !request.blocks.iter().all(|b| seen.insert(b.index)) {
		return Err(ApiError::BadContactRequest("a block is named twice"));
	}
	let feed = hoster.feed(&request.feed).ok_or(ApiError::UnknownFeed)?;
	let not_served = |index| ApiError::NotServed { index, length: request.length };
	// The log first, under its lock; the tree's leaves after, off it (they are disk reads).
	let now = std::time::Instant::now();
	if let Some(block) = {
		let served = hoster.served.lock().unwrap_or_else(PoisonError::into_inner);
		request.blocks.iter().find(|block| {
			!served.was_served(remote.ip(), &request.feed, request.length, block.index, now)
		})
	} {
		return Err(not_served(block.index));
	}
	let mut bytes_vouched = 0;
	for block in request.blocks.iter() {
		let leaf = block
			.index
			.checked_mul(2)
			.and_then(|at| feed.node(at))
			.filter(|leaf| leaf.hash == block.leaf_hash)
			.ok_or_else(|| not_served(block.index))?;
		bytes_vouched += leaf.size;
	}
	let signatures = request
		.blocks
		.iter()
		.map(|block| hoster.contact.sign(&request.message(block)).to_bytes())
		.collect::<Vec<_>>();
	hoster.stats.lock().unwrap_or_else(PoisonError::into_inner).vouch(
		&hex::encode(request.attestor),
		signatures.len() as u64,
		bytes_vouched,
	);
	// As many signatures as blocks, which are at most MAX_CONTACT_BLOCKS.
	let answer = ContactAnswer { signatures: signatures.try_into().unwrap_or_default() };
	Ok(([(header::CONTENT_TYPE, "application/octet-stream")], answer.encode()).into_response())
}

/// `GET /feeds/{key}`: the feed's signed state, once it has blocks.
async fn feed_state(
	State(hoster): State<Arc<Hoster>>,
	Path(key): Path<String>,
) -> Result<Response, ApiError> {
	let key = parse_key(&key)?;
	match hoster.feed(&key) {
		Some(feed) if feed.state().length > 0 => Ok(Json(feed.state().to_json()).into_response()),
		_ => Err(ApiError::UnknownFeed),
	}
}

/// `GET /feeds`: the keys of the served feeds.
async fn list_feeds(State(hoster): State<Arc<Hoster>>) -> Json<serde_json::Value> {
	let keys: Vec<String> = hoster.feed_keys().iter().map(hex::encode).collect();
	Json(json!({ "feeds": keys }))
}

/// `GET /hello`: account, contact key and every feed with its length, signed
/// with the contact key ([`crate::hello`]).
async fn hello(State(hoster): State<Arc<Hoster>>) -> Json<Hello> {
	Json(signed_hello(&hoster.contact, hoster.account(), &hoster.held_feeds()))
}

/// `GET /stats`.
async fn stats(State(hoster): State<Arc<Hoster>>) -> Json<Stats> {
	Json(hoster.stats())
}

/// `GET /metrics`.
async fn metrics(State(hoster): State<Arc<Hoster>>) -> impl IntoResponse {
	([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], prometheus(&hoster.stats()))
}

/// Connections the kernel may queue for [`bind`]'s listener before they are
/// accepted (capped by `net.core.somaxconn`).
pub const LISTEN_BACKLOG: u32 = 4096;

/// A listener on `addr` that queues up to [`LISTEN_BACKLOG`] connections. One
/// off-chain run of an attestor opens one connection per chunk, hundreds at
/// once; with tokio's default of 128 the kernel drops the rest of the burst and
/// those clients retry a second later, which the attestor measures as latency.
pub async fn bind(addr: &str) -> std::io::Result<tokio::net::TcpListener> {
	let mut last =
		std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("`{addr}` names no address"));
	for addr in tokio::net::lookup_host(addr).await? {
		let socket = if addr.is_ipv4() {
			tokio::net::TcpSocket::new_v4()?
		} else {
			tokio::net::TcpSocket::new_v6()?
		};
		socket.set_reuseaddr(true)?;
		match socket.bind(addr).and_then(|()| socket.listen(LISTEN_BACKLOG)) {
			Ok(listener) => return Ok(listener),
			Err(e) => last = e,
		}
	}
	Err(last)
}

/// Resolves on Ctrl-C or SIGTERM: what `hoster serve` stops on.
pub async fn shutdown_signal() {
	let interrupt = tokio::signal::ctrl_c();
	let mut terminate =
		tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
	let terminated = async {
		match terminate.as_mut() {
			Some(signal) => {
				signal.recv().await;
			},
			None => std::future::pending::<()>().await,
		}
	};
	tokio::select! {
		_ = interrupt => {},
		_ = terminated => {},
	}
}

/// What one client may hold of [`serve_with`]: connections and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServeLimits {
	/// Most connections open at once. Past it a new connection is closed as
	/// soon as it is accepted, so the ones being served keep their memory and
	/// file descriptors. An attestor's run opens one per chunk it asks for.
	pub max_connections: usize,
	/// Longest a client may take to send a request's headers, counted from
	/// when the server waits for them (a new connection, or one kept alive
	/// after an answer): a slow-loris or idle client is disconnected then.
	pub header_timeout: Duration,
}

impl Default for ServeLimits {
	/// 8,192 connections, 10 s for headers.
	fn default() -> Self {
		Self { max_connections: 8192, header_timeout: Duration::from_secs(10) }
	}
}

/// Longest [`serve_with`] lets the answers in flight finish once it stops.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// [`serve_with`] with the default [`ServeLimits`].
pub async fn serve(
	hoster: Arc<Hoster>,
	listener: tokio::net::TcpListener,
	shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
	serve_with(hoster, listener, ServeLimits::default(), shutdown).await
}

/// Serves until `shutdown` resolves (e.g. [`shutdown_signal`]), within
/// `limits`; reloads the feeds every [`REFRESH_EVERY`] on a blocking thread.
/// On shutdown it stops accepting, lets the answers in flight finish (for at
/// most [`SHUTDOWN_GRACE`]) and returns.
pub async fn serve_with(
	hoster: Arc<Hoster>,
	listener: tokio::net::TcpListener,
	limits: ServeLimits,
	shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
	let refresher = {
		let hoster = hoster.clone();
		tokio::spawn(async move {
			loop {
				tokio::time::sleep(REFRESH_EVERY).await;
				let hoster = hoster.clone();
				// A feed that cannot be read now is tried again on the next tick.
				if let Ok(Err(e)) = tokio::task::spawn_blocking(move || hoster.refresh()).await {
					tracing::warn!("reloading the stored feeds failed: {e}");
				}
			}
		})
	};
	let router = hoster.router();
	let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
	let (closing, closing_seen) = tokio::sync::watch::channel(false);
	let mut shutdown = std::pin::pin!(shutdown);
	loop {
		let (stream, remote) = tokio::select! {
			accepted = listener.accept() => match accepted {
				Ok(connection) => connection,
				Err(e) => {
					// Out of file descriptors, or a connection reset before it was
					// accepted: keep serving the others.
					tracing::warn!("accepting a connection failed: {e}");
					tokio::time::sleep(Duration::from_millis(50)).await;
					continue;
				},
			},
			() = &mut shutdown => break,
		};
		let Ok(slot) = slots.clone().try_acquire_owned() else {
			tracing::debug!(
				target: ACCESS_LOG,
				"connection from {remote} closed: {} open already",
				limits.max_connections
			);
			continue;
		};
		tokio::spawn(serve_connection(
			router.clone(),
			stream,
			remote,
			limits.header_timeout,
			closing_seen.clone(),
			slot,
		));
	}
	let _ = closing.send(true);
	let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
	let _ = tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(all)).await;
	refresher.abort();
	Ok(())
}

/// Serves one HTTP/1.1 connection (keep-alive) with the routes, the peer's
/// address as [`ConnectInfo`], and the header timeout; on `closing` it
/// finishes the answer in flight and closes. `_slot` is its place in the
/// connection limit, given back when it ends.
async fn serve_connection(
	router: Router,
	stream: tokio::net::TcpStream,
	remote: SocketAddr,
	header_timeout: Duration,
	mut closing: tokio::sync::watch::Receiver<bool>,
	_slot: tokio::sync::OwnedSemaphorePermit,
) {
	let service =
		hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
			let mut request = request.map(axum::body::Body::new);
			request.extensions_mut().insert(ConnectInfo(remote));
			tower::ServiceExt::oneshot(router.clone(), request)
		});
	let mut builder = hyper::server::conn::http1::Builder::new();
	builder
		.timer(hyper_util::rt::TokioTimer::new())
		.header_read_timeout(header_timeout);
	let connection = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
	let mut connection = std::pin::pin!(connection);
	tokio::select! {
		_ = connection.as_mut() => {},
		_ = closing.changed() => {
			connection.as_mut().graceful_shutdown();
			let _ = connection.as_mut().await;
		},
	}
}

/// Serves [`Hoster::metrics_router`] on `listener` until it fails or `shutdown` resolves.
pub async fn serve_metrics(
	hoster: Arc<Hoster>,
	listener: tokio::net::TcpListener,
	shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
	axum::serve(listener, hoster.metrics_router())
		.with_graceful_shutdown(shutdown)
		.await
}
