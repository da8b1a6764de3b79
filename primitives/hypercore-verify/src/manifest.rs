//! Hypercore manifests (key mode "manifest", the v11 default) and the multisig
//! signature wrapper, as encoded by `hypercore/lib/messages.js`.
//!
//! Supported: manifest versions 1 and 2 with BLAKE2b hashing, exactly one Ed25519
//! signer and a quorum of 1, without patches or a prologue (what `new Hypercore()`
//! creates). Linked cores and user data (version 2) only change the manifest hash
//! and are accepted. Everything else is refused with [`UnsupportedManifest`].

use crate::compact::{CompactError, Reader};

const FLAG_PATCH: u64 = 0b0001;
const FLAG_PROLOGUE: u64 = 0b0010;
const FLAG_LINKED: u64 = 0b0100;
const FLAG_USER_DATA: u64 = 0b1000;
const KNOWN_FLAGS: u64 = FLAG_PATCH | FLAG_PROLOGUE | FLAG_LINKED | FLAG_USER_DATA;

/// Manifest features this crate does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
pub enum UnsupportedManifest {
	/// Version 0 manifests (pre-v11 multi-signer layout) or an unknown version.
	Version(u64),
	/// A hash other than BLAKE2b.
	Hash(u64),
	/// A signature scheme other than Ed25519.
	SignatureScheme(u64),
	/// Quorum other than 1 (multi-party signing).
	Quorum(u64),
	/// Not exactly one signer.
	Signers(u64),
	/// `allowPatch`: signatures may carry tree patches.
	Patch,
	/// A prologue: the first blocks are fixed by hash, not signed.
	Prologue,
	/// Flag bits this crate does not know.
	UnknownFlags(u64),
}

/// The one signer of a supported manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManifestSigner {
	/// The signer's namespace (unused for signing in versions ≥ 1).
	pub namespace: [u8; 32],
	/// The signer's Ed25519 public key.
	pub public_key: [u8; 32],
}

/// Errors from reading a manifest or a multisig signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManifestError {
	/// The bytes are not a well-formed encoding.
	Malformed(CompactError),
	/// Well-formed, but uses a feature this crate does not verify.
	Unsupported(UnsupportedManifest),
}

impl From<CompactError> for ManifestError {
	fn from(e: CompactError) -> Self {
		ManifestError::Malformed(e)
	}
}

/// Reads an encoded manifest and returns its single signer.
pub fn parse_manifest(bytes: &[u8]) -> Result<ManifestSigner, ManifestError> {
	use UnsupportedManifest::*;
	let unsupported = |u| Err(ManifestError::Unsupported(u));
	let mut r = Reader::new(bytes);
	let version = r.uint()?;
	if !(1..=2).contains(&version) {
		return unsupported(Version(version));
	}
	let flags = r.uint()?;
	if flags & !KNOWN_FLAGS != 0 {
		return unsupported(UnknownFlags(flags & !KNOWN_FLAGS));
	}
	if flags & FLAG_PATCH != 0 {
		return unsupported(Patch);
	}
	if flags & FLAG_PROLOGUE != 0 {
		return unsupported(Prologue);
	}
	let hash = r.uint()?;
	if hash != 0 {
		return unsupported(Hash(hash));
	}
	let quorum = r.uint()?;
	if quorum != 1 {
		return unsupported(Quorum(quorum));
	}
	// Each signer is at least 1 + 32 + 32 bytes.
	let signers = r.count(65)?;
	if signers != 1 {
		return unsupported(Signers(signers as u64));
	}
	let scheme = r.uint()?;
	if scheme != 0 {
		return unsupported(SignatureScheme(scheme));
	}
	let signer = ManifestSigner { namespace: r.fixed()?, public_key: r.fixed()? };
	if flags & FLAG_LINKED != 0 {
		let linked = r.count(32)?;
		for _ in 0..linked {
			r.fixed::<32>()?;
		}
	}
	if flags & FLAG_USER_DATA != 0 {
		r.buffer()?;
	}
	r.finish()?;
	Ok(signer)
}

