//! The hoster on the Hypercore network.
//!
//! The peer is the reference implementation: npm `hypercore` 11 and
//! `hyperswarm` in a Node process (`hoster/swarm/peer.js`), so what Hypercore
//! apps speak (secret-stream, protomux, replication, manifest and compat keys)
//! is spoken exactly. The hoster starts it, talks to it in JSON lines over its
//! stdin and stdout, restarts it if it dies ([`seed`]) and stops it with
//! itself (its stdin closes; the process is killed when dropped).
//!
//! The store stays the source of truth and the peer is not trusted:
//! * seeding, the peer reads the hoster's store and loads each feed into its
//!   Hypercore as signed-state and block proofs, which the library verifies
//!   against the feed key;
//! * importing and following, the peer passes on a signed state and its blocks,
//!   and [`copy::Copier`] stores them only if the state's signature verifies
//!   and the blocks rebuild exactly its signed roots (hypercore-verify).
//!
//! The peer's Noise key pair is the hoster's contact key (its seed goes over
//! stdin, never on a command line), so every Hypercore peer sees, as the
//! connection's remote public key, the contact key the chain has registered.

pub mod copy;
pub mod fetch;
pub mod seed;

use std::{path::PathBuf, process::Stdio};

use serde::Deserialize;
use tokio::{
	io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
	process::{Child, ChildStdin, ChildStdout, Command},
};

use hypercore_verify::MAX_BLOCK_SIZE;

use crate::store::JsonState;

/// The longest line the peer may send (a feed state with its roots, or the
/// traffic statistics of every hosted feed).
pub const MAX_LINE_BYTES: u64 = 16 << 20;

/// Where the peer runs and which DHT it uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwarmOptions {
	/// The Node.js executable.
	pub node: PathBuf,
	/// The peer's script (`hoster/swarm/peer.js`, with its `node_modules`).
	pub script: PathBuf,
	/// DHT bootstrap nodes, `host:port`; none: Hyperswarm's public ones.
	pub bootstrap: Vec<String>,
	/// The peer's own UDP socket, `host:port`; none: the library's choice.
	pub listen: Option<String>,
}

/// The peer script of this source tree (a build from the repository); an
/// installed hoster names its own with `--swarm-peer`.
pub fn default_script() -> PathBuf {
	PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/swarm/peer.js"))
}

/// Checks a `host:port` address of a DHT node or socket.
pub fn parse_host_port(s: &str) -> Result<String, String> {
	let (host, port) = s.rsplit_once(':').ok_or_else(|| format!("{s}: not host:port"))?;
	if host.is_empty() || host.contains(['/', ' ']) {
		return Err(format!("{s}: not a host"));
	}
	port.parse::<u16>()
		.map_err(|_| format!("{s}: the port is not a number up to 65535"))?;
	Ok(s.to_string())
}

/// What the peer says, one JSON object a line.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PeerMessage {
	/// It is in the swarm.
	Listening {
		/// Its UDP port.
		port: u16,
		/// Its Noise public key (the contact key).
		public_key: String,
	},
	/// Import progress: contiguous blocks held, of `length`.
	Progress {
		/// Feed key.
		key: String,
		/// Blocks held from the start.
		have: u64,
		/// The feed's length as known.
		length: u64,
	},
	/// A signed state whose blocks from the stored length on follow.
	State {
		/// Feed key.
		key: String,
		/// The state.
		state: JsonState,
	},
	/// The next block: its line gives its size, and its bytes follow the line.
	Block {
		/// Feed key.
		key: String,
		/// Its index.
		index: u64,
		/// Its size in bytes.
		size: u32,
		/// Its bytes (read after the line); empty if `size` is over the
		/// largest block size (the block is refused).
		#[serde(skip)]
		value: Vec<u8>,
	},
	/// Every block of the last state was sent.
	End {
		/// Feed key.
		key: String,
	},
	/// Traffic of the hosted feeds over the Hypercore protocol.
	Stats {
		/// By feed key (hex).
		feeds: std::collections::BTreeMap<String, seed::SwarmTraffic>,
	},
	/// Something failed in the peer.
	Error {
		/// The feed concerned, if one.
		key: Option<String>,
		/// What.
		message: String,
	},
}

