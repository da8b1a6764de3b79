//! Proofs of contact: after serving an attestor's block requests, a hoster binds
//! the blocks it served to one benchmark challenge.
//!
//! Block requests name no challenge ([`crate::wire`]): an attestor's fetch is the
//! request any client makes. Once its blocks have come, the attestor sends one
//! [`ContactRequest`] (`POST /contact`) naming the benchmark (request id, nonce,
//! its own account) and the blocks it received (index and leaf hash, at the
//! feed length it asked for). The hoster signs only blocks it served to that
//! peer at that length with exactly that leaf hash, and answers one signature
//! per block ([`ContactAnswer`]), each with the Ed25519 contact key of its
//! registration form over [`contact_message`]:
//! `CONTEXT ‖ u64le(request id) ‖ nonce ‖ attestor ‖ u64le(block index) ‖ leaf hash`.
//! The attestor checks the one it puts on chain, and the chain checks it again.
//! A proxy or a replay cannot produce it for a fresh challenge.

use bounded_collections::{BoundedVec, ConstU32};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::crypto::{Crypto, Hash};

/// Domain separation prefix of the contact-proof message.
pub const CONTACT_PROOF_CONTEXT: &[u8; 24] = b"hosting/contact-proof/v1";

/// Length of the message a contact proof signs.
pub const CONTACT_MESSAGE_LEN: usize = 24 + 8 + 32 + 32 + 8 + 32;

/// Most blocks one [`ContactRequest`] names: at least the chunks one attestor
/// asks for in a benchmark.
pub const MAX_CONTACT_BLOCKS: u32 = 32;

/// Encoded size of the largest [`ContactRequest`] (a hoster reads no more).
pub const MAX_CONTACT_REQUEST_BYTES: usize =
	8 + 32 + 32 + 32 + 8 + 1 + (MAX_CONTACT_BLOCKS as usize) * (8 + 32) + 4;

/// Encoded size of the largest [`ContactAnswer`] (an attestor reads no more).
pub const MAX_CONTACT_ANSWER_BYTES: usize = 2 + (MAX_CONTACT_BLOCKS as usize) * 64;

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

/// One block a [`ContactRequest`] names.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct ReceivedBlock {
	/// The block's number.
	pub index: u64,
	/// Its leaf hash ([`crate::hashes::leaf`] of its bytes), as the attestor verified it.
	pub leaf_hash: Hash,
}

/// The attestor's request for proofs of contact, SCALE-encoded as the body of
/// `POST /contact`: the benchmark challenge and the blocks received.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ContactRequest {
	/// The benchmark request's id.
	pub request: u64,
	/// The request's random nonce.
	pub nonce: [u8; 32],
	/// The 32-byte account id of the attestor asking.
	pub attestor: [u8; 32],
	/// The feed's key.
	pub feed: [u8; 32],
	/// The length the blocks were asked for at (`?length=` of their requests).
	pub length: u64,
	/// The blocks received, each at most once.
	pub blocks: BoundedVec<ReceivedBlock, ConstU32<MAX_CONTACT_BLOCKS>>,
}

impl ContactRequest {
	/// The message the hoster signs for `block`.
	pub fn message(&self, block: &ReceivedBlock) -> [u8; CONTACT_MESSAGE_LEN] {
		contact_message(self.request, &self.nonce, &self.attestor, block.index, &block.leaf_hash)
	}
}

/// The hoster's answer to a [`ContactRequest`], SCALE-encoded: one contact
/// signature per block named, in the order named.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ContactAnswer {
	/// The contact key's signature over [`contact_message`] for each block.
	pub signatures: BoundedVec<[u8; 64], ConstU32<MAX_CONTACT_BLOCKS>>,
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_largest_request_and_answer_fit_their_caps() {
		let block = ReceivedBlock { index: u64::MAX, leaf_hash: [1; 32] };
		let request = ContactRequest {
			request: u64::MAX,
			nonce: [2; 32],
			attestor: [3; 32],
			feed: [4; 32],
			length: u64::MAX,
			blocks: BoundedVec::truncate_from(alloc::vec![block; MAX_CONTACT_BLOCKS as usize]),
		};
		assert!(request.encode().len() <= MAX_CONTACT_REQUEST_BYTES);
		assert!(ContactRequest::max_encoded_len() <= MAX_CONTACT_REQUEST_BYTES);
		let answer = ContactAnswer {
			signatures: BoundedVec::truncate_from(
				alloc::vec![[5; 64]; MAX_CONTACT_BLOCKS as usize],
			),
		};
		assert!(answer.encode().len() <= MAX_CONTACT_ANSWER_BYTES);
		assert!(ContactAnswer::max_encoded_len() <= MAX_CONTACT_ANSWER_BYTES);
	}

	#[test]
	fn a_request_signs_the_message_of_each_block() {
		let request = ContactRequest {
			request: 7,
			nonce: [2; 32],
			attestor: [3; 32],
			feed: [4; 32],
			length: 9,
			blocks: Default::default(),
		};
		let block = ReceivedBlock { index: 5, leaf_hash: [6; 32] };
		assert_eq!(request.message(&block), contact_message(7, &[2; 32], &[3; 32], 5, &[6; 32]));
	}
}
