//! One stored feed: its files, positioned reads of blocks and tree nodes,
//! proofs at any length up to the stored one, and appends that sign the new state.

use std::{
	fs::{self, File, OpenOptions},
	io,
	os::unix::fs::FileExt,
	path::{Path, PathBuf},
};

use ed25519_dalek::{Signer, SigningKey};
use hypercore_verify::{
	feed::{compat_signable, manifest_signable},
	hashes,
	tree::{block_proof, nodes_created_by_append, roots_at, ProofBuildError},
	BlockProof, KeyMode, Node, PureRust,
};

use super::{hex32, parse_mode, FeedState, JsonState, StoreError};

/// Size of one tree node on disk.
const NODE_BYTES: u64 = 40;

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
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ServeError {
	/// The index is not below the anchor length.
	#[error("the block is not below the anchor length")]
	IndexOutOfRange,
	/// The anchor length is beyond the stored length.
	#[error("the anchor length is beyond the stored length")]
	LengthOutOfRange,
	/// Storage is damaged or unreadable.
	#[error("storage: {0}")]
	Storage(String),
}

impl Feed {
	fn files(dir: &Path) -> Result<(File, File, File), StoreError> {
		let open = |name: &str| -> Result<File, StoreError> {
			// Positioned writes: parents land behind their children, so no O_APPEND
			// (with it, Linux ignores pwrite's offset).
			OpenOptions::new()
				.read(true)
				.write(true)
				.create(true)
				.truncate(false)
				.open(dir.join(name))
				.map_err(|source| StoreError::OpenFile { path: dir.join(name), source })
		};
		Ok((open("data")?, open("offsets")?, open("tree")?))
	}

	pub(super) fn init(
		dir: PathBuf,
		state: FeedState,
		secret: Option<SigningKey>,
	) -> Result<Self, StoreError> {
		let feed = Self::init_unlisted(dir, state, secret)?;
		feed.write_header()?;
		Ok(feed)
	}

	/// A feed whose files exist but whose header is not written yet: the store
	/// does not list it (a copy under way; [`Feed::finish_copy`] lists it).
	pub(super) fn init_unlisted(
		dir: PathBuf,
		state: FeedState,
		secret: Option<SigningKey>,
	) -> Result<Self, StoreError> {
		let (data, offsets, tree) = Self::files(&dir)?;
		Ok(Feed { dir, state, data, offsets, tree, secret })
	}

