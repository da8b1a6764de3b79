//! Feed storage: one directory per feed under `<data>/feeds/<key hex>/`.
//!
//! | file | content |
//! | --- | --- |
//! | `header.json` | key, mode, manifest, length, fork, roots, tree hash, signature (written last, atomically) |
//! | `data` | the blocks, back to back |
//! | `offsets` | per block, the u64 LE offset where it ends in `data` |
//! | `tree` | per flat-tree index `i`, at `40·i`: node hash (32 bytes) and size (u64 LE) |
//! | `secret.key` | the signing key's seed, hex, mode 0600 (feeds created here only) |
//!
//! Files only grow, and `header.json` is replaced after the data it describes is
//! written, so a reader (the server) never sees a length whose blocks are not
//! there. Reads use positioned reads (`pread`) and need no lock.
//!
//! [`FeedState`] is a feed's signed state with its JSON form, [`Feed`] one stored
//! feed (blocks, tree nodes, proofs, appends), [`Store`] the directory of them.
//!
//! Why not the `hypercore` crate (datrs): version 0.14 only knows compat keys
//! (no manifest mode, Hypercore 11's default), exposes neither the roots nor the
//! signature nor tree nodes by index, and builds proofs only through
//! `create_proof(&mut self)`, so concurrent attestors would queue behind one
//! lock. The layout here is the Hypercore tree layout, and every hash, proof and
//! signature comes from `hypercore-verify`, checked against the JS reference.

mod error;
mod feed;
mod state;

use std::{
	fs::{self, OpenOptions},
	io::Write,
	os::unix::fs::OpenOptionsExt,
	path::{Path, PathBuf},
};

use ed25519_dalek::SigningKey;
use hypercore_verify::{feed::manifest_hash, wire::default_manifest, KeyMode, PureRust};

pub use error::{NotHex32, StoreError};
pub use feed::{Feed, ServeError};
pub use state::{hex32, mode_name, parse_mode, FeedState, JsonNode, JsonState};

/// The data directory: `<data>/feeds/<key>/`.
#[derive(Clone, Debug)]
pub struct Store {
	feeds: PathBuf,
}

impl Store {
	/// Opens (creating) the store under `data`.
	pub fn open(data: &Path) -> Result<Self, StoreError> {
		let feeds = data.join("feeds");
		fs::create_dir_all(&feeds)
			.map_err(|source| StoreError::CreateDir { path: feeds.clone(), source })?;
		Ok(Store { feeds })
	}

	/// The `header.json` of a feed (which may not exist).
	pub fn header_path(&self, key: &[u8; 32]) -> PathBuf {
		self.dir(key).join("header.json")
	}

	fn dir(&self, key: &[u8; 32]) -> PathBuf {
		self.feeds.join(hex::encode(key))
	}

	/// Keys of the stored feeds, sorted.
	pub fn keys(&self) -> Result<Vec<[u8; 32]>, StoreError> {
		let mut keys = Vec::new();
		for entry in fs::read_dir(&self.feeds)? {
			let name = entry?.file_name();
			if let Ok(key) = hex32(&name.to_string_lossy()) {
				if self.header_path(&key).exists() {
					keys.push(key);
				}
			}
		}
		keys.sort();
		Ok(keys)
	}

	/// Opens a stored feed.
	pub fn feed(&self, key: &[u8; 32]) -> Result<Option<Feed>, StoreError> {
		let dir = self.dir(key);
		if !self.header_path(key).exists() {
			return Ok(None);
		}
		Feed::open(dir).map(Some)
	}

	/// Creates a new writable feed with a fresh signing key.
	pub fn create(&self, mode: KeyMode) -> Result<Feed, StoreError> {
		let seed = random_seed()?;
		let secret = SigningKey::from_bytes(&seed);
		let signer = secret.verifying_key().to_bytes();
		let (key, manifest) = match mode {
			KeyMode::Compat => (signer, None),
			KeyMode::Manifest => {
				let m = default_manifest(&signer);
				(manifest_hash::<PureRust>(&m), Some(m))
			},
		};
		let dir = self.dir(&key);
		fs::create_dir_all(&dir)?;
		write_secret(&dir.join("secret.key"), &seed)?;
		let state = FeedState {
			key,
			mode,
			signer,
			manifest,
			length: 0,
			fork: 0,
			roots: Vec::new(),
			signature: Vec::new(),
		};
		Feed::init(dir, state, Some(secret))
	}

