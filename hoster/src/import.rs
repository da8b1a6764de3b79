//! `hoster feed import`: copies a feed from another hoster over its HTTP API,
//! verifying the signed state and every block before storing it. The URLs are
//! those of [`hypercore_verify::wire`], without a challenge.

use codec::DecodeAll;
use hypercore_verify::{
	verify_block,
	wire::{block_url, feed_url},
	Anchor, BlockError, PureRust, ServedBlock,
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
	/// Its answer could not be read.
	#[error("cannot read {url}")]
	Unreadable {
		/// The URL asked.
		url: String,
		/// Why.
		source: reqwest::Error,
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
	/// A block's answer is not a SCALE-encoded `ServedBlock`.
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

async fn get(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, ImportError> {
	let response = client
		.get(url)
		.send()
		.await
		.map_err(|source| ImportError::Unreachable { url: url.into(), source })?;
	let status = response.status();
	let body = response
		.bytes()
		.await
		.map_err(|source| ImportError::Unreadable { url: url.into(), source })?;
	if !status.is_success() {
		return Err(ImportError::Status {
			url: url.into(),
			status,
			body: String::from_utf8_lossy(&body).into_owned(),
		});
	}
	Ok(body.to_vec())
}

/// Copies feed `key` from the hoster at `from` into `store`, calling `progress`
/// per block. Nothing is kept if any block fails to verify.
pub async fn import(
	store: &Store,
	from: &str,
	key: &[u8; 32],
	mut progress: impl FnMut(u64, u64),
) -> Result<FeedState, ImportError> {
	let client = reqwest::Client::new();
	let json: JsonState = serde_json::from_slice(&get(&client, &feed_url(from, key)).await?)
		.map_err(ImportError::StateNotJson)?;
	let state = FeedState::from_json(&json).map_err(ImportError::BadState)?;
	if state.key != *key {
		return Err(ImportError::OtherFeed { asked: *key, got: state.key });
	}
	let mut feed = store.create_copy(&state)?;
	let result: Result<(), ImportError> = async {
		for index in 0..state.length {
			let body = get(&client, &block_url(from, key, index, state.length, None)).await?;
			let served = ServedBlock::decode_all(&mut &body[..])
				.map_err(|_| ImportError::NotABlock(index))?;
			if served.proof.index != index {
				return Err(ImportError::OtherBlock { asked: index, got: served.proof.index });
			}
			verify_block::<PureRust>(Anchor::Roots(&state.roots), state.length, &served.proof)
				.map_err(|error| ImportError::Unverified { index, error })?;
			feed.append_verified(&served.proof.value)?;
			progress(index + 1, state.length);
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