	/// Opens a feed directory, with its signing key if it has one.
	pub fn open(dir: PathBuf) -> Result<Self, StoreError> {
		let text = fs::read_to_string(dir.join("header.json"))?;
		let json: JsonState = serde_json::from_str(&text).map_err(StoreError::NotAHeader)?;
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
	pub fn byte_length(&self) -> io::Result<u64> {
		Ok(if self.state.length == 0 { 0 } else { self.end_of(self.state.length - 1)? })
	}

	fn end_of(&self, index: u64) -> io::Result<u64> {
		let mut b = [0u8; 8];
		self.offsets.read_exact_at(&mut b, index * 8)?;
		Ok(u64::from_le_bytes(b))
	}

	/// Where block `index` (below the stored length) is in the data file: its start and length.
	fn block_span(&self, index: u64) -> io::Result<(u64, usize)> {
		if index >= self.state.length {
			return Err(io::Error::new(io::ErrorKind::NotFound, "no such block"));
		}
		let start = if index == 0 { 0 } else { self.end_of(index - 1)? };
		let end = self.end_of(index)?;
		let len = end.checked_sub(start).ok_or_else(|| io::Error::other("offsets go backwards"))?;
		Ok((start, usize::try_from(len).map_err(io::Error::other)?))
	}

	/// Block `index` (below the stored length).
	pub fn block(&self, index: u64) -> io::Result<Vec<u8>> {
		let (start, len) = self.block_span(index)?;
		let mut out = vec![0u8; len];
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
		block_proof(index, length, value, |i| self.node(i)).map_err(serve_error)
	}

	/// Block `index` with its proof anchored at `length`, SCALE-encoded as
	/// [`BlockProof`] (what a block request is answered with), built in one
	/// buffer: the block is read straight into its place, never copied.
	/// Returns the encoding and the block's size.
	pub fn encoded_proof(&self, index: u64, length: u64) -> Result<(Vec<u8>, u64), ServeError> {
		use codec::{Compact, Encode};
		if length > self.state.length {
			return Err(ServeError::LengthOutOfRange);
		}
		if index >= length {
			return Err(ServeError::IndexOutOfRange);
		}
		let storage = |e: io::Error| ServeError::Storage(e.to_string());
		// The path and roots, from a proof without the block's bytes.
		let path = block_proof(index, length, Vec::new(), |i| self.node(i)).map_err(serve_error)?;
		let (start, len) = self.block_span(index).map_err(storage)?;
		let len32 = u32::try_from(len)
			.ok()
			.filter(|len| *len <= hypercore_verify::MAX_BLOCK_SIZE)
			.ok_or_else(|| serve_error(ProofBuildError::BlockTooLarge))?;
		let mut out =
			Vec::with_capacity(8 + 5 + len + path.nodes.encoded_size() + path.roots.encoded_size());
		index.encode_to(&mut out);
		Compact(len32).encode_to(&mut out);
		let at = out.len();
		out.resize(at + len, 0);
		self.data.read_exact_at(&mut out[at..], start).map_err(storage)?;
		path.nodes.encode_to(&mut out);
		path.roots.encode_to(&mut out);
		Ok((out, len as u64))
	}

	/// Appends blocks and signs the new state (writable feeds).
	pub fn append<I: IntoIterator<Item = Vec<u8>>>(
		&mut self,
		blocks: I,
		mut progress: impl FnMut(u64),
	) -> Result<(), StoreError> {
		if self.secret.is_none() {
			return Err(StoreError::NotWritable(self.state.key));
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
	pub fn append_verified(&mut self, block: &[u8]) -> Result<(), StoreError> {
		self.write_block(block)
	}

	/// Finishes a copy: the rebuilt roots must be the signed ones.
	pub fn finish_copy(&mut self, signed: &FeedState) -> Result<(), StoreError> {
		let roots = self.roots_at(self.state.length).map_err(StoreError::Roots)?;
		if self.state.length != signed.length || roots != signed.roots {
			return Err(StoreError::CopyMismatch);
		}
		self.state = signed.clone();
		self.write_header()
	}

	fn write_block(&mut self, block: &[u8]) -> Result<(), StoreError> {
		let length = self.state.length;
		let created = nodes_created_by_append::<PureRust>(length, block, |i| self.node(i))
			.ok_or(StoreError::TreeFull)?;
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

	fn sign(&mut self) -> Result<(), StoreError> {
		let secret = self.secret.as_ref().ok_or(StoreError::NotWritable(self.state.key))?;
		let roots = self.roots_at(self.state.length).map_err(StoreError::Roots)?;
		let tree_hash = hashes::tree::<PureRust>(&roots);
		let (length, fork) = (self.state.length, self.state.fork);
		self.state.signature = match self.state.mode {
			KeyMode::Compat => {
				secret.sign(&compat_signable(&tree_hash, length, fork)).to_bytes().to_vec()
			},
			KeyMode::Manifest => {
				let signature =
					secret.sign(&manifest_signable(&self.state.key, &tree_hash, length, fork));
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

	fn write_header(&self) -> Result<(), StoreError> {
		for f in [&self.data, &self.offsets, &self.tree] {
			f.sync_data()?;
		}
		let tmp = self.dir.join("header.json.tmp");
		fs::write(&tmp, serde_json::to_vec_pretty(&self.state.to_json())?)?;
		fs::rename(&tmp, self.dir.join("header.json"))?;
		Ok(())
	}
}

/// Why a proof could not be built, as the server answers it.
fn serve_error(error: ProofBuildError) -> ServeError {
	match error {
		ProofBuildError::OutOfRange => ServeError::IndexOutOfRange,
		other => ServeError::Storage(format!("{other:?}")),
	}
}

#[cfg(test)]
mod tests {
	use codec::Encode;

	use super::*;

	#[test]
	fn an_encoded_proof_is_byte_for_byte_the_encoded_block_proof() {
		let dir = tempfile::tempdir().unwrap();
		let store = super::super::Store::open(dir.path()).unwrap();
		let mut feed = store.create(KeyMode::Manifest).unwrap();
		let blocks: Vec<Vec<u8>> = (0..11).map(|i| vec![i as u8; 1 + i * 97]).collect();
		feed.append(blocks.clone(), |_| {}).unwrap();
		for length in 1..=11 {
			for index in 0..length {
				let (body, size) = feed.encoded_proof(index, length).unwrap();
				assert_eq!(
					body,
					feed.proof(index, length).unwrap().encode(),
					"{index} at {length}"
				);
				assert_eq!(size, blocks[index as usize].len() as u64);
			}
			assert!(matches!(feed.encoded_proof(length, length), Err(ServeError::IndexOutOfRange)));
		}
		assert!(matches!(feed.encoded_proof(0, 12), Err(ServeError::LengthOutOfRange)));
	}
}
