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
//! Why not the `hypercore` crate (datrs): version 0.14 only knows compat keys
//! (no manifest mode, Hypercore 11's default), exposes neither the roots nor the
//! signature nor tree nodes by index, and builds proofs only through
//! `create_proof(&mut self)`, so concurrent attestors would queue behind one
//! lock. The layout here is the Hypercore tree layout, and every hash, proof and
//! signature comes from `hypercore-verify`, checked against the JS reference.

use std::{
	fs::{self, File, OpenOptions},
	io::{self, Write},
	os::unix::fs::{FileExt, OpenOptionsExt},
	path::{Path, PathBuf},
};

use anyhow::{anyhow, bail, Context, Result};
use ed25519_dalek::{Signer, SigningKey};
use hypercore_verify::{
	feed::{compat_signable, manifest_hash, manifest_signable, DEFAULT_SIGNER_NAMESPACE},
	hashes,
	tree::{block_proof, nodes_created_by_append, roots_at, ProofBuildError},
	verify_feed, BlockProof, KeyMode, Node, PureRust, SignedTree,
};
use serde::{Deserialize, Serialize};

/// Size of one tree node on disk.
const NODE_BYTES: u64 = 40;

/// The signed state of a feed (`header.json`, and `GET /feeds/{key}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedState {
	/// Feed key.
	pub key: [u8; 32],
	/// Key mode.
	pub mode: KeyMode,
	/// Ed25519 key that signs.
	pub signer: [u8; 32],
	/// Encoded manifest (manifest mode).
	pub manifest: Option<Vec<u8>>,
	/// Number of blocks.
	pub length: u64,
	/// Fork id.
	pub fork: u64,
	/// Full roots at `length`.
	pub roots: Vec<Node>,
	/// Signature as the JS core stores it.
	pub signature: Vec<u8>,
}

/// JSON form of a node: hex hash.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct JsonNode {
	/// Flat-tree index.
	pub index: u64,
	/// Bytes below.
	pub size: u64,
	/// Hash, 64 lowercase hex characters.
	pub hash: String,
}

impl From<&Node> for JsonNode {
	fn from(n: &Node) -> Self {
		JsonNode { index: n.index, size: n.size, hash: hex::encode(n.hash) }
	}
}

impl TryFrom<&JsonNode> for Node {
	type Error = anyhow::Error;
	fn try_from(n: &JsonNode) -> Result<Self> {
		Ok(Node { index: n.index, size: n.size, hash: hex32(&n.hash)? })
	}
}

/// JSON form of a feed's state: the test vectors' shape without the blocks.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct JsonState {
	/// `compat` or `manifest`.
	pub mode: String,
	/// Feed key.
	pub key: String,
	/// Signer key.
	pub signer: String,
	/// Manifest bytes, or null.
	pub manifest: Option<String>,
	/// Number of blocks.
	pub length: u64,
	/// Fork id.
	pub fork: u64,
	/// Roots.
	pub roots: Vec<JsonNode>,
	/// Tree hash of the roots.
	pub tree_hash: String,
	/// Signature.
	pub signature: String,
}

/// Parses 64 hex characters.
pub fn hex32(s: &str) -> Result<[u8; 32]> {
	let mut out = [0u8; 32];
	hex::decode_to_slice(s, &mut out).map_err(|_| anyhow!("expected 64 hex characters, got {s:?}"))?;
	Ok(out)
}

impl FeedState {
	/// The JSON form.
	pub fn to_json(&self) -> JsonState {
		JsonState {
			mode: mode_name(self.mode).into(),
			key: hex::encode(self.key),
			signer: hex::encode(self.signer),
			manifest: self.manifest.as_ref().map(hex::encode),
			length: self.length,
			fork: self.fork,
			roots: self.roots.iter().map(JsonNode::from).collect(),
			tree_hash: hex::encode(hashes::tree::<PureRust>(&self.roots)),
			signature: hex::encode(&self.signature),
		}
	}

	/// Reads the JSON form and verifies the signature.
	pub fn from_json(json: &JsonState) -> Result<Self> {
		let state = FeedState {
			key: hex32(&json.key)?,
			mode: parse_mode(&json.mode)?,
			signer: hex32(&json.signer)?,
			manifest: json.manifest.as_deref().map(hex::decode).transpose()?,
			length: json.length,
			fork: json.fork,
			roots: json.roots.iter().map(Node::try_from).collect::<Result<_>>()?,
			signature: hex::decode(&json.signature)?,
		};
		state.verify()?;
		Ok(state)
	}

