//! The protocol between hosters and attestors, defined once: the block request
//! URL ([`block_url`], [`parse_block_query`]), what a hoster answers and signs,
//! and what an attestor checks and puts on chain. The hoster, the attestor's
//! off-chain worker and the chain all take their side of it from this crate.
//!
//! ## 1. The chain asks
//!
//! A benchmark request (at registration, on the periodic schedule, or on demand
//! through `request_performance_benchmark`) emits the `Hosting` pallet's event
//! `ProvidePerformanceBenchmark` with everything an assigned attestor needs:
//!
//! | field | meaning |
//! | --- | --- |
//! | `request` | the request id (`u64`), part of every contact proof |
//! | `hoster` | the account measured |
//! | `feed`, `feed_key` | the published feed's id and its 32-byte Hypercore key |
//! | `endpoint` | the hoster's base URL from its registration form (`http://` or `https://`) |
//! | `length` | the feed length every proof is anchored at: the registered length when the request was made |
//! | `chunks_per_attestor` | how many blocks each attestor fetches; which ones, each attestor draws below `length` from its own signature over the nonce and the request id (`pallet_hosting::chunks_of`), so the hoster cannot know them before it is asked |
//! | `nonce` | 32 random bytes, shared by the requests assigned in one block, that every contact proof must sign |
//! | `attestors` | the accounts assigned to measure |
//! | `deadline` | the last block a rating is accepted in |
//! | `kind` | `Registration`, `Periodic` or `OnDemand` |
//!
//! The request kept in storage also records the feed's tree hash at `length`
//! (the hash of its roots, which the feed's signature covers): the attestor
//! verifies against that, so a feed updated later does not change what counts
//! as the right answer.
//!
//! ## 2. The attestor fetches
//!
//! For each chunk `index`, one HTTP `GET` of
//!
//! ```text
//! {endpoint}/feeds/{key}/blocks/{index}?length={length}&request={request}&nonce={nonce}&attestor={attestor}
//! ```
//!
//! built by [`block_url`]: trailing `/`s of the endpoint are dropped, `key`,
//! `nonce` and `attestor` (the attestor's 32-byte account id) are 64 lowercase
//! hex characters, the numbers are decimal. All chunks of all requests a node
//! measures are sent at once and awaited under one deadline.
//!
//! The query, read by [`parse_block_query`], names nothing but `length`,
//! `request`, `nonce` and `attestor`, each at most once, every value
//! well-formed; `request`, `nonce` and `attestor` (the [`Challenge`]) come all
//! together or not at all. Without `length` the hoster anchors the proof at the
//! length it stores; without a challenge it sends no contact proof (that is
//! how hosters copy feeds from each other: `?length=` only).
//!
//! ## 3. The hoster answers
//!
//! `200 OK`, `Content-Type: application/octet-stream`, the body exactly one
//! SCALE-encoded [`ServedBlock`](crate::ServedBlock):
//!
//! * `proof`: a [`BlockProof`](crate::BlockProof): the block's index, its bytes,
//!   the sibling nodes up to its root and the other full roots, all of the tree
//!   at the requested `length`, which may be below the length the hoster stores
//!   now (a feed only grows; older trees stay provable);
//! * `contact_signature`: with a challenge, the hoster's proof of contact;
//!   without one, `None`.
//!
//! The proof of contact is the Ed25519 signature, by the contact key of the
//! hoster's registration form, of [`contact_message`](crate::contact_message):
//!
//! ```text
//! "hosting/contact-proof/v1" ‖ u64le(request) ‖ nonce ‖ attestor ‖ u64le(index) ‖ leaf hash
//! ```
//!
//! (136 bytes; the leaf hash is [`hashes::leaf`](crate::hashes::leaf) of the
//! block's bytes). It binds this block to this request, nonce and attestor, so a
//! proxy fetching from elsewhere or a replay of an earlier answer cannot
//! produce it.
//!
//! Errors carry a JSON body `{"error": "<message>", "status": <code>}`:
//!
//! | status | when |
//! | --- | --- |
//! | 400 | a key not of 64 hex characters, an index not a whole number, a query against the rules ([`QueryError`]) |
//! | 404 | the hoster stores no such feed (or no such route) |
//! | 416 | `length` is beyond the stored length, or `index` is not below `length` |
//! | 500 | the hoster's storage failed |
//!
//! ## 4. The attestor verifies
//!
//! Each chunk's body is decoded in place ([`decode_served_block`](crate::decode_served_block):
//! exactly one `ServedBlock`, no trailing bytes, at most a 4 MiB block) and
//! must then hold:
//!
//! 1. the block asked for (`index` equal to the chunk's number);
//! 2. a proof that verifies against the tree hash recorded in the request at its
//!    `length` ([`Anchor::TreeHash`](crate::Anchor::TreeHash));
//! 3. a contact signature that verifies with the hoster's contact key over the
//!    message above, with the request's id and nonce, the attestor's account and
//!    the leaf hash the proof verified.
//!
//! A chunk is valid, served wrong (a non-200 status: `Http(status)`; an
//! undecodable body: `Encoding`; a failed proof or wrong block: `Integrity`; a
//! missing or bad contact signature: `ContactProof`), unreachable (no
//! connection), or timed out. Times are taken with the node's off-chain clock
//! from the moment each request was sent.
//!
//! ## 5. What ends up on chain
//!
//! One rating per request and attestor, `RatingOutcome`:
//!
//! * `Normal { latency_ms, bandwidth_bytes_per_sec, bytes, chunks_verified, contact_proof }`
//!   when any chunk was valid and none was served wrong by integrity, contact
//!   proof or encoding: the earliest time to response headers among the valid
//!   chunks, their body bytes over the window from those first headers to the
//!   end of the last body, the bytes, how many chunks were valid, and the
//!   contact proof (block index, leaf hash, signature) of one of them;
//! * `Error(MeasurementFailure)` for a chunk served wrong (`Integrity` before
//!   `ContactProof` before `Encoding`, whatever the other chunks did), or, with
//!   no valid chunk, an `Http(status)` if one came, else `Unreachable`;
//! * `Timeout` when nothing valid came before the deadline.
//!
//! The attestor signs the rating with its sr25519 key (key type `host`) and
//! submits it as an authorized unsigned transaction. Before the rating enters
//! the pool the chain checks the attestor is assigned, has not answered, the
//! deadline has not passed, and, for a Normal rating, that the contact proof
//! names one of the request's chunks and verifies with the contact key the
//! hoster had when the request's committee was drawn. The rating is announced
//! by `BenchmarkRated` and kept with its request; when the committee has
//! rated (or at the deadline) the request closes once and its verdict updates
//! the hoster's figures (`HosterFigures`: availability = chunks verified /
//! chunks asked, reliability = whether the promise was met, smoothed latency
//! and bandwidth, the same per attestor region, and the last verdict), and
//! may activate or suspend the hoster.

