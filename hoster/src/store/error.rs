//! The store's errors.

use std::{io, path::PathBuf};

use hypercore_verify::FeedError;

use super::ServeError;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// A file could not be read or written.
	#[error(transparent)]
	Io(#[from] io::Error),
	/// A directory could not be created.
	#[error("cannot create {}", .path.display())]
	CreateDir {
		/// The directory.
		path: PathBuf,
		/// Why.
		source: io::Error,
	},
	/// A feed's file could not be opened.
	#[error("cannot open {}", .path.display())]
	OpenFile {
		/// The file.
		path: PathBuf,
		/// Why.
		source: io::Error,
	},
	/// A file could not be read.
	#[error("cannot read {}", .path.display())]
	ReadFile {
		/// The file.
		path: PathBuf,
		/// Why.
		source: io::Error,
	},
	/// A `header.json` that is not a feed's header.
	#[error("header.json is not a feed header")]
	NotAHeader(#[source] serde_json::Error),
	/// A key file that holds no key.
	#[error("{file} is damaged")]
	DamagedKey {
		/// The file's name.
		file: &'static str,
		/// Why.
		source: NotHex32,
	},
	/// JSON could not be written or read.
	#[error(transparent)]
	Json(#[from] serde_json::Error),
	/// A hex field that is not 64 hex characters.
	#[error(transparent)]
	NotHex32(#[from] NotHex32),
	/// A hex field that is not hex.
	#[error(transparent)]
	Hex(#[from] hex::FromHexError),
	/// A key mode other than `compat` and `manifest`.
	#[error("unknown key mode {0:?}: expected compat or manifest")]
	UnknownMode(String),
	/// The signature over roots, length and fork does not verify.
	#[error("the feed's signature does not verify: {0:?}")]
	BadSignature(FeedError),
	/// The signature verifies, for another signer than the one named.
	#[error("the feed names signer {} but {} signed", hex::encode(.named), hex::encode(.signed))]
	WrongSigner {
		/// The signer the feed names.
		named: [u8; 32],
		/// The signer whose signature it carries.
		signed: [u8; 32],
	},
	/// The system gave no randomness for a new key.
	#[error("no randomness: {0}")]
	NoRandomness(getrandom::Error),
	/// A copy of a feed that is stored already.
	#[error("feed {} is already stored", hex::encode(.0))]
	AlreadyStored([u8; 32]),
	/// New blocks for a feed whose signing key is not here.
	#[error("feed {} is a copy: it has no signing key here", hex::encode(.0))]
	NotWritable([u8; 32]),
	/// An append the tree cannot take: nodes are missing, or it is full.
	#[error("the tree is missing nodes or is full")]
	TreeFull,
	/// The stored nodes do not give the roots at a length.
	#[error("{0:?}")]
	Roots(ServeError),
	/// A copied feed whose blocks do not rebuild the signed roots.
	#[error("the copied blocks do not rebuild the signed tree")]
	CopyMismatch,
	/// A block of a feed being exported cannot be served.
	#[error("block {index}: {error:?}")]
	Export {
		/// The block.
		index: u64,
		/// Why.
		error: ServeError,
	},
}

/// A value that should be 64 hex characters and is not.
#[derive(Debug, thiserror::Error)]
#[error("expected 64 hex characters, got {0:?}")]
pub struct NotHex32(pub String);
