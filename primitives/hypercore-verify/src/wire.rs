//! The protocol between hosters and attestors, defined once: the block request
//! ([`block_url`], [`parse_block_query`], [`CLIENT_HEADERS`]), the contact
//! request that follows it ([`contact_url`], [`ContactRequest`](crate::contact::ContactRequest)),
//! what a hoster answers and signs, and what an attestor checks and puts on
//! chain. The hoster, the attestor's off-chain worker and the chain all take
//! their side of it from this crate.
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
//! | `endpoint` | the hoster's origin from its registration form (`http(s)://host[:port]`) |
//! | `length` | the feed length every proof is anchored at: the registered length when the request was made |
//! | `chunks_per_attestor` | how many blocks each attestor fetches; which ones, each attestor draws below `length` from its own signature over the nonce and the request id (`pallet_hosting::chunks_of`), so the hoster cannot know them before it is asked |
//! | `nonce` | 32 random bytes, shared by the requests assigned in one block, that every contact proof must sign |
//! | `attestors` | the accounts assigned to measure |
//! | `deadline` | the last block a rating is accepted in |
//! | `kind` | `Registration`, `Periodic` or `OnDemand` |
//!
//! The request kept in storage also records the feed's tree hash at `length`
//! (the hash of its roots, which the feed's signature covers) and the hoster's
//! contact key when its committee was drawn: the attestor verifies against
//! those, so a feed updated or a key changed later does not change what counts
//! as the right answer.
//!
//! ## 2. The attestor fetches, like any client
//!
//! For each chunk `index`, one HTTP `GET` of
//!
//! ```text
//! {endpoint}/feeds/{key}/blocks/{index}?length={length}
//! ```
//!
//! built by [`block_url`] (trailing `/`s of the endpoint dropped, `key` in 64
//! lowercase hex characters, numbers in decimal) with the headers of
//! [`CLIENT_HEADERS`]. This is byte for byte the request a hoster copying a
//! feed makes (`hoster feed import`): **nothing in it names a benchmark or an
//! attestor**, so a hoster cannot serve attestors from a fast path and everyone
//! else slowly. What it can still see is where a request comes from (the
//! source address) and the shape of the traffic (a few blocks at once from one
//! address, then a contact request); an attestor whose address is known can be
//! singled out by that address alone.
//!
//! The query, read by [`parse_block_query`], names nothing but `length`, at
//! most once, a whole number. Without it the hoster anchors the proof at the
//! length it stores.
//!
//! ## 3. The hoster answers
//!
//! `200 OK`, `Content-Type: application/octet-stream`, the body exactly one
//! SCALE-encoded [`BlockProof`](crate::BlockProof): the block's index, its
//! bytes, the sibling nodes up to its root and the other full roots, all of the
//! tree at the requested `length`, which may be below the length the hoster
//! stores now (a feed only grows; older trees stay provable). No signature:
//! serving a block costs a read and a proof, nothing more.
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
//! ## 4. The attestor verifies, then asks for the proof of contact
//!
//! Each chunk's body is decoded in place ([`decode_served_block`](crate::decode_served_block):
//! exactly one `BlockProof`, no trailing bytes, at most a 4 MiB block) and
//! must hold the block asked for (`index` equal to the chunk's number) with a
//! proof that verifies against the tree hash recorded in the request at its
//! `length` ([`Anchor::TreeHash`](crate::Anchor::TreeHash)).
//!
//! Once all its chunks of a benchmark are settled, and some verified, the
//! attestor asks for the proof of contact with one request:
//!
//! ```text
//! POST {endpoint}/contact      (contact_url)
//! Content-Type: application/octet-stream
//! body: SCALE ContactRequest { request, nonce, attestor, feed, length, blocks: [(index, leaf hash)] }
//! ```
//!
//! naming the benchmark (request id, nonce, its 32-byte account), the feed and
//! length it fetched at, and each verified block with its leaf hash
//! ([`hashes::leaf`](crate::hashes::leaf) of its bytes), at most
//! [`MAX_CONTACT_BLOCKS`](crate::contact::MAX_CONTACT_BLOCKS), each once.
//! The hoster **signs only what it served**: each block named must have been
//! answered with `200` to the same source address at that length, not long
//! before, and must have that leaf hash in its tree. It answers `200` with a
//! SCALE [`ContactAnswer`](crate::contact::ContactAnswer), one Ed25519
//! signature per block in the order named, by the contact key of its
//! registration form, over [`contact_message`](crate::contact_message):
//!
//! ```text
//! "hosting/contact-proof/v1" ‖ u64le(request) ‖ nonce ‖ attestor ‖ u64le(index) ‖ leaf hash
//! ```
//!
//! (136 bytes). It binds this block to this request, nonce and attestor, so a
//! proxy fetching from elsewhere or a replay of an earlier answer cannot
//! produce it. Refusals are JSON errors as above: 400 for a body that is not
//! exactly one `ContactRequest` (or names a block twice), 404 for an unknown
//! feed, 413 for a body over [`MAX_CONTACT_REQUEST_BYTES`](crate::contact::MAX_CONTACT_REQUEST_BYTES),
//! 403 when a block named was not served to this address at that length with
//! that leaf hash.
//!
//! The contact request is not part of the measurement: latency and bandwidth
//! come from the block fetches alone. It has a deadline of its own.
//!
//! A chunk is valid, served wrong (a non-200 status: `Http(status)`; an
//! undecodable body: `Encoding`; a failed proof or wrong block: `Integrity`),
//! unreachable (no connection), or timed out. A benchmark with valid chunks
//! whose contact request fails (any status but 200, an answer that is not one
//! signature per block named, a signature that does not verify, no answer in
//! time) is a `ContactProof` failure. Times are taken with the node's off-chain
//! clock from the moment each request was sent.
//!
//! ## 5. What ends up on chain
//!
//! One rating per request and attestor, `RatingOutcome`:
//!
//! * `Normal { latency_ms, bandwidth_bytes_per_sec, bytes, chunks_verified, contact_proof, inclusion }`
//!   when any chunk was valid, none was served wrong by integrity or encoding,
//!   and the contact request was answered: the earliest time to response
//!   headers among the valid chunks, their body bytes over the window from those
//!   first headers to the end of the last body, the bytes, how many chunks were
//!   valid, and the contact proof (block index, leaf hash, signature) and Merkle
//!   path of one of them;
//! * `Error(MeasurementFailure)` for a chunk served wrong (`Integrity` before
//!   `Encoding`, whatever the other chunks did), a failed contact request
//!   (`ContactProof`), or, with no valid chunk, an `Http(status)` if one came,
//!   else `Unreachable`;
//! * `Timeout` when nothing valid came before the deadline.
//!
//! The attestor signs the rating with its sr25519 key (key type `host`) and
//! submits it as an authorized unsigned transaction. Before the rating enters
//! the pool the chain checks the attestor is assigned, has not answered, the
//! deadline has not passed, and, for a Normal rating, that the contact proof
//! names one of the request's chunks, that its Merkle path puts that leaf hash
//! in the request's tree, and that it verifies with the contact key the hoster
//! had when the request's committee was drawn. The rating is announced by
//! `BenchmarkRated` and kept with its request; when the committee has rated
//! (or at the deadline) the request closes once and its verdict updates the
//! hoster's figures (`HosterFigures`: availability = chunks verified / chunks
//! asked, reliability = whether the promise was met, smoothed latency and
//! bandwidth, the same per attestor region, and the last verdict), and may
//! activate or suspend the hoster.