use alloc::{string::String, vec::Vec};
use core::fmt::{self, Write};

use crate::feed::DEFAULT_SIGNER_NAMESPACE;

/// A benchmark challenge named in a block request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Challenge {
	/// The benchmark request's id.
	pub request: u64,
	/// The request's random nonce.
	pub nonce: [u8; 32],
	/// The 32-byte account id of the attestor asking.
	pub attestor: [u8; 32],
}

/// The query of a block request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockQuery {
	/// The length the proof is anchored at; `None`: the length the hoster stores.
	pub length: Option<u64>,
	/// The challenge a contact proof answers; `None`: no contact proof.
	pub challenge: Option<Challenge>,
}

/// Why a block request's query was refused (each a `400 Bad Request`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryError {
	/// A part with no `=`.
	Malformed(String),
	/// A name other than `length`, `request`, `nonce`, `attestor`.
	UnknownName(String),
	/// A name given more than once.
	Repeated(&'static str),
	/// `length` or `request` is not a whole number that fits a `u64`.
	NotANumber {
		/// The parameter.
		name: &'static str,
		/// Its value.
		value: String,
	},
	/// `nonce` or `attestor` is not 64 hex characters.
	NotHex(&'static str),
	/// Some but not all of `request`, `nonce` and `attestor`.
	PartialChallenge,
}

impl fmt::Display for QueryError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			QueryError::Malformed(part) => write!(f, "malformed query part {part:?}"),
			QueryError::UnknownName(name) => write!(f, "unknown query parameter {name:?}"),
			QueryError::Repeated(name) => write!(f, "query parameter {name:?} given twice"),
			QueryError::NotANumber { name, value } => {
				write!(f, "{name} must be a whole number, got {value:?}")
			},
			QueryError::NotHex(name) => write!(f, "{name} must be 64 hex characters"),
			QueryError::PartialChallenge => f.write_str("request, nonce and attestor go together"),
		}
	}
}