	/// Checks the signature over roots, length and fork.
	pub fn verify(&self) -> Result<()> {
		let verified = verify_feed::<PureRust>(&SignedTree {
			key: &self.key,
			mode: self.mode,
			manifest: self.manifest.as_deref(),
			length: self.length,
			fork: self.fork,
			roots: &self.roots,
			signature: &self.signature,
		})
		.map_err(|e| anyhow!("the feed's signature does not verify: {e:?}"))?;
		if verified.signer != self.signer {
			bail!("the feed names signer {} but {} signed", hex::encode(self.signer), hex::encode(verified.signer));
		}
		Ok(())
	}
}

/// `compat` or `manifest`.
pub fn mode_name(mode: KeyMode) -> &'static str {
	match mode {
		KeyMode::Compat => "compat",
		KeyMode::Manifest => "manifest",
	}
}

/// Parses `compat` or `manifest`.
pub fn parse_mode(s: &str) -> Result<KeyMode> {
	match s {
		"compat" => Ok(KeyMode::Compat),
		"manifest" => Ok(KeyMode::Manifest),
		other => bail!("unknown key mode {other:?}: expected compat or manifest"),
	}
}

/// The default manifest of a single Ed25519 signer (what `new Hypercore()` writes).
pub fn default_manifest(signer: &[u8; 32]) -> Vec<u8> {
	let mut m = vec![1u8, 0, 0, 1, 1, 0];
	m.extend_from_slice(&DEFAULT_SIGNER_NAMESPACE);
	m.extend_from_slice(signer);
	m
}

/// The data directory: `<data>/feeds/<key>/`.
#[derive(Clone, Debug)]
pub struct Store {
	feeds: PathBuf,
}

