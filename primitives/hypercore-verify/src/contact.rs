//! Proofs of contact: a hoster binds one block it served to one benchmark challenge.
//!
//! The hoster signs, with the Ed25519 contact key of its registration form,
//! `CONTEXT ‖ u64le(request id) ‖ nonce ‖ attestor ‖ u64le(block index) ‖ block hash`.
//! The attestor checks it for every chunk; the chain checks the one carried by a
//! Normal rating. A proxy or a replay cannot produce it for a fresh challenge.

use crate::crypto::{Crypto, Hash};

/// Domain separation prefix of the contact-proof message.
pub const CONTACT_PROOF_CONTEXT: &[u8; 24] = b"hosting/contact-proof/v1";

/// Length of the message a contact proof signs.
pub const CONTACT_MESSAGE_LEN: usize = 24 + 8 + 32 + 32 + 8 + 32;

/// The message a hoster signs for one served block.
pub fn contact_message(
	request_id: u64,
	nonce: &[u8; 32],
	attestor: &[u8; 32],
	block_index: u64,
	block_hash: &Hash,
) -> [u8; CONTACT_MESSAGE_LEN] {
	let mut out = [0u8; CONTACT_MESSAGE_LEN];
	let parts: [&[u8]; 6] = [
		CONTACT_PROOF_CONTEXT,
		&request_id.to_le_bytes(),
		nonce,
		attestor,
		&block_index.to_le_bytes(),
		block_hash,
	];
	let mut at = 0;
	for part in parts {
		out[at..at + part.len()].copy_from_slice(part);
		at += part.len();
	}
	out
}

/// Whether `signature` is the contact key's signature over this block and challenge.
pub fn verify_contact_proof<C: Crypto>(
	contact_key: &[u8; 32],
	request_id: u64,
	nonce: &[u8; 32],
	attestor: &[u8; 32],
	block_index: u64,
	block_hash: &Hash,
	signature: &[u8; 64],
) -> bool {
	C::ed25519_verify(
		contact_key,
		&contact_message(request_id, nonce, attestor, block_index, block_hash),
		signature,
	)
}

/// What a hoster serves for one block: the block with its proof and, when the
/// request named a benchmark challenge, its contact proof. SCALE-encoded, it is
/// the body of `GET /feeds/{key}/blocks/{index}`.
#[derive(
	Clone,
	Debug,
	PartialEq,
	Eq,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	scale_info::TypeInfo,
)]
pub struct ServedBlock {
	/// The block and its Merkle proof anchored at the requested length.
	pub proof: crate::BlockProof,
	/// The contact key's signature over [`contact_message`] for this block and challenge.
	pub contact_signature: Option<[u8; 64]>,
}