impl core::error::Error for QueryError {}

/// The names a block request's query may hold, in the order [`block_url`] writes them.
const QUERY_NAMES: [&str; 4] = ["length", "request", "nonce", "attestor"];

/// `{endpoint}/feeds/{key}`: the feed's signed state (JSON), as hosters copying a feed read it.
pub fn feed_url(endpoint: &str, key: &[u8; 32]) -> String {
	let mut url = String::from(endpoint.trim_end_matches('/'));
	url.push_str("/feeds/");
	push_hex(&mut url, key);
	url
}

/// `{endpoint}/feeds/{key}/blocks/{index}?length={length}`, followed with a
/// challenge by `&request={id}&nonce={hex}&attestor={hex}`; trailing `/`s of
/// `endpoint` are dropped, bytes are lowercase hex.
pub fn block_url(
	endpoint: &str,
	key: &[u8; 32],
	index: u64,
	length: u64,
	challenge: Option<&Challenge>,
) -> String {
	let mut url = feed_url(endpoint, key);
	// Writing into a `String` cannot fail.
	let _ = write!(url, "/blocks/{index}?length={length}");
	if let Some(c) = challenge {
		let _ = write!(url, "&request={}&nonce=", c.request);
		push_hex(&mut url, &c.nonce);
		url.push_str("&attestor=");
		push_hex(&mut url, &c.attestor);
	}
	url
}

/// Parses the query of a block request (the part after `?`, possibly empty):
/// every name one of `length`, `request`, `nonce`, `attestor` and given at most
/// once, every value well-formed, the challenge all or nothing. Empty parts
/// (`a=1&&b=2`) are skipped. The first rule broken, in that order, is the error.
pub fn parse_block_query(query: &str) -> Result<BlockQuery, QueryError> {
	let mut values: [Option<&str>; 4] = [None; 4];
	for part in query.split('&').filter(|p| !p.is_empty()) {
		let (name, value) =
			part.split_once('=').ok_or_else(|| QueryError::Malformed(part.into()))?;
		let slot = QUERY_NAMES
			.iter()
			.position(|n| *n == name)
			.ok_or_else(|| QueryError::UnknownName(name.into()))?;
		if values[slot].replace(value).is_some() {
			return Err(QueryError::Repeated(QUERY_NAMES[slot]));
		}
	}
	let [length, request, nonce, attestor] = values;
	let number = |name: &'static str, value: Option<&str>| {
		value
			.map(|v| v.parse::<u64>().map_err(|_| QueryError::NotANumber { name, value: v.into() }))
			.transpose()
	};
	let bytes = |name: &'static str, value: Option<&str>| {
		value.map(|v| decode_hex32(v).ok_or(QueryError::NotHex(name))).transpose()
	};
	let length = number("length", length)?;
	let challenge =
		match (number("request", request)?, bytes("nonce", nonce)?, bytes("attestor", attestor)?) {
			(Some(request), Some(nonce), Some(attestor)) => {
				Some(Challenge { request, nonce, attestor })
			},
			(None, None, None) => None,
			_ => return Err(QueryError::PartialChallenge),
		};
	Ok(BlockQuery { length, challenge })
}