	/// Creates a read-only copy of a feed whose signed state was verified; blocks
	/// are added with [`Feed::append_verified`]. The store lists it only once
	/// [`Feed::finish_copy`] wrote its header: a copy cut short is never served.
	pub fn create_copy(&self, state: &FeedState) -> Result<Feed, StoreError> {
		state.verify()?;
		let dir = self.dir(&state.key);
		if dir.join("header.json").exists() {
			return Err(StoreError::AlreadyStored(state.key));
		}
		fs::create_dir_all(&dir)?;
		let empty =
			FeedState { length: 0, roots: Vec::new(), signature: Vec::new(), ..state.clone() };
		Feed::init_unlisted(dir, empty, None)
	}

	/// Removes a feed's directory (a failed import).
	pub fn remove(&self, key: &[u8; 32]) -> Result<(), StoreError> {
		let dir = self.dir(key);
		if dir.exists() {
			fs::remove_dir_all(dir)?;
		}
		Ok(())
	}
}

/// 32 random bytes for a new signing key.
pub fn random_seed() -> Result<[u8; 32], StoreError> {
	let mut seed = [0u8; 32];
	getrandom::getrandom(&mut seed).map_err(StoreError::NoRandomness)?;
	Ok(seed)
}

/// Writes a secret seed as hex into a new file readable by its owner only (0600).
pub fn write_secret(path: &Path, seed: &[u8; 32]) -> Result<(), StoreError> {
	let mut f = OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
	f.write_all(hex::encode(seed).as_bytes())?;
	Ok(())
}

/// Splits `bytes` into blocks of `chunk` bytes (the last may be shorter).
pub fn chunks(bytes: &[u8], chunk: usize) -> impl Iterator<Item = Vec<u8>> + '_ {
	bytes.chunks(chunk.max(1)).map(|c| c.to_vec())
}

/// Parses a block size such as `65536`, `64KiB`, `1MiB`, `4k`: 1 byte to 4 MiB.
pub fn parse_size(s: &str) -> Result<usize, String> {
	let size = parse_bytes(s)?;
	if size == 0 || size > u64::from(hypercore_verify::MAX_BLOCK_SIZE) {
		return Err(format!("block size must be between 1 byte and 4 MiB, got {s:?}"));
	}
	Ok(size as usize)
}

/// Reads a number of bytes: plain, or with a binary unit (`64KiB`, `512MiB`,
/// `4GiB`, `1TiB`; `K`/`KB`, `M`/`MB`, `G`/`GB`, `T`/`TB` mean the same).
pub fn parse_bytes(s: &str) -> Result<u64, String> {
	let t = s.trim();
	let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
	let (num, unit) = t.split_at(split);
	let n: u64 = num.parse().map_err(|_| format!("not a size: {s:?} (try 65536 or 64KiB)"))?;
	let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
		"" | "b" => 1,
		"k" | "kb" | "kib" => 1 << 10,
		"m" | "mb" | "mib" => 1 << 20,
		"g" | "gb" | "gib" => 1 << 30,
		"t" | "tb" | "tib" => 1 << 40,
		other => return Err(format!("unknown size unit {other:?} (use KiB, MiB, GiB or TiB)")),
	};
	n.checked_mul(mult).ok_or_else(|| format!("size too large: {s:?}"))
}

/// A stored feed as a JSON test vector (the shape of
/// `primitives/hypercore-verify/tests/vectors/*.json`): state, and every block
/// with its sibling path at the current length.
pub fn export_vector(feed: &Feed) -> Result<serde_json::Value, StoreError> {
	let state = feed.state();
	let mut value = serde_json::to_value(state.to_json())?;
	let mut blocks = Vec::new();
	for index in 0..state.length {
		let proof = feed
			.proof(index, state.length)
			.map_err(|error| StoreError::Export { index, error })?;
		blocks.push(serde_json::json!({
			"index": index,
			"value": hex::encode(&proof.value[..]),
			"nodes": proof.nodes.iter().map(JsonNode::from).collect::<Vec<_>>(),
		}));
	}
	value["blocks"] = serde_json::Value::Array(blocks);
	Ok(value)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn sizes_read_with_binary_units_and_block_sizes_stay_within_4_mib() {
		assert_eq!(parse_bytes("65536"), Ok(65536));
		assert_eq!(parse_bytes("64KiB"), Ok(64 << 10));
		assert_eq!(parse_bytes(" 4 GiB "), Ok(4 << 30));
		assert_eq!(parse_bytes("2t"), Ok(2 << 40));
		assert!(parse_bytes("1PiB").unwrap_err().contains("unknown size unit"));
		assert!(parse_bytes("many").unwrap_err().contains("not a size"));
		assert!(parse_bytes("99999999999TiB").unwrap_err().contains("too large"));
		assert_eq!(parse_size("4MiB"), Ok(4 << 20));
		assert!(parse_size("5MiB").is_err());
		assert!(parse_size("0").is_err());
	}
}
