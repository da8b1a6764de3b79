//! The hoster: stores Hypercore feeds and serves every block with its Merkle
//! proof and a proof of contact over HTTP, keeps traffic statistics, and talks
//! to the hosting chain. See `hoster --help`.
//!
//! * [`accounts`]: chain accounts in (SS58 or hex) and out (SS58, dev accounts named);
//! * [`config`]: the optional config file, `hoster.toml`;
//! * [`store`]: the feeds on disk: blocks, tree nodes, signed state;
//! * [`server`]: the HTTP API (the protocol is [`hypercore_verify::wire`]);
//! * [`import`]: copying a feed from another hoster, every block verified;
//! * [`keys`]: the contact key that signs proofs of contact;
//! * [`hello`]: the hoster's signed greeting (`GET /hello`, the `hosting-extension`);
//! * [`swarm`]: the hoster on the Hypercore network (seeding, importing, following);
//! * [`chain`]: the client of the hosting chain; [`render`]: its reports as text and JSON;
//! * [`dashboard`]: `hoster dashboard`, the web dashboard's static files on loopback.
#![deny(missing_docs)]

pub mod accounts;
pub mod chain;
pub mod config;
pub mod dashboard;
pub mod hello;
pub mod import;
pub mod keys;
pub mod render;
pub mod server;
pub mod store;
pub mod swarm;
