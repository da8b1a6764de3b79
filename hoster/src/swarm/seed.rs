//! `hoster serve --swarm`: the Hypercore peer that seeds every stored feed,
//! greets each new peer on the `hosting-extension`, and follows what writers
//! append, each feed up to the follow limit. Started with the server,
//! restarted if it dies (after 1 s, doubling to 30 s), stopped with the server.

use std::{
	collections::{BTreeMap, HashMap},
	path::PathBuf,
	sync::Arc,
	time::{Duration, Instant},
};

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
	copy::{Copied, Copier},
	Peer, PeerMessage, SwarmError, SwarmOptions,
};
use crate::{
	hello::{signed_hello, HeldFeed},
	server::Hoster,
	store::{hex32, Store},
};

/// How often the store is checked for new, grown or removed feeds.
pub const ANNOUNCE_EVERY: Duration = Duration::from_secs(2);

/// Longest pause before restarting a peer that died.
pub const MAX_RESTART_PAUSE: Duration = Duration::from_secs(30);

/// Blocks and bytes over the Hypercore protocol, each way.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Transfer {
	/// Blocks uploaded to peers.
	pub uploaded_blocks: u64,
	/// Their bytes.
	pub uploaded_bytes: u64,
	/// Blocks downloaded from peers (following a writer).
	pub downloaded_blocks: u64,
	/// Their bytes.
	pub downloaded_bytes: u64,
}

/// One open peer of a feed: its address and traffic.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct PeerTraffic {
	/// Its remote address (`host:port`), when the connection is direct.
	pub address: Option<String>,
	/// Its traffic.
	#[serde(flatten)]
	pub transfer: Transfer,
}

/// Traffic of one hosted feed over the Hypercore protocol (`/stats`, `/metrics`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SwarmTraffic {
	/// Since the peer started.
	#[serde(flatten)]
	pub total: Transfer,
	/// Peers open now.
	pub peer_count: u64,
	/// By the peer's Noise public key (hex): the open peers (bounded by the
	/// swarm's connections).
	pub peers: BTreeMap<String, PeerTraffic>,
}

/// The seeding peer of a serving hoster.
pub struct Seeder {
	/// Where it runs.
	pub options: SwarmOptions,
	/// The hoster's data directory.
	pub data: PathBuf,
	/// The contact key: Noise key pair and signer of the greeting.
	pub contact: SigningKey,
	/// The server: the account the greeting names, and the statistics that
	/// show the swarm's traffic.
	pub hoster: Arc<Hoster>,
	/// The largest a followed feed may grow, in bytes: a writer's appends
	/// past it are neither downloaded by the peer nor stored.
	pub follow_limit: u64,
}

