//! Is this the signed state of feed `K`? ([`verify_feed`])
//!
//! What is signed, byte-exact with `hypercore/lib/caps.js`:
//! * compat:   `TREE ‖ tree hash ‖ u64le(length) ‖ u64le(fork)` (80 bytes), a raw
//!   64-byte signature, feed key = the Ed25519 public key;
//! * manifest: `TREE ‖ manifest hash ‖ tree hash ‖ u64le(length) ‖ u64le(fork)`
//!   (112 bytes), wrapped in a multisig blob, feed key = the manifest hash
//!   `H(MANIFEST ‖ manifest)`.
//!
//! `TREE` and `MANIFEST` are the namespaces `hypercore-crypto.namespace('hypercore', 6)[0]`
//! and `[3]`, checked against their derivation in the tests.

use crate::{
	block::roots_fit_length,
	crypto::{Crypto, Hash},
	hashes,
	manifest::{parse_manifest, parse_multisig, ManifestError, UnsupportedManifest},
	types::{KeyMode, Node, MAX_LENGTH},
};

/// `namespace('hypercore')[0]`: prefix of every tree signable.
pub const TREE_NAMESPACE: Hash =
	hex32("9fac70b50ca14efc4e91c833b204e75b8b5aad8b5881bfc0adb5ef38a3275b9c");
/// `namespace('hypercore')[3]`: prefix of the manifest hash.
pub const MANIFEST_NAMESPACE: Hash =
	hex32("e64b7108eacce47cfc61ac850568f55f8b15b82ec5ed78c4ec597b036e2a1498");
/// `namespace('hypercore')[4]`: the default signer namespace of a manifest.
pub const DEFAULT_SIGNER_NAMESPACE: Hash =
	hex32("4144eea531e483d54e0c14f4ca68e0644f355343ff6fcb0f005200e12cd747cb");

/// The signed state of a feed, as published on chain or served by a hoster.
#[derive(Clone, Copy, Debug)]
pub struct SignedTree<'a> {
	/// The feed's public key (32 bytes).
	pub key: &'a [u8; 32],
	/// Key mode.
	pub mode: KeyMode,
	/// Encoded manifest (manifest mode only).
	pub manifest: Option<&'a [u8]>,
	/// Number of blocks.
	pub length: u64,
	/// Fork id (bumped by truncation).
	pub fork: u64,
	/// Full roots at `length`, left to right.
	pub roots: &'a [Node],
	/// The signature as the JS core stores it.
	pub signature: &'a [u8],
}

/// What a valid signature establishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedFeed {
	/// The Ed25519 key that signed.
	pub signer: [u8; 32],
	/// Tree hash of the roots.
	pub tree_hash: Hash,
}

/// Why a feed's signed state was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedError {
	/// The length is beyond [`MAX_LENGTH`].
	LengthTooLarge,
	/// The roots are not the full roots of a tree of `length` blocks.
	WrongRoots,
	/// A compat signature must be exactly 64 bytes.
	SignatureLength,
	/// Manifest mode needs the encoded manifest.
	MissingManifest,
	/// Compat mode takes no manifest.
	UnexpectedManifest,
	/// The feed key is not the hash of the given manifest.
	KeyMismatch,
	/// The manifest or multisig blob is malformed.
	Malformed,
	/// The manifest uses a feature this crate does not verify.
	Unsupported(UnsupportedManifest),
	/// The signature does not verify.
	BadSignature,
}

impl From<ManifestError> for FeedError {
	fn from(e: ManifestError) -> Self {
		match e {
			ManifestError::Malformed(_) => FeedError::Malformed,
			ManifestError::Unsupported(u) => FeedError::Unsupported(u),
		}
	}
}

/// The 80-byte compat signable.
pub fn compat_signable(tree_hash: &Hash, length: u64, fork: u64) -> [u8; 80] {
	let mut out = [0u8; 80];
	out[..32].copy_from_slice(&TREE_NAMESPACE);
	out[32..64].copy_from_slice(tree_hash);
	out[64..72].copy_from_slice(&length.to_le_bytes());
	out[72..].copy_from_slice(&fork.to_le_bytes());
	out
}

