//! The two primitives Hypercore needs, BLAKE2b-256 and Ed25519, behind one small trait.
//!
//! * [`PureRust`] (feature `pure`): the `blake2` and `ed25519-dalek` crates, streaming
//!   the parts of a message into the hasher without copying them. For the hoster,
//!   tests and any native program.
//! * [`SpIo`] (feature `sp-io`): the `sp_io` host functions. Inside the runtime and
//!   its off-chain worker, hashing a chunk then runs natively in the node, never as
//!   code compiled to wasm.

/// A 32-byte BLAKE2b-256 digest.
pub type Hash = [u8; 32];

/// Hashing and signature checking used by every verification function of this crate.
pub trait Crypto {
	/// Unkeyed BLAKE2b with a 32-byte output over the concatenation of `parts`.
	fn blake2b_256(parts: &[&[u8]]) -> Hash;

	/// Whether `signature` is a valid Ed25519 signature of `message` by `public_key`.
	fn ed25519_verify(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool;
}

/// Pure-Rust implementation (`blake2`, `ed25519-dalek`).
#[cfg(feature = "pure")]
#[derive(Clone, Copy, Debug, Default)]
pub struct PureRust;

#[cfg(feature = "pure")]
impl Crypto for PureRust {
	fn blake2b_256(parts: &[&[u8]]) -> Hash {
		use blake2::{digest::consts::U32, Blake2b, Digest};
		let mut hasher = Blake2b::<U32>::new();
		for part in parts {
			hasher.update(part);
		}
		hasher.finalize().into()
	}

	fn ed25519_verify(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
		use ed25519_dalek::{Signature, Verifier, VerifyingKey};
		let Ok(key) = VerifyingKey::from_bytes(public_key) else { return false };
		key.verify(message, &Signature::from_bytes(signature)).is_ok()
	}
}

/// Host-function implementation (`sp_io::hashing::blake2_256`, `sp_io::crypto::ed25519_verify`).
#[cfg(feature = "sp-io")]
#[derive(Clone, Copy, Debug, Default)]
pub struct SpIo;

#[cfg(feature = "sp-io")]
impl Crypto for SpIo {
	fn blake2b_256(parts: &[&[u8]]) -> Hash {
		// The host function takes one buffer: join small headers to the data once.
		if let [single] = parts {
			return sp_io::hashing::blake2_256(single);
		}
		let total = parts.iter().map(|p| p.len()).sum();
		let mut joined = alloc::vec::Vec::with_capacity(total);
		for part in parts {
			joined.extend_from_slice(part);
		}
		sp_io::hashing::blake2_256(&joined)
	}

	fn ed25519_verify(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
		use sp_core::ed25519::{Public, Signature};
		sp_io::crypto::ed25519_verify(
			&Signature::from_raw(*signature),
			message,
			&Public::from_raw(*public_key),
		)
	}
}
