//! `hoster feed import`: copies a feed from another hoster over its HTTP API,
//! verifying the signed state and every block before storing it. The URLs are
//! those of [`hypercore_verify::wire`], without a challenge.
//!
//! Blocks are fetched [`ImportOptions::parallel`] at a time and stored in
//! order. Every request has a deadline, every answer a size limit (a block
//! of the largest size with its proof; 64 KiB for the feed state), and a
//! request that fails on the way (no connection, a broken answer, a 5xx or
//! 429 status, a deadline) is tried again up to [`ImportOptions::retries`]
//! times with a growing pause. An answer that is wrong (another block, a
//! proof that does not verify, a 4xx status) ends the import at once; nothing
//! of the copy is kept.

use std::time::Duration;

use codec::DecodeAll;
use futures::{StreamExt, TryStreamExt};
use hypercore_verify::{
	verify_block,
	wire::{block_url, feed_url, CLIENT_HEADERS, MAX_BLOCK_ANSWER_BYTES},
	Anchor, BlockError, BlockProof, PureRust,
};

use crate::store::{FeedState, JsonState, Store, StoreError};

/// Why a feed could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
	/// The other hoster could not be reached.
	#[error("cannot reach {url}")]
	Unreachable {
		/// The URL asked.
		url: String,
		/// Why.
		source: reqwest::Error,
	},
	/// Its answer could not be read (a broken connection, or the deadline).
	#[error("cannot read {url}")]
	Unreadable {
		/// The URL asked.
		url: String,
		/// Why.
		source: reqwest::Error,
	},
	/// Its answer is longer than any valid one.
	#[error("{url}: the answer is longer than {limit} bytes")]
	TooLarge {
		/// The URL asked.
		url: String,
		/// The most bytes a valid answer has.
		limit: usize,
	},
	/// It answered with an error status.
	#[error("{url}: HTTP {status}: {body}")]
	Status {
		/// The URL asked.
		url: String,
		/// The status.
		status: reqwest::StatusCode,
		/// The body, as text.
		body: String,
	},
	/// Its feed state is not JSON.
	#[error("the hoster's feed state is not valid JSON")]
	StateNotJson(#[source] serde_json::Error),
	/// Its feed state is not a signed state of the feed.
	#[error("the hoster's feed state")]
	BadState(#[source] StoreError),
	/// It sent the state of another feed.
	#[error("the hoster answered with feed {} instead of {}", hex::encode(.got), hex::encode(.asked))]
	OtherFeed {
		/// The feed asked for.
		asked: [u8; 32],
		/// The feed whose state came.
		got: [u8; 32],
	},
	/// A block's answer is not a SCALE-encoded `BlockProof`.
	#[error("block {0}: not a SCALE block")]
	NotABlock(u64),
	/// It sent another block than the one asked for.
	#[error("block {asked}: the hoster sent block {got}")]
	OtherBlock {
		/// The block asked for.
		asked: u64,
		/// The block that came.
		got: u64,
	},
	/// A block's proof does not verify against the signed roots.
	#[error("block {index} does not verify: {error:?}")]
	Unverified {
		/// The block.
		index: u64,
		/// Why.
		error: BlockError,
	},
	/// The copy could not be stored.
	#[error(transparent)]
	Store(#[from] StoreError),
}

/// How an import fetches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportOptions {
	/// Blocks requested at once.
	pub parallel: usize,
	/// Further attempts at a request that failed on the way.
	pub retries: u32,
	/// Longest one request may take, connection included.
	pub timeout: Duration,
	/// Pause before the first retry; doubled before each next one.
	pub backoff: Duration,
}

impl Default for ImportOptions {
	/// 16 blocks at once, 3 retries from 250 ms, 30 s a request.
	fn default() -> Self {
		Self {
			parallel: 16,
			retries: 3,
			timeout: Duration::from_secs(30),
			backoff: Duration::from_millis(250),
		}
	}
}

/// Most bytes of a feed state's JSON.
pub const MAX_STATE_BYTES: usize = 64 * 1024;

impl ImportError {
	/// Whether trying the same request again may succeed.
	fn is_transient(&self) -> bool {
		match self {
			ImportError::Unreachable { .. } | ImportError::Unreadable { .. } => true,
			ImportError::Status { status, .. } => {
				status.is_server_error() || *status == reqwest::StatusCode::TOO_MANY_REQUESTS
			},
			_ => false,
		}
	}
}

/// One GET, its body read up to `limit` bytes.
async fn get_once(
	client: &reqwest::Client,
	url: &str,
	limit: usize,
) -> Result<Vec<u8>, ImportError> {
	let mut response = client
		.get(url)
		.send()
		.await
		.map_err(|source| ImportError::Unreachable { url: url.into(), source })?;
	let status = response.status();
	let mut body = Vec::new();
	while let Some(chunk) = response
		.chunk()
		.await
		.map_err(|source| ImportError::Unreadable { url: url.into(), source })?
	{
		if body.len() + chunk.len() > limit {
			return Err(ImportError::TooLarge { url: url.into(), limit });
		}
		body.extend_from_slice(&chunk);
	}
	if !status.is_success() {
		return Err(ImportError::Status {
			url: url.into(),
			status,
			body: String::from_utf8_lossy(&body[..body.len().min(512)]).into_owned(),
		});
	}
	Ok(body)
}

/// A GET tried again, after a growing pause, while it fails on the way.
async fn get(
	client: &reqwest::Client,
	url: &str,
	limit: usize,
	options: &ImportOptions,
) -> Result<Vec<u8>, ImportError> {
	let mut pause = options.backoff;
	let mut attempt = 0;
	loop {
		match get_once(client, url, limit).await {
			Err(e) if e.is_transient() && attempt < options.retries => {
				attempt += 1;
				tracing::debug!("{url}: {e}; attempt {} in {pause:?}", attempt + 1);
				tokio::time::sleep(pause).await;
				pause = pause.saturating_mul(2);
			},
			result => return result,
		}
	}
}

/// Fetches and verifies block `index` of the feed at `state`.
async fn fetch_block(
	client: &reqwest::Client,
	from: &str,
	state: &FeedState,
	index: u64,
	options: &ImportOptions,
) -> Result<Vec<u8>, ImportError> {
	let url = block_url(from, &state.key, index, state.length);
	let body = get(client, &url, MAX_BLOCK_ANSWER_BYTES, options).await?;
	let proof =
		BlockProof::decode_all(&mut &body[..]).map_err(|_| ImportError::NotABlock(index))?;
	if proof.index != index {
		return Err(ImportError::OtherBlock { asked: index, got: proof.index });
	}
	verify_block::<PureRust>(Anchor::Roots(&state.roots), state.length, &proof)
		.map_err(|error| ImportError::Unverified { index, error })?;
	Ok(proof.value.to_vec())
}

/// Copies feed `key` from the hoster at `from` into `store` with the default
/// [`ImportOptions`], calling `progress` per block. Nothing is kept if any
/// block fails to verify or cannot be fetched.
pub async fn import(
	store: &Store,
	from: &str,
	key: &[u8; 32],
	progress: impl FnMut(u64, u64),
) -> Result<FeedState, ImportError> {
	import_with(store, from, key, ImportOptions::default(), progress).await
}

/// [`import`] with `options`.
pub async fn import_with(
	store: &Store,
	from: &str,
	key: &[u8; 32],
	options: ImportOptions,
	mut progress: impl FnMut(u64, u64),
) -> Result<FeedState, ImportError> {
	// The headers of every hosting client, the attestor's among them: a block
	// request of ours looks like an attestor's and the other way round.
	let mut headers = reqwest::header::HeaderMap::new();
	for (name, value) in CLIENT_HEADERS {
		// Both are constants of valid header syntax.
		if let (Ok(name), Ok(value)) = (
			reqwest::header::HeaderName::from_bytes(name.as_bytes()),
			reqwest::header::HeaderValue::from_str(value),
		) {
			headers.insert(name, value);
		}
	}
	let client = reqwest::Client::builder()
		.default_headers(headers)
		.timeout(options.timeout)
		.connect_timeout(options.timeout)
		.build()
		.map_err(|source| ImportError::Unreachable { url: from.into(), source })?;
	let state_body = get(&client, &feed_url(from, key), MAX_STATE_BYTES, &options).await?;
	let json: JsonState = serde_json::from_slice(&state_body).map_err(ImportError::StateNotJson)?;
	let state = FeedState::from_json(&json).map_err(ImportError::BadState)?;
	if state.key != *key {
		return Err(ImportError::OtherFeed { asked: *key, got: state.key });
	}
	let mut feed = store.create_copy(&state)?;
	let result: Result<(), ImportError> = async {
		// In order, `parallel` in flight: the first error stops the rest.
		let mut blocks = futures::stream::iter(0..state.length)
			.map(|index| fetch_block(&client, from, &state, index, &options))
			.buffered(options.parallel.max(1));
		let mut index = 0;
		while let Some(value) = blocks.try_next().await? {
			feed.append_verified(&value)?;
			index += 1;
			progress(index, state.length);
		}
		Ok(feed.finish_copy(&state)?)
	}
	.await;
	if let Err(e) = result {
		store.remove(key)?;
		return Err(e);
	}
	Ok(state)
}
