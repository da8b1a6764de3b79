//! A scripted off-chain externality for the attestor's tests: HTTP, the
//! clock and persistent storage. Its canned responses say when headers
//! arrive, how long the body takes, which status comes back, or that the host
//! is unreachable or never answers; a POST's response can be made from its
//! body ([`Reply::Answer`]). Its clock only moves when the worker
//! waits, as the real one would have, so measured latency and bandwidth are
//! exact and timeouts are reached by advancing the clock past the deadline.

use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
};

use sp_core::{
	offchain::{
		DbExternalities, Externalities, HttpError, HttpRequestId, HttpRequestStatus,
		OpaqueNetworkState, StorageKind, Timestamp,
	},
	OpaquePeerId,
};

/// How a scripted host answers one URL.
#[derive(Clone, Debug)]
pub(super) enum Reply {
	/// Headers after `first_byte_ms`, then the body over `body_ms`.
	Serve { status: u16, body: Vec<u8>, first_byte_ms: u64, body_ms: u64 },
	/// Headers after `first_byte_ms` with `partial` of a body, then nothing
	/// more, ever (the connection stays open).
	Stall { status: u16, partial: Vec<u8>, first_byte_ms: u64 },
	/// The connection fails at once.
	Unreachable,
	/// Nothing ever comes back.
	Silent,
	/// The reply is made from the request's body once it is sent.
	Answer(Answerer),
}

/// A function from a request's body to its reply.
pub(super) type Answer = dyn Fn(&[u8]) -> Reply + Send + Sync;

/// Makes a reply from a request's body.
#[derive(Clone)]
pub(super) struct Answerer(pub(super) Arc<Answer>);

impl std::fmt::Debug for Answerer {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("Answerer")
	}
}

/// One request the worker started.
#[derive(Clone, Debug)]
pub(super) struct Started {
	pub(super) method: String,
	pub(super) url: String,
	pub(super) headers: Vec<(String, String)>,
	pub(super) body: Vec<u8>,
	/// When it was sent (its body finished).
	pub(super) sent: u64,
	pub(super) reply: Reply,
	/// Body bytes read so far.
	pub(super) read: usize,
}

#[derive(Default)]
pub(super) struct State {
	pub(super) now: u64,
	pub(super) routes: HashMap<String, Reply>,
	/// Requests started.
	pub(super) requests: Vec<Started>,
	/// Each `http_response_wait`: the number of requests passed, its deadline,
	/// and how many requests had been started by then.
	pub(super) waits: Vec<(usize, Option<u64>, usize)>,
	/// Deadlines given to `http_request_write_body`.
	pub(super) send_deadlines: Vec<Option<u64>>,
	pub(super) storage: HashMap<Vec<u8>, Vec<u8>>,
	/// `Content-Length` values that differ from the body served, by URL.
	pub(super) declared: HashMap<String, usize>,
}

/// A scripted off-chain externality (HTTP, clock, persistent storage).
#[derive(Clone, Default)]
pub(super) struct Scripted(pub(super) Arc<Mutex<State>>);

pub(super) const START_MS: u64 = 1_700_000_000_000;

impl Scripted {
	pub(super) fn new() -> Self {
		let s = Self::default();
		s.0.lock().unwrap().now = START_MS;
		s
	}
	pub(super) fn route(&self, url: String, reply: Reply) {
		self.0.lock().unwrap().routes.insert(url, reply);
	}
	/// Makes `url`'s response declare `length` as its `Content-Length`
	/// (a served body declares its own length otherwise).
	pub(super) fn declare_length(&self, url: String, length: usize) {
		self.0.lock().unwrap().declared.insert(url, length);
	}
	/// The URLs of the GETs started, in order.
	pub(super) fn requested(&self) -> Vec<String> {
		self.started()
			.into_iter()
			.filter(|r| r.method == "GET")
			.map(|r| r.url)
			.collect()
	}
	/// Every request started, in order.
	pub(super) fn started(&self) -> Vec<Started> {
		self.0.lock().unwrap().requests.clone()
	}
	pub(super) fn elapsed(&self) -> u64 {
		self.0.lock().unwrap().now - START_MS
	}
	fn ready_at(reply: &Reply, sent: u64) -> Option<u64> {
		match reply {
			Reply::Serve { first_byte_ms, .. } | Reply::Stall { first_byte_ms, .. } => {
				Some(sent + first_byte_ms)
			},
			Reply::Unreachable => Some(sent),
			Reply::Silent | Reply::Answer(_) => None,
		}
	}
}

