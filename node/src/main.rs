//! `hosting-node`: the node of the hosting chain.

// The node returns Substrate's own `sc_cli::Error` and `sc_service::Error`,
// large enums it does not define; boxing them at every `?` would buy nothing.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod network;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