/// The 112-byte manifest-mode signable.
pub fn manifest_signable(
	manifest_hash: &Hash,
	tree_hash: &Hash,
	length: u64,
	fork: u64,
) -> [u8; 112] {
	let mut out = [0u8; 112];
	out[..32].copy_from_slice(&TREE_NAMESPACE);
	out[32..64].copy_from_slice(manifest_hash);
	out[64..96].copy_from_slice(tree_hash);
	out[96..104].copy_from_slice(&length.to_le_bytes());
	out[104..].copy_from_slice(&fork.to_le_bytes());
	out
}

/// The feed key of a manifest: `H(MANIFEST ‖ manifest)`.
pub fn manifest_hash<C: Crypto>(manifest: &[u8]) -> Hash {
	C::blake2b_256(&[&MANIFEST_NAMESPACE, manifest])
}

/// Checks a feed's signature over its roots, length and fork.
pub fn verify_feed<C: Crypto>(tree: &SignedTree<'_>) -> Result<VerifiedFeed, FeedError> {
	if tree.length > MAX_LENGTH {
		return Err(FeedError::LengthTooLarge);
	}
	if !roots_fit_length(tree.length, tree.roots) {
		return Err(FeedError::WrongRoots);
	}
	let tree_hash = hashes::tree::<C>(tree.roots);
	let (signer, valid) = match tree.mode {
		KeyMode::Compat => {
			if tree.manifest.is_some() {
				return Err(FeedError::UnexpectedManifest);
			}
			let signature: &[u8; 64] =
				tree.signature.try_into().map_err(|_| FeedError::SignatureLength)?;
			let signable = compat_signable(&tree_hash, tree.length, tree.fork);
			(*tree.key, C::ed25519_verify(tree.key, &signable, signature))
		},
		KeyMode::Manifest => {
			let manifest = tree.manifest.ok_or(FeedError::MissingManifest)?;
			let hash = manifest_hash::<C>(manifest);
			if hash != *tree.key {
				return Err(FeedError::KeyMismatch);
			}
			let signer = parse_manifest(manifest)?;
			let signature = parse_multisig(tree.signature)?;
			let signable = manifest_signable(&hash, &tree_hash, tree.length, tree.fork);
			(signer.public_key, C::ed25519_verify(&signer.public_key, &signable, &signature))
		},
	};
	if !valid {
		return Err(FeedError::BadSignature);
	}
	Ok(VerifiedFeed { signer, tree_hash })
}

/// Decodes 64 hex characters at compile time.
const fn hex32(s: &str) -> [u8; 32] {
	const fn nibble(c: u8) -> u8 {
		match c {
			b'0'..=b'9' => c - b'0',
			b'a'..=b'f' => c - b'a' + 10,
			_ => panic!("not lowercase hex"),
		}
	}
	let b = s.as_bytes();
	assert!(b.len() == 64);
	let mut out = [0u8; 32];
	let mut i = 0;
	while i < 32 {
		out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
		i += 1;
	}
	out
}

#[cfg(all(test, feature = "pure"))]
mod tests {
	use super::*;
	use crate::crypto::PureRust;

	/// `hypercore-crypto.namespace(name, count)[i] = H(H(name) ‖ u8(i))`.
	fn namespace(i: u8) -> Hash {
		let ns = PureRust::blake2b_256(&[b"hypercore"]);
		PureRust::blake2b_256(&[&ns, &[i]])
	}

	#[test]
	fn namespaces_match_their_derivation() {
		assert_eq!(TREE_NAMESPACE, namespace(0));
		assert_eq!(MANIFEST_NAMESPACE, namespace(3));
		assert_eq!(DEFAULT_SIGNER_NAMESPACE, namespace(4));
	}
}