impl Externalities for Scripted {
	fn is_validator(&self) -> bool {
		true
	}
	fn network_state(&self) -> Result<OpaqueNetworkState, ()> {
		Err(())
	}
	fn timestamp(&mut self) -> Timestamp {
		Timestamp::from_unix_millis(self.0.lock().unwrap().now)
	}
	fn sleep_until(&mut self, deadline: Timestamp) {
		let mut s = self.0.lock().unwrap();
		s.now = s.now.max(deadline.unix_millis());
	}
	fn random_seed(&mut self) -> [u8; 32] {
		[4; 32]
	}
	fn http_request_start(
		&mut self,
		method: &str,
		uri: &str,
		_meta: &[u8],
	) -> Result<HttpRequestId, ()> {
		assert!(method == "GET" || method == "POST", "{method}");
		let mut s = self.0.lock().unwrap();
		// A URL nobody scripted has no server behind it.
		let reply = s.routes.get(uri).cloned().unwrap_or(Reply::Unreachable);
		let now = s.now;
		s.requests.push(Started {
			method: method.into(),
			url: uri.into(),
			headers: Vec::new(),
			body: Vec::new(),
			sent: now,
			reply,
			read: 0,
		});
		Ok(HttpRequestId((s.requests.len() - 1) as u16))
	}
	fn http_request_add_header(
		&mut self,
		id: HttpRequestId,
		name: &str,
		value: &str,
	) -> Result<(), ()> {
		let mut s = self.0.lock().unwrap();
		s.requests[id.0 as usize].headers.push((name.into(), value.into()));
		Ok(())
	}
	/// Collects the body; an empty write sends the request, and an
	/// [`Reply::Answer`] is made then.
	fn http_request_write_body(
		&mut self,
		id: HttpRequestId,
		chunk: &[u8],
		deadline: Option<Timestamp>,
	) -> Result<(), HttpError> {
		let mut s = self.0.lock().unwrap();
		let now = s.now;
		let request = &mut s.requests[id.0 as usize];
		request.body.extend_from_slice(chunk);
		if chunk.is_empty() {
			request.sent = now;
			if let Reply::Answer(answer) = request.reply.clone() {
				request.reply = (answer.0)(&request.body);
			}
			s.send_deadlines.push(deadline.map(|d| d.unix_millis()));
		}
		Ok(())
	}
	/// Returns when every request is answered or at the deadline, like the node's.
	fn http_response_wait(
		&mut self,
		ids: &[HttpRequestId],
		deadline: Option<Timestamp>,
	) -> Vec<HttpRequestStatus> {
		let mut s = self.0.lock().unwrap();
		let started = s.requests.len();
		s.waits.push((ids.len(), deadline.map(|d| d.unix_millis()), started));
		let ready: Vec<Option<u64>> = ids
			.iter()
			.map(|id| {
				Self::ready_at(&s.requests[id.0 as usize].reply, s.requests[id.0 as usize].sent)
			})
			.collect();
		let all_ready = ready.iter().try_fold(0u64, |m, r| r.map(|r| m.max(r)));
		let until = match (all_ready, deadline.map(|d| d.unix_millis())) {
			(Some(a), Some(d)) => a.min(d),
			(Some(a), None) => a,
			(None, Some(d)) => d,
			(None, None) => panic!("waiting forever on a silent host"),
		};
		s.now = s.now.max(until);
		ids.iter()
			.zip(ready)
			.map(|(id, ready)| match (&s.requests[id.0 as usize].reply, ready) {
				(Reply::Unreachable, _) => HttpRequestStatus::IoError,
				(Reply::Serve { status, .. } | Reply::Stall { status, .. }, Some(r))
					if r <= s.now =>
				{
					HttpRequestStatus::Finished(*status)
				},
				_ => HttpRequestStatus::DeadlineReached,
			})
			.collect()
	}
	/// A served body's `Content-Length` (its own length unless declared
	/// otherwise); a stalled one is chunked and declares none.
	fn http_response_headers(&mut self, id: HttpRequestId) -> Vec<(Vec<u8>, Vec<u8>)> {
		let s = self.0.lock().unwrap();
		let request = &s.requests[id.0 as usize];
		let Reply::Serve { body, .. } = &request.reply else { return Vec::new() };
		let length = s.declared.get(&request.url).copied().unwrap_or(body.len());
		vec![(b"Content-Length".to_vec(), length.to_string().into_bytes())]
	}
	fn http_response_read_body(
		&mut self,
		id: HttpRequestId,
		buffer: &mut [u8],
		deadline: Option<Timestamp>,
	) -> Result<usize, HttpError> {
		let mut s = self.0.lock().unwrap();
		let Started { sent, reply, read, .. } = s.requests[id.0 as usize].clone();
		let (body, first_byte_ms, body_ms) = match reply {
			Reply::Serve { body, first_byte_ms, body_ms, .. } => (body, first_byte_ms, body_ms),
			Reply::Stall { partial, first_byte_ms, .. } => {
				if read < partial.len() && s.now >= sent + first_byte_ms {
					let n = buffer.len().min(partial.len() - read);
					buffer[..n].copy_from_slice(&partial[read..read + n]);
					s.requests[id.0 as usize].read += n;
					return Ok(n);
				}
				let until = deadline.expect("waiting forever on a stalled body").unix_millis();
				s.now = s.now.max(until);
				return Err(HttpError::DeadlineReached);
			},
			_ => return Err(HttpError::IoError),
		};
		let done = sent + first_byte_ms + body_ms;
		if s.now < done {
			if let Some(d) = deadline.map(|d| d.unix_millis()).filter(|d| *d < done) {
				s.now = s.now.max(d);
				return Err(HttpError::DeadlineReached);
			}
			s.now = done;
		}
		let n = buffer.len().min(body.len() - read);
		buffer[..n].copy_from_slice(&body[read..read + n]);
		s.requests[id.0 as usize].read += n;
		Ok(n)
	}
	fn set_authorized_nodes(&mut self, _: Vec<OpaquePeerId>, _: bool) {}
}

impl DbExternalities for Scripted {
	fn local_storage_set(&mut self, kind: StorageKind, key: &[u8], value: &[u8]) {
		assert_eq!(kind, StorageKind::PERSISTENT);
		self.0.lock().unwrap().storage.insert(key.to_vec(), value.to_vec());
	}
	fn local_storage_clear(&mut self, _: StorageKind, key: &[u8]) {
		self.0.lock().unwrap().storage.remove(key);
	}
	fn local_storage_compare_and_set(
		&mut self,
		_: StorageKind,
		key: &[u8],
		old: Option<&[u8]>,
		new: &[u8],
	) -> bool {
		let mut s = self.0.lock().unwrap();
		if s.storage.get(key).map(|v| v.as_slice()) != old {
			return false;
		}
		s.storage.insert(key.to_vec(), new.to_vec());
		true
	}
	fn local_storage_get(&mut self, _: StorageKind, key: &[u8]) -> Option<Vec<u8>> {
		self.0.lock().unwrap().storage.get(key).cloned()
	}
}