/// Why the peer could not be run or understood.
#[derive(Debug, thiserror::Error)]
pub enum SwarmError {
	/// Node.js or the script could not be started.
	#[error("cannot start the Hypercore peer ({node} {script}): {source}; install Node.js and run `npm ci` in {dir}")]
	Spawn {
		/// The Node.js executable.
		node: String,
		/// The script.
		script: String,
		/// The script's directory.
		dir: String,
		/// Why.
		source: std::io::Error,
	},
	/// Reading or writing its pipes failed.
	#[error("the Hypercore peer's pipe: {0}")]
	Pipe(#[from] std::io::Error),
	/// It said something that is not one of its messages.
	#[error("the Hypercore peer said something unreadable: {0}")]
	Unreadable(String),
	/// It stopped.
	#[error("the Hypercore peer stopped")]
	Stopped,
}

/// Messages read ahead of their handling (blocks among them: at most this many).
const READ_AHEAD: usize = 16;

/// A running peer process. Its stdout is read by a task of its own, whole
/// message by whole message, so [`Peer::next`] can be raced against other
/// events (a `select!`) without ever splitting a message.
pub struct Peer {
	child: Child,
	stdin: ChildStdin,
	messages: tokio::sync::mpsc::Receiver<Result<PeerMessage, SwarmError>>,
}

/// Reads the peer's messages until it stops or says something unreadable.
async fn read_messages(
	stdout: ChildStdout,
	messages: tokio::sync::mpsc::Sender<Result<PeerMessage, SwarmError>>,
) {
	// Blocks come through it: read it in large pieces.
	let mut stdout = BufReader::with_capacity(1 << 20, stdout);
	let mut line = String::new();
	loop {
		let message = read_message(&mut stdout, &mut line).await;
		let last = message.is_err();
		if messages.send(message).await.is_err() || last {
			return;
		}
	}
}

/// One message: a line, and for a block the bytes that follow it.
async fn read_message(
	stdout: &mut BufReader<ChildStdout>,
	line: &mut String,
) -> Result<PeerMessage, SwarmError> {
	line.clear();
	let read = stdout.take(MAX_LINE_BYTES).read_line(line).await?;
	if read == 0 {
		return Err(SwarmError::Stopped);
	}
	if !line.ends_with('\n') {
		return Err(SwarmError::Unreadable(format!("a line longer than {MAX_LINE_BYTES} bytes")));
	}
	let mut message: PeerMessage = serde_json::from_str(line).map_err(|e| {
		SwarmError::Unreadable(format!("{e}: {}", line.chars().take(200).collect::<String>()))
	})?;
	if let PeerMessage::Block { size, value, .. } = &mut message {
		if *size > MAX_BLOCK_SIZE {
			// Skipped whole, so the next message is read from its start; the
			// empty value tells the copier the block was refused.
			tokio::io::copy(&mut stdout.take(u64::from(*size)), &mut tokio::io::sink()).await?;
		} else {
			value.resize(*size as usize, 0);
			stdout.read_exact(value).await?;
		}
	}
	Ok(message)
}

impl Peer {
	/// Starts the peer in `mode` (`serve` or `fetch`) with `args`, and gives it
	/// the contact key's `seed` as its first stdin line.
	pub async fn start(
		options: &SwarmOptions,
		data: &std::path::Path,
		mode: &str,
		args: &[String],
		seed: &[u8; 32],
	) -> Result<Self, SwarmError> {
		let mut command = Command::new(&options.node);
		command.arg(&options.script).arg(mode).arg("--data").arg(data);
		for b in &options.bootstrap {
			command.arg("--bootstrap").arg(b);
		}
		if let Some(listen) = &options.listen {
			command.arg("--listen").arg(listen);
		}
		command
			.args(args)
			.stdin(Stdio::piped())
			.stdout(Stdio::piped())
			.stderr(Stdio::inherit())
			.kill_on_drop(true);
		let mut child = command.spawn().map_err(|source| SwarmError::Spawn {
			node: options.node.display().to_string(),
			script: options.script.display().to_string(),
			dir: options
				.script
				.parent()
				.map(|d| d.display().to_string())
				.unwrap_or_else(|| ".".into()),
			source,
		})?;
		let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
			return Err(SwarmError::Stopped);
		};
		let (sender, messages) = tokio::sync::mpsc::channel(READ_AHEAD);
		tokio::spawn(read_messages(stdout, sender));
		let mut peer = Peer { child, stdin, messages };
		peer.send(&serde_json::json!({ "type": "start", "seed": hex::encode(seed) }))
			.await?;
		Ok(peer)
	}

	/// Sends one message.
	pub async fn send(&mut self, message: &serde_json::Value) -> Result<(), SwarmError> {
		let mut line = message.to_string();
		line.push('\n');
		self.stdin.write_all(line.as_bytes()).await?;
		self.stdin.flush().await?;
		Ok(())
	}

	/// The next message; [`SwarmError::Stopped`] once the peer has exited.
	/// Safe to cancel: a message is never lost or split.
	pub async fn next(&mut self) -> Result<PeerMessage, SwarmError> {
		self.messages.recv().await.unwrap_or(Err(SwarmError::Stopped))
	}

	/// Closes its stdin (it leaves the swarm and exits) and waits up to five
	/// seconds for it, then kills it.
	pub async fn stop(mut self) {
		drop(self.stdin);
		if tokio::time::timeout(std::time::Duration::from_secs(5), self.child.wait())
			.await
			.is_err()
		{
			let _ = self.child.kill().await;
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn host_port_addresses_are_checked() {
		assert_eq!(parse_host_port("127.0.0.1:49737").unwrap(), "127.0.0.1:49737");
		assert_eq!(
			parse_host_port("node1.hyperdht.org:49737").unwrap(),
			"node1.hyperdht.org:49737"
		);
		for bad in ["127.0.0.1", ":49737", "127.0.0.1:70000", "127.0.0.1:port", "a/b:1"] {
			assert!(parse_host_port(bad).is_err(), "{bad}");
		}
	}

	#[test]
	fn peer_messages_are_read_by_type() {
		let m: PeerMessage =
			serde_json::from_str(r#"{"type":"block","key":"ab","index":3,"size":2}"#).unwrap();
		assert_eq!(
			m,
			PeerMessage::Block { key: "ab".into(), index: 3, size: 2, value: Vec::new() }
		);
		assert!(serde_json::from_str::<PeerMessage>(r#"{"type":"teleport"}"#).is_err());
	}
}
