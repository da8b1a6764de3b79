//! # hypercore-verify
//!
//! Answers, exactly and cheaply, "is this chunk really block `i` of feed `K` at
//! length `L`?" for the chain (feed signatures), the attestor's off-chain worker
//! (block proofs) and the hoster (which builds the same proofs it serves).
//!
//! `#![no_std]` with `alloc`. Byte-exact with the JS reference (hypercore v10 LTS
//! and v11, hypercore-crypto, flat-tree); the test suite checks vectors produced
//! by the real npm package (`scripts/vectors/`).
//!
//! * [`flat`]: flat-tree index math.
//! * [`hashes`]: leaf, parent and tree hashes.
//! * [`verify_feed`]: a feed's signature over its roots/length/fork, in both key
//!   modes ([`KeyMode::Compat`], [`KeyMode::Manifest`]).
//! * [`verify_block`]: a block proof against registered roots or a tree hash.
//! * [`contact`]: the hoster's proof of contact for the blocks it served an attestor.
//! * [`served`]: a served block decoded and hashed in place, for the attestor.
//! * [`tree`]: building proofs from stored nodes; [`tree::MemoryTree`].
//! * [`wire`]: the hoster ↔ attestor protocol: block request URLs and their
//!   query, what a hoster answers and signs, what an attestor checks and what
//!   ends up on chain.
//!
//! Hashing and Ed25519 go through [`Crypto`]: [`PureRust`] (feature `pure`,
//! default) or [`SpIo`] (feature `sp-io`: host functions, for the runtime).
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod block;
pub mod compact;
pub mod contact;
pub mod crypto;
pub mod feed;
pub mod flat;
pub mod hashes;
pub mod manifest;
pub mod served;
pub mod tree;
pub mod types;
pub mod wire;

pub use block::{verify_block, verify_leaf, Anchor, BlockError};
pub use contact::{
	contact_message, verify_contact_proof, ContactAnswer, ContactRequest, ReceivedBlock,
	MAX_CONTACT_BLOCKS,
};
pub use crypto::{Crypto, Hash};
pub use feed::{verify_feed, FeedError, SignedTree, VerifiedFeed};
pub use manifest::UnsupportedManifest;
pub use served::{decode_served_block, HashedServedBlock};
pub use types::{
	BlockProof, BlockValue, KeyMode, Node, PathNodes, Roots, MAX_BLOCK_SIZE, MAX_LENGTH,
	MAX_TREE_DEPTH,
};

#[cfg(feature = "pure")]
pub use crypto::PureRust;
#[cfg(feature = "sp-io")]
pub use crypto::SpIo;