/// Reads a version ≥ 1 multisig signature and returns the Ed25519 signature of
/// signer 0, the first proof (a quorum of one needs only that one).
pub fn parse_multisig(bytes: &[u8]) -> Result<[u8; 64], ManifestError> {
	let mut r = Reader::new(bytes);
	// A proof is at least 1 + 64 + 1 bytes.
	let proofs = r.count(66)?;
	let mut first = None;
	for _ in 0..proofs {
		let signer = r.uint()?;
		let signature = r.fixed::<64>()?;
		let _patch = r.uint()?;
		if first.is_none() {
			first = Some((signer, signature));
		}
	}
	// Patch nodes: index, size, 32-byte hash each.
	let patch = r.count(34)?;
	for _ in 0..patch {
		r.uint()?;
		r.uint()?;
		r.fixed::<32>()?;
	}
	r.finish()?;
	match first {
		Some((0, signature)) => Ok(signature),
		Some((signer, _)) => {
			Err(ManifestError::Unsupported(UnsupportedManifest::Signers(signer.saturating_add(1))))
		},
		None => Err(ManifestError::Unsupported(UnsupportedManifest::Quorum(0))),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec::Vec;

	fn manifest(version: u8, flags: u8, quorum: u8, signers: u8) -> Vec<u8> {
		let mut m = alloc::vec![version, flags, 0, quorum, signers];
		for i in 0..signers {
			m.push(0);
			m.extend_from_slice(&[i; 32]);
			m.extend_from_slice(&[0xaa; 32]);
		}
		m
	}

	#[test]
	fn default_manifest_is_read() {
		let s = parse_manifest(&manifest(1, 0, 1, 1)).unwrap();
		assert_eq!(s.public_key, [0xaa; 32]);
	}

	#[test]
	fn unsupported_manifests_say_why() {
		use UnsupportedManifest::*;
		let err = |m: Vec<u8>| parse_manifest(&m).unwrap_err();
		assert_eq!(err(manifest(0, 0, 1, 1)), ManifestError::Unsupported(Version(0)));
		assert_eq!(err(manifest(3, 0, 1, 1)), ManifestError::Unsupported(Version(3)));
		assert_eq!(err(manifest(1, 0, 2, 2)), ManifestError::Unsupported(Quorum(2)));
		assert_eq!(err(manifest(1, 0, 1, 2)), ManifestError::Unsupported(Signers(2)));
		assert_eq!(err(manifest(1, 1, 1, 1)), ManifestError::Unsupported(Patch));
		assert_eq!(err(manifest(1, 2, 1, 1)), ManifestError::Unsupported(Prologue));
		assert_eq!(err(manifest(1, 0x10, 1, 1)), ManifestError::Unsupported(UnknownFlags(0x10)));
		let mut m = manifest(1, 0, 1, 1);
		m[2] = 1;
		assert_eq!(err(m), ManifestError::Unsupported(Hash(1)));
	}

	#[test]
	fn malformed_manifests_are_errors() {
		let m = manifest(1, 0, 1, 1);
		assert_eq!(
			parse_manifest(&m[..m.len() - 1]),
			Err(ManifestError::Malformed(CompactError::Truncated))
		);
		let mut long = m.clone();
		long.push(0);
		assert_eq!(
			parse_manifest(&long),
			Err(ManifestError::Malformed(CompactError::TrailingBytes))
		);
		// Version 2 with user data: accepted, and the data is consumed.
		let mut v2 = manifest(2, 0b1000, 1, 1);
		v2[0] = 2;
		v2.extend_from_slice(&[3, 1, 2, 3]);
		assert!(parse_manifest(&v2).is_ok());
	}

	#[test]
	fn multisig_returns_signer_zero() {
		let mut blob = alloc::vec![1, 0];
		blob.extend_from_slice(&[7; 64]);
		blob.extend_from_slice(&[0, 0]);
		assert_eq!(parse_multisig(&blob), Ok([7; 64]));
		blob[1] = 1;
		assert_eq!(
			parse_multisig(&blob),
			Err(ManifestError::Unsupported(UnsupportedManifest::Signers(2)))
		);
		assert_eq!(
			parse_multisig(&[0, 0]),
			Err(ManifestError::Unsupported(UnsupportedManifest::Quorum(0)))
		);
		assert!(matches!(parse_multisig(&blob[..10]), Err(ManifestError::Malformed(_))));
	}
}
