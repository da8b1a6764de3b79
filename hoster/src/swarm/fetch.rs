//! `hoster feed import --key` without `--from`: the feed's peers are found on
//! the DHT, the feed is downloaded by the Hypercore peer (into a storage of
//! its own, so an import cut short resumes where it stopped) and stored by
//! [`Copier`]: the signed state verified, every block rebuilt into the signed
//! roots. A feed stored already is brought up to the writer's length.

use std::{path::Path, time::Duration};

use super::{
	copy::{Copied, Copier, CopyError},
	Peer, PeerMessage, SwarmError, SwarmOptions,
};
use crate::store::{Store, StoreError};

/// How long the peer may say nothing, past the time to find a peer, before the
/// import gives up.
pub const SILENCE: Duration = Duration::from_secs(120);

/// Why a feed could not be imported from the swarm.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
	/// The peer could not run.
	#[error(transparent)]
	Swarm(#[from] SwarmError),
	/// The peer reported a failure (no peer found, ...).
	#[error("{0}")]
	Peer(String),
	/// What it passed on was refused.
	#[error(transparent)]
	Refused(#[from] CopyError),
	/// The store failed.
	#[error(transparent)]
	Store(#[from] StoreError),
	/// The peer said nothing for this many seconds (it reports progress twice
	/// a second once it found a peer of the feed).
	#[error("the Hypercore peer said nothing for {0} s")]
	Silent(u64),
	/// The peer stopped before passing on a whole state.
	#[error("the Hypercore peer stopped before the feed was complete")]
	Incomplete,
}

/// Imports (or brings up to date) feed `key` from its swarm into `store`,
/// waiting up to `find` for a peer; `progress(have, length)` as blocks arrive.
/// Returns the stored length.
pub async fn import_from_swarm(
	store: &Store,
	data: &Path,
	key: &[u8; 32],
	options: &SwarmOptions,
	seed: &[u8; 32],
	find: Duration,
	mut progress: impl FnMut(u64, u64),
) -> Result<u64, FetchError> {
	let stored = store.feed(key)?;
	if stored.as_ref().is_some_and(|f| f.writable()) {
		return Err(CopyError::Writable(*key).into());
	}
	let from = stored.map_or(0, |f| f.state().length);
	let mut copier = Copier::new(store.clone(), *key);
	let args = [
		"--key".to_string(),
		hex::encode(key),
		"--from-length".into(),
		from.to_string(),
		"--timeout".into(),
		find.as_secs().max(1).to_string(),
	];
	let mut peer = Peer::start(options, data, "fetch", &args, seed).await?;
	let silence = find + SILENCE;
	let mut stored = None;
	let outcome = loop {
		// The peer reports progress twice a second while it works.
		let message = match tokio::time::timeout(silence, peer.next()).await {
			Ok(Ok(message)) => message,
			Ok(Err(SwarmError::Stopped)) => break Ok(()),
			Ok(Err(e)) => break Err(FetchError::from(e)),
			Err(_) => break Err(FetchError::Silent(silence.as_secs())),
		};
		let step = match message {
			PeerMessage::Progress { have, length, .. } => {
				tracing::debug!("downloaded {have} of {length} blocks");
				progress(have, length);
				Ok(Copied::Nothing)
			},
			PeerMessage::State { state, .. } => copier.state(&state),
			PeerMessage::Block { index, value, size, .. } => copier.block(index, &value, size),
			PeerMessage::End { .. } => copier.end(),
			PeerMessage::Error { message, .. } => break Err(FetchError::Peer(message)),
			PeerMessage::Listening { .. } | PeerMessage::Stats { .. } => Ok(Copied::Nothing),
		};
		match step {
			Ok(Copied::Stored(length)) => {
				progress(length, length);
				stored = Some(length);
				// Stored: nothing more is needed from the peer.
				break Ok(());
			},
			Ok(Copied::Nothing) => {},
			Err(e) => break Err(e.into()),
		}
	};
	peer.stop().await;
	outcome?;
	let length = match stored {
		Some(length) => length,
		// Nothing longer than what is stored: up to date, if anything is stored.
		None if from > 0 => from,
		None => return Err(FetchError::Incomplete),
	};
	// Stored: the peer's download storage is no longer needed.
	let _ = std::fs::remove_dir_all(data.join("swarm").join("fetch").join(hex::encode(key)));
	Ok(length)
}
