//! `hoster feed import`: copies a feed from another hoster over its HTTP API,
//! verifying the signed state and every block before storing it.

use anyhow::{anyhow, bail, Context, Result};
use codec::DecodeAll;
use hypercore_verify::{verify_block, Anchor, PureRust, ServedBlock};

use crate::store::{FeedState, JsonState, Store};

async fn get(client: &reqwest::Client, url: &str) -> Result<Vec<u8>> {
	let response = client.get(url).send().await.with_context(|| format!("cannot reach {url}"))?;
	let status = response.status();
	let body = response.bytes().await.with_context(|| format!("cannot read {url}"))?;
	if !status.is_success() {
		bail!("{url}: HTTP {status}: {}", String::from_utf8_lossy(&body));
	}
	Ok(body.to_vec())
}

/// Copies feed `key` from the hoster at `from` into `store`, calling `progress`
/// per block. Nothing is kept if any block fails to verify.
pub async fn import(store: &Store, from: &str, key: &[u8; 32], mut progress: impl FnMut(u64, u64)) -> Result<FeedState> {
	let base = from.trim_end_matches('/');
	let client = reqwest::Client::new();
	let key_hex = hex::encode(key);
	let json: JsonState = serde_json::from_slice(&get(&client, &format!("{base}/feeds/{key_hex}")).await?)
		.context("the hoster's feed state is not valid JSON")?;
	let state = FeedState::from_json(&json).context("the hoster's feed state")?;
	if state.key != *key {
		bail!("the hoster answered with feed {} instead of {key_hex}", hex::encode(state.key));
	}
	let mut feed = store.create_copy(&state)?;
	let result: Result<()> = async {
		for index in 0..state.length {
			let url = format!("{base}/feeds/{key_hex}/blocks/{index}?length={}", state.length);
			let body = get(&client, &url).await?;
			let served = ServedBlock::decode_all(&mut &body[..]).map_err(|_| anyhow!("block {index}: not a SCALE block"))?;
			if served.proof.index != index {
				bail!("block {index}: the hoster sent block {}", served.proof.index);
			}
			verify_block::<PureRust>(Anchor::Roots(&state.roots), state.length, &served.proof)
				.map_err(|e| anyhow!("block {index} does not verify: {e:?}"))?;
			feed.append_verified(&served.proof.value)?;
			progress(index + 1, state.length);
		}
		feed.finish_copy(&state)
	}
	.await;
	if let Err(e) = result {
		store.remove(key)?;
		return Err(e);
	}
	Ok(state)
}
