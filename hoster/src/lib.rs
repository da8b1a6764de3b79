//! The hoster: stores Hypercore feeds and serves every block with its Merkle
//! proof and a proof of contact over HTTP, keeps traffic statistics, and talks
//! to the hosting chain. See `hoster --help`.

pub mod chain;
pub mod import;
pub mod keys;
pub mod server;
pub mod store;