/// The default manifest of a feed with one Ed25519 signer, as `new Hypercore()`
/// writes it: version 1, no flags, BLAKE2b, quorum 1, one Ed25519 signer in the
/// default namespace ([`DEFAULT_SIGNER_NAMESPACE`]). Its hash is the feed's key in
/// manifest mode.
pub fn default_manifest(signer: &[u8; 32]) -> Vec<u8> {
	// version, flags, hash (BLAKE2b), quorum, signer count, signature scheme (Ed25519)
	let mut manifest = alloc::vec![1u8, 0, 0, 1, 1, 0];
	manifest.extend_from_slice(&DEFAULT_SIGNER_NAMESPACE);
	manifest.extend_from_slice(signer);
	manifest
}

/// Lowercase hex of `bytes`.
pub fn encode_hex(bytes: &[u8]) -> String {
	let mut out = String::with_capacity(bytes.len() * 2);
	push_hex(&mut out, bytes);
	out
}

fn push_hex(out: &mut String, bytes: &[u8]) {
	const DIGITS: &[u8; 16] = b"0123456789abcdef";
	for b in bytes {
		out.push(DIGITS[usize::from(b >> 4)] as char);
		out.push(DIGITS[usize::from(b & 15)] as char);
	}
}

/// 32 bytes from exactly 64 hex characters (either case), or `None`.
pub fn decode_hex32(s: &str) -> Option<[u8; 32]> {
	let digits = s.as_bytes();
	if digits.len() != 64 {
		return None;
	}
	let mut out = [0u8; 32];
	for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
		*byte = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
	}
	Some(out)
}