use alloc::{string::String, vec::Vec};
use core::fmt::{self, Write};

use crate::feed::DEFAULT_SIGNER_NAMESPACE;

/// The headers every client of a hoster sends with a block request: the
/// attestor's off-chain worker and `hoster feed import` alike, so the two
/// cannot be told apart by them.
pub const CLIENT_HEADERS: [(&str, &str); 2] =
	[("Accept", "application/octet-stream"), ("User-Agent", "hypercore-hosting/1")];

/// Most bytes of a block request's answer: a [`BlockProof`](crate::BlockProof)
/// of the largest block ([`MAX_BLOCK_SIZE`](crate::MAX_BLOCK_SIZE)) with the
/// longest path and the most roots. A client reads no more.
pub const MAX_BLOCK_ANSWER_BYTES: usize =
	8 + 5 + crate::MAX_BLOCK_SIZE as usize + 2 * (2 + crate::MAX_TREE_DEPTH as usize * 48);

/// The query of a block request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockQuery {
	/// The length the proof is anchored at; `None`: the length the hoster stores.
	pub length: Option<u64>,
}

/// Why a block request's query was refused (each a `400 Bad Request`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryError {
	/// A part with no `=`.
	Malformed(String),
	/// A name other than `length`.
	UnknownName(String),
	/// A name given more than once.
	Repeated(&'static str),
	/// `length` is not a whole number that fits a `u64`.
	NotANumber {
		/// The parameter.
		name: &'static str,
		/// Its value.
		value: String,
	},
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
		}
	}
}

impl core::error::Error for QueryError {}