impl Seeder {
	/// Runs the peer until `stop` turns true, restarting it when it dies.
	pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
		let mut pause = Duration::from_secs(1);
		loop {
			let started = Instant::now();
			match self.run_once(&mut stop).await {
				Ok(()) => return,
				Err(e) => tracing::warn!("the Hypercore peer: {e}; restarting it in {pause:?}"),
			}
			if started.elapsed() > 2 * MAX_RESTART_PAUSE {
				pause = Duration::from_secs(1);
			}
			tokio::select! {
				_ = tokio::time::sleep(pause) => {},
				_ = stop.changed() => return,
			}
			pause = (pause * 2).min(MAX_RESTART_PAUSE);
		}
	}

	/// One life of the peer: `Ok` when stopped, `Err` when it died.
	async fn run_once(
		&self,
		stop: &mut tokio::sync::watch::Receiver<bool>,
	) -> Result<(), SwarmError> {
		let store =
			Store::open(&self.data).map_err(|e| SwarmError::Pipe(std::io::Error::other(e)))?;
		let mut peer =
			Peer::start(&self.options, &self.data, "serve", &[], self.contact.as_bytes()).await?;
		let mut announced: HashMap<[u8; 32], (u64, Option<[u8; 32]>)> = HashMap::new();
		let mut copiers: HashMap<[u8; 32], Copier> = HashMap::new();
		let mut tick = tokio::time::interval(ANNOUNCE_EVERY);
		loop {
			tokio::select! {
				_ = stop.changed() => {
					peer.stop().await;
					return Ok(());
				},
				_ = tick.tick() => self.announce(&store, &mut peer, &mut announced).await?,
				message = peer.next() => {
					self.on_message(&store, &mut copiers, message?);
				},
			}
		}
	}

	/// Tells the peer of every stored feed that is new or grew, or whose
	/// greeting changed (the hoster registered), and of every feed gone.
	async fn announce(
		&self,
		store: &Store,
		peer: &mut Peer,
		announced: &mut HashMap<[u8; 32], (u64, Option<[u8; 32]>)>,
	) -> Result<(), SwarmError> {
		let account = self.hoster.account();
		let mut now = HashMap::new();
		for key in store.keys().unwrap_or_default() {
			if let Ok(Some(feed)) = store.feed(&key) {
				now.insert(key, feed.state().length);
			}
		}
		for (key, length) in &now {
			if announced.get(key) != Some(&(*length, account)) {
				let hello = signed_hello(
					&self.contact,
					account,
					&[HeldFeed { key: *key, length: *length }],
				);
				peer.send(&json!({
					"type": "feed",
					"key": hex::encode(key),
					"hello": hello,
					// JSON numbers are exact up to 2^53 - 1, past any disk.
					"max_bytes": self.follow_limit.min((1 << 53) - 1),
				}))
				.await?;
				announced.insert(*key, (*length, account));
			}
		}
		let gone: Vec<[u8; 32]> =
			announced.keys().filter(|k| !now.contains_key(*k)).copied().collect();
		for key in gone {
			peer.send(&json!({ "type": "drop", "key": hex::encode(key) })).await?;
			announced.remove(&key);
		}
		Ok(())
	}

	/// What the peer said: appends to store, traffic to show, trouble to log.
	fn on_message(
		&self,
		store: &Store,
		copiers: &mut HashMap<[u8; 32], Copier>,
		message: PeerMessage,
	) {
		fn copier<'a>(
			copiers: &'a mut HashMap<[u8; 32], Copier>,
			store: &Store,
			key: &str,
			limit: u64,
		) -> Option<&'a mut Copier> {
			let key = hex32(key).ok()?;
			Some(
				copiers
					.entry(key)
					.or_insert_with(|| Copier::following(store.clone(), key, limit)),
			)
		}
		let limit = self.follow_limit;
		let outcome = match &message {
			PeerMessage::Listening { port, public_key } => {
				tracing::info!("in the Hypercore swarm on UDP port {port} as {public_key}");
				return;
			},
			PeerMessage::State { key, state } => {
				copier(copiers, store, key, limit).map(|c| c.state(state))
			},
			PeerMessage::Block { key, index, value, size } => {
				copier(copiers, store, key, limit).map(|c| c.block(*index, value, *size))
			},
			PeerMessage::End { key } => copier(copiers, store, key, limit).map(|c| c.end()),
			PeerMessage::Stats { feeds } => {
				self.hoster.set_swarm_traffic(feeds.clone());
				return;
			},
			PeerMessage::Error { key, message } => {
				tracing::warn!(
					"the Hypercore peer, feed {}: {message}",
					key.as_deref().unwrap_or("-")
				);
				return;
			},
			PeerMessage::Progress { .. } => return,
		};
		match outcome {
			Some(Ok(Copied::Stored(length))) => {
				if let PeerMessage::End { key } = &message {
					tracing::info!("feed {key} followed to length {length}, every block verified");
				}
			},
			Some(Ok(Copied::Nothing)) => {},
			Some(Err(e)) => tracing::warn!("refused from the Hypercore peer: {e}"),
			None => tracing::warn!("the Hypercore peer named a feed that is not a key"),
		}
	}
}