fn hex_digit(c: u8) -> Option<u8> {
	match c {
		b'0'..=b'9' => Some(c - b'0'),
		b'a'..=b'f' => Some(c - b'a' + 10),
		b'A'..=b'F' => Some(c - b'A' + 10),
		_ => None,
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::{format, string::ToString};

	const KEY: [u8; 32] = [0xab; 32];
	const CHALLENGE: Challenge = Challenge { request: 77, nonce: [0x03; 32], attestor: [0xf4; 32] };

	fn query_of(url: &str) -> &str {
		url.split_once('?').map_or("", |(_, q)| q)
	}

	#[test]
	fn a_block_url_is_byte_for_byte_what_attestors_and_hosters_request() {
		let url = block_url("http://127.0.0.1:8900/", &KEY, 6, 9, Some(&CHALLENGE));
		let expected = format!(
			"http://127.0.0.1:8900/feeds/{}/blocks/6?length=9&request=77&nonce={}&attestor={}",
			"ab".repeat(32),
			"03".repeat(32),
			"f4".repeat(32)
		);
		assert_eq!(url, expected);
		assert_eq!(
			block_url("https://h.example//", &KEY, 0, 1, None),
			format!("https://h.example/feeds/{}/blocks/0?length=1", "ab".repeat(32))
		);
		assert_eq!(
			feed_url("http://h:1/", &[0; 32]),
			format!("http://h:1/feeds/{}", "00".repeat(32))
		);
	}

	#[test]
	fn a_block_url_parses_back_to_what_it_was_built_from() {
		let largest = Challenge { request: u64::MAX, ..CHALLENGE };
		for (length, challenge) in [(9, Some(CHALLENGE)), (0, None), (u64::MAX, Some(largest))] {
			let url = block_url("http://h", &KEY, 3, length, challenge.as_ref());
			assert_eq!(
				parse_block_query(query_of(&url)),
				Ok(BlockQuery { length: Some(length), challenge })
			);
		}
	}

	#[test]
	fn a_query_may_be_empty_name_parameters_in_any_order_and_use_uppercase_hex() {
		assert_eq!(parse_block_query(""), Ok(BlockQuery::default()));
		assert_eq!(parse_block_query("&&"), Ok(BlockQuery::default()));
		let q = format!("attestor={}&nonce={}&request=77", "F4".repeat(32), "03".repeat(32));
		assert_eq!(
			parse_block_query(&q),
			Ok(BlockQuery { length: None, challenge: Some(CHALLENGE) })
		);
	}

	#[test]
	fn every_broken_rule_is_refused_with_its_message() {
		let h = "01".repeat(32);
		const PARTIAL: &str = "request, nonce and attestor go together";
		let cases: [(String, QueryError, &str); 10] = [
			(
				"length".into(),
				QueryError::Malformed("length".into()),
				"malformed query part \"length\"",
			),
			(
				"colour=red".into(),
				QueryError::UnknownName("colour".into()),
				"unknown query parameter \"colour\"",
			),
			(
				"length=1&length=2".into(),
				QueryError::Repeated("length"),
				"query parameter \"length\" given twice",
			),
			(
				"length=abc".into(),
				QueryError::NotANumber { name: "length", value: "abc".into() },
				"length must be a whole number, got \"abc\"",
			),
			(
				"length=-1".into(),
				QueryError::NotANumber { name: "length", value: "-1".into() },
				"length must be a whole number, got \"-1\"",
			),
			(
				format!("request=one&nonce={h}&attestor={h}"),
				QueryError::NotANumber { name: "request", value: "one".into() },
				"request must be a whole number, got \"one\"",
			),
			(
				format!("request=1&nonce={h}&attestor=xyz"),
				QueryError::NotHex("attestor"),
				"attestor must be 64 hex characters",
			),
			(
				format!("request=1&nonce={h}0&attestor={h}"),
				QueryError::NotHex("nonce"),
				"nonce must be 64 hex characters",
			),
			("request=1".into(), QueryError::PartialChallenge, PARTIAL),
			(format!("nonce={h}&attestor={h}"), QueryError::PartialChallenge, PARTIAL),
		];
		for (query, error, message) in cases {
			let got = parse_block_query(&query);
			assert_eq!(got, Err(error), "{query}");
			assert_eq!(got.unwrap_err().to_string(), message);
		}
		// A number beyond u64 is not a whole number here either.
		assert!(matches!(
			parse_block_query("length=18446744073709551616"),
			Err(QueryError::NotANumber { .. })
		));
	}

	#[test]
	fn the_default_manifest_is_the_one_signer_manifest_hypercore_writes() {
		let manifest = default_manifest(&[7; 32]);
		assert_eq!(manifest.len(), 6 + 32 + 32);
		assert_eq!(manifest[..6], [1, 0, 0, 1, 1, 0]);
		assert_eq!(manifest[6..38], DEFAULT_SIGNER_NAMESPACE);
		assert_eq!(manifest[38..], [7; 32]);
		let signer = crate::manifest::parse_manifest(&manifest).unwrap();
		assert_eq!((signer.namespace, signer.public_key), (DEFAULT_SIGNER_NAMESPACE, [7; 32]));
	}

	#[test]
	fn hex_round_trips_and_refuses_anything_but_64_digits() {
		let bytes: [u8; 32] = core::array::from_fn(|i| (i * 8) as u8);
		assert_eq!(decode_hex32(&encode_hex(&bytes)), Some(bytes));
		assert_eq!(encode_hex(&[0x0f, 0xa0]), "0fa0");
		for bad in ["", "0", &"0".repeat(63), &"0".repeat(65), &"g".repeat(64), &"é".repeat(32)] {
			assert_eq!(decode_hex32(bad), None, "{bad}");
		}
	}
}