/// `{endpoint}/feeds/{key}`: the feed's signed state (JSON), as hosters copying a feed read it.
pub fn feed_url(endpoint: &str, key: &[u8; 32]) -> String {
	let mut url = String::from(endpoint.trim_end_matches('/'));
	url.push_str("/feeds/");
	push_hex(&mut url, key);
	url
}

/// `{endpoint}/feeds/{key}/blocks/{index}?length={length}`; trailing `/`s of
/// `endpoint` are dropped, the key is lowercase hex.
pub fn block_url(endpoint: &str, key: &[u8; 32], index: u64, length: u64) -> String {
	let mut url = feed_url(endpoint, key);
	// Writing into a `String` cannot fail.
	let _ = write!(url, "/blocks/{index}?length={length}");
	url
}

/// `{endpoint}/contact`: where an attestor asks for proofs of contact (section 4).
pub fn contact_url(endpoint: &str) -> String {
	let mut url = String::from(endpoint.trim_end_matches('/'));
	url.push_str("/contact");
	url
}

/// Parses the query of a block request (the part after `?`, possibly empty):
/// `length` at most once, a whole number; no other name. Empty parts
/// (`a=1&&b=2`) are skipped. The first rule broken is the error.
pub fn parse_block_query(query: &str) -> Result<BlockQuery, QueryError> {
	let mut length = None;
	for part in query.split('&').filter(|p| !p.is_empty()) {
		let (name, value) =
			part.split_once('=').ok_or_else(|| QueryError::Malformed(part.into()))?;
		if name != "length" {
			return Err(QueryError::UnknownName(name.into()));
		}
		if length.replace(value).is_some() {
			return Err(QueryError::Repeated("length"));
		}
	}
	let length = length
		.map(|v| {
			v.parse::<u64>()
				.map_err(|_| QueryError::NotANumber { name: "length", value: v.into() })
		})
		.transpose()?;
	Ok(BlockQuery { length })
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

	fn query_of(url: &str) -> &str {
		url.split_once('?').map_or("", |(_, q)| q)
	}

	#[test]
	fn a_block_url_is_byte_for_byte_what_every_client_requests() {
		assert_eq!(
			block_url("http://127.0.0.1:8900/", &KEY, 6, 9),
			format!("http://127.0.0.1:8900/feeds/{}/blocks/6?length=9", "ab".repeat(32))
		);
		assert_eq!(
			block_url("https://h.example//", &KEY, 0, 1),
			format!("https://h.example/feeds/{}/blocks/0?length=1", "ab".repeat(32))
		);
		assert_eq!(
			feed_url("http://h:1/", &[0; 32]),
			format!("http://h:1/feeds/{}", "00".repeat(32))
		);
		assert_eq!(contact_url("http://h:1//"), "http://h:1/contact");
	}

	#[test]
	fn a_block_url_parses_back_to_what_it_was_built_from() {
		for length in [9, 0, u64::MAX] {
			let url = block_url("http://h", &KEY, 3, length);
			assert_eq!(parse_block_query(query_of(&url)), Ok(BlockQuery { length: Some(length) }));
		}
	}

	#[test]
	fn a_query_may_be_empty() {
		assert_eq!(parse_block_query(""), Ok(BlockQuery::default()));
		assert_eq!(parse_block_query("&&"), Ok(BlockQuery::default()));
		assert_eq!(parse_block_query("&length=4&"), Ok(BlockQuery { length: Some(4) }));
	}

	#[test]
	fn every_broken_rule_is_refused_with_its_message() {
		let h = "01".repeat(32);
		let cases: Vec<(String, QueryError, &str)> = alloc::vec![
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
				format!("length=1&request=1&nonce={h}&attestor={h}"),
				QueryError::UnknownName("request".into()),
				"unknown query parameter \"request\"",
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
	fn the_largest_block_answer_fits_the_cap() {
		use codec::Encode;
		let node = crate::Node { index: u64::MAX, size: u64::MAX, hash: [1; 32] };
		let nodes: crate::PathNodes =
			bounded_collections::BoundedVec::truncate_from(alloc::vec![node; 64]);
		let proof = crate::BlockProof {
			index: u64::MAX,
			value: bounded_collections::BoundedVec::truncate_from(alloc::vec![
				0;
				crate::MAX_BLOCK_SIZE as usize
			]),
			nodes: nodes.clone(),
			roots: nodes,
		};
		// Within a byte of the cap: the block's length prefix takes 4 of the 5 bytes allowed.
		assert_eq!(proof.encode().len() + 1, MAX_BLOCK_ANSWER_BYTES);
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