impl Store {
	/// Opens (creating) the store under `data`.
	pub fn open(data: &Path) -> Result<Self> {
		let feeds = data.join("feeds");
		fs::create_dir_all(&feeds).with_context(|| format!("cannot create {}", feeds.display()))?;
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
	pub fn keys(&self) -> Result<Vec<[u8; 32]>> {
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
	pub fn feed(&self, key: &[u8; 32]) -> Result<Option<Feed>> {
		let dir = self.dir(key);
		if !self.header_path(key).exists() {
			return Ok(None);
		}
		Feed::open(dir).map(Some)
	}

	/// Creates a new writable feed with a fresh signing key.
	pub fn create(&self, mode: KeyMode) -> Result<Feed> {
		let mut seed = [0u8; 32];
		getrandom::getrandom(&mut seed).map_err(|e| anyhow!("no randomness: {e}"))?;
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
		let state = FeedState { key, mode, signer, manifest, length: 0, fork: 0, roots: Vec::new(), signature: Vec::new() };
		Feed::init(dir, state, Some(secret))
	}

	/// Creates a read-only copy of a feed whose signed state was verified; blocks
	/// are added with [`Feed::append_verified`].
	pub fn create_copy(&self, state: &FeedState) -> Result<Feed> {
		state.verify()?;
		let dir = self.dir(&state.key);
		if dir.join("header.json").exists() {
			bail!("feed {} is already stored", hex::encode(state.key));
		}
		fs::create_dir_all(&dir)?;
		let empty = FeedState { length: 0, roots: Vec::new(), signature: Vec::new(), ..state.clone() };
		Feed::init(dir, empty, None)
	}

	/// Removes a feed's directory (a failed import).
	pub fn remove(&self, key: &[u8; 32]) -> Result<()> {
		let dir = self.dir(key);
		if dir.exists() {
			fs::remove_dir_all(dir)?;
		}
		Ok(())
	}
}

/// Writes a secret seed as hex into a new file readable by its owner only (0600).
pub fn write_secret(path: &Path, seed: &[u8; 32]) -> Result<()> {
	let mut f = OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
	f.write_all(hex::encode(seed).as_bytes())?;
	Ok(())
}

/// An open feed.
#[derive(Debug)]
pub struct Feed {
	dir: PathBuf,
	state: FeedState,
	data: File,
	offsets: File,
	tree: File,
	secret: Option<SigningKey>,
}

/// Why a block could not be served.
#[derive(Debug, PartialEq, Eq)]
pub enum ServeError {
	/// The index is not below the anchor length.
	IndexOutOfRange,
	/// The anchor length is beyond the stored length.
	LengthOutOfRange,
	/// Storage is damaged or unreadable.
	Storage(String),
}

impl Feed {
	fn files(dir: &Path) -> Result<(File, File, File)> {
		let open = |name: &str| -> Result<File> {
			// Positioned writes: parents land behind their children, so no O_APPEND
			// (with it, Linux ignores pwrite's offset).
			OpenOptions::new()
				.read(true)
				.write(true)
				.create(true)
				.truncate(false)
				.open(dir.join(name))
				.with_context(|| format!("cannot open {}", dir.join(name).display()))
		};
		Ok((open("data")?, open("offsets")?, open("tree")?))
	}

	fn init(dir: PathBuf, state: FeedState, secret: Option<SigningKey>) -> Result<Self> {
		let (data, offsets, tree) = Self::files(&dir)?;
		let feed = Feed { dir, state, data, offsets, tree, secret };
		feed.write_header()?;
		Ok(feed)
	}

	/// Opens a feed directory, with its signing key if it has one.
	pub fn open(dir: PathBuf) -> Result<Self> {
		let text = fs::read_to_string(dir.join("header.json"))?;
		let json: JsonState = serde_json::from_str(&text).context("header.json is not a feed header")?;
		let state = if json.length == 0 {
			FeedState {
				key: hex32(&json.key)?,
				mode: parse_mode(&json.mode)?,
				signer: hex32(&json.signer)?,
				manifest: json.manifest.as_deref().map(hex::decode).transpose()?,
				length: 0,
				fork: json.fork,
				roots: Vec::new(),
				signature: Vec::new(),
			}
		} else {
			FeedState::from_json(&json)?
		};
		let secret = match fs::read_to_string(dir.join("secret.key")) {
			Ok(s) => Some(SigningKey::from_bytes(&hex32(s.trim())?)),
			Err(e) if e.kind() == io::ErrorKind::NotFound => None,
			Err(e) => return Err(e.into()),
		};
		let (data, offsets, tree) = Self::files(&dir)?;
		Ok(Feed { dir, state, data, offsets, tree, secret })
	}

	/// The signed state.
	pub fn state(&self) -> &FeedState {
		&self.state
	}

	/// Whether this store can sign new blocks.
	pub fn writable(&self) -> bool {
		self.secret.is_some()
	}

	/// Total bytes of the blocks.
	pub fn byte_length(&self) -> Result<u64> {
		Ok(if self.state.length == 0 { 0 } else { self.end_of(self.state.length - 1)? })
	}

	fn end_of(&self, index: u64) -> io::Result<u64> {
		let mut b = [0u8; 8];
		self.offsets.read_exact_at(&mut b, index * 8)?;
		Ok(u64::from_le_bytes(b))
	}

	/// Block `index` (below the stored length).
	pub fn block(&self, index: u64) -> io::Result<Vec<u8>> {
		if index >= self.state.length {
			return Err(io::Error::new(io::ErrorKind::NotFound, "no such block"));
		}
		let start = if index == 0 { 0 } else { self.end_of(index - 1)? };
		let end = self.end_of(index)?;
		let len = end.checked_sub(start).ok_or_else(|| io::Error::other("offsets go backwards"))?;
		let mut out = vec![0u8; usize::try_from(len).map_err(io::Error::other)?];
		self.data.read_exact_at(&mut out, start)?;
		Ok(out)
	}

	/// The tree node at a flat index, if stored.
	pub fn node(&self, index: u64) -> Option<Node> {
		let mut b = [0u8; NODE_BYTES as usize];
		self.tree.read_exact_at(&mut b, index.checked_mul(NODE_BYTES)?).ok()?;
		let mut hash = [0u8; 32];
		hash.copy_from_slice(&b[..32]);
		Some(Node { index, size: u64::from_le_bytes(b[32..].try_into().ok()?), hash })
	}

	/// The full roots at an earlier (or the current) length.
	pub fn roots_at(&self, length: u64) -> Result<Vec<Node>, ServeError> {
		if length > self.state.length {
			return Err(ServeError::LengthOutOfRange);
		}
		roots_at(length, |i| self.node(i)).map_err(|e| ServeError::Storage(format!("{e:?}")))
	}

	/// Block `index` with its proof anchored at `length`.
	pub fn proof(&self, index: u64, length: u64) -> Result<BlockProof, ServeError> {
		if length > self.state.length {
			return Err(ServeError::LengthOutOfRange);
		}
		if index >= length {
			return Err(ServeError::IndexOutOfRange);
		}
		let value = self.block(index).map_err(|e| ServeError::Storage(e.to_string()))?;
		block_proof(index, length, value, |i| self.node(i)).map_err(|e| match e {
			ProofBuildError::OutOfRange => ServeError::IndexOutOfRange,
			other => ServeError::Storage(format!("{other:?}")),
		})
	}

	/// Appends blocks and signs the new state (writable feeds).
	pub fn append<I: IntoIterator<Item = Vec<u8>>>(&mut self, blocks: I, mut progress: impl FnMut(u64)) -> Result<()> {
		if self.secret.is_none() {
			bail!("feed {} is a copy: it has no signing key here", hex::encode(self.state.key));
		}
		for block in blocks {
			let n = block.len() as u64;
			self.write_block(&block)?;
			progress(n);
		}
		self.sign()?;
		self.write_header()
	}

	/// Appends a block of a copied feed (its proof was verified by the caller).
	pub fn append_verified(&mut self, block: &[u8]) -> Result<()> {
		self.write_block(block)
	}

	/// Finishes a copy: the rebuilt roots must be the signed ones.
	pub fn finish_copy(&mut self, signed: &FeedState) -> Result<()> {
		let roots = self.roots_at(self.state.length).map_err(|e| anyhow!("{e:?}"))?;
		if self.state.length != signed.length || roots != signed.roots {
			bail!("the copied blocks do not rebuild the signed tree");
		}
		self.state = signed.clone();
		self.write_header()
	}

	fn write_block(&mut self, block: &[u8]) -> Result<()> {
		let length = self.state.length;
		let created = nodes_created_by_append::<PureRust>(length, block, |i| self.node(i))
			.ok_or_else(|| anyhow!("the tree is missing nodes or is full"))?;
		let end = self.byte_length()? + block.len() as u64;
		self.data.write_all_at(block, end - block.len() as u64)?;
		self.offsets.write_all_at(&end.to_le_bytes(), length * 8)?;
		for node in created {
			let mut b = [0u8; NODE_BYTES as usize];
			b[..32].copy_from_slice(&node.hash);
			b[32..].copy_from_slice(&node.size.to_le_bytes());
			self.tree.write_all_at(&b, node.index * NODE_BYTES)?;
		}
		self.state.length = length + 1;
		Ok(())
	}

	fn sign(&mut self) -> Result<()> {
		let secret = self.secret.as_ref().ok_or_else(|| anyhow!("no signing key"))?;
		let roots = self.roots_at(self.state.length).map_err(|e| anyhow!("{e:?}"))?;
		let tree_hash = hashes::tree::<PureRust>(&roots);
		let (length, fork) = (self.state.length, self.state.fork);
		self.state.signature = match self.state.mode {
			KeyMode::Compat => secret.sign(&compat_signable(&tree_hash, length, fork)).to_bytes().to_vec(),
			KeyMode::Manifest => {
				let signature = secret.sign(&manifest_signable(&self.state.key, &tree_hash, length, fork));
				// The single-signer multisig wrapper: one proof by signer 0, no patch.
				let mut blob = vec![1u8, 0];
				blob.extend_from_slice(&signature.to_bytes());
				blob.extend_from_slice(&[0, 0]);
				blob
			},
		};
		self.state.roots = roots;
		self.state.verify()
	}

	fn write_header(&self) -> Result<()> {
		for f in [&self.data, &self.offsets, &self.tree] {
			f.sync_data()?;
		}
		let tmp = self.dir.join("header.json.tmp");
		fs::write(&tmp, serde_json::to_vec_pretty(&self.state.to_json())?)?;
		fs::rename(&tmp, self.dir.join("header.json"))?;
		Ok(())
	}
}

/// Splits `bytes` into blocks of `chunk` bytes (the last may be shorter).
pub fn chunks(bytes: &[u8], chunk: usize) -> impl Iterator<Item = Vec<u8>> + '_ {
	bytes.chunks(chunk.max(1)).map(|c| c.to_vec())
}

/// Parses a size such as `65536`, `64KiB`, `1MiB`, `4k`.
pub fn parse_size(s: &str) -> Result<usize, String> {
	let t = s.trim();
	let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
	let (num, unit) = t.split_at(split);
	let n: usize = num.parse().map_err(|_| format!("not a size: {s:?} (try 65536 or 64KiB)"))?;
	let mult = match unit.trim().to_ascii_lowercase().as_str() {
		"" | "b" => 1,
		"k" | "kb" | "kib" => 1024,
		"m" | "mb" | "mib" => 1024 * 1024,
		other => return Err(format!("unknown size unit {other:?} (use KiB or MiB)")),
	};
	let size = n.checked_mul(mult).ok_or_else(|| format!("size too large: {s:?}"))?;
	if size == 0 || size > hypercore_verify::MAX_BLOCK_SIZE as usize {
		return Err(format!("block size must be between 1 byte and 4 MiB, got {s:?}"));
	}
	Ok(size)
}

/// A stored feed as a JSON test vector (the shape of
/// `primitives/hypercore-verify/tests/vectors/*.json`): state, and every block
/// with its sibling path at the current length.
pub fn export_vector(feed: &Feed) -> Result<serde_json::Value> {
	let state = feed.state();
	let mut value = serde_json::to_value(state.to_json())?;
	let mut blocks = Vec::new();
	for index in 0..state.length {
		let proof = feed.proof(index, state.length).map_err(|e| anyhow!("block {index}: {e:?}"))?;
		blocks.push(serde_json::json!({
			"index": index,
			"value": hex::encode(&proof.value[..]),
			"nodes": proof.nodes.iter().map(JsonNode::from).collect::<Vec<_>>(),
		}));
	}
	value["blocks"] = serde_json::Value::Array(blocks);
	Ok(value)
}
