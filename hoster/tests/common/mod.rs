//! What the hoster's command-line tests share: the binary with none of the
//! caller's settings, its output as text, and a free loopback port.

// Each test file is a crate of its own and uses only some of these.
#![allow(dead_code)]

use std::process::Command;

/// `hoster`, with every `HOSTER_` variable and `RUST_LOG` of the test's own
/// environment removed (so an operator's settings never change a test), and
/// its metrics on a free port (tests run in parallel).
pub fn hoster() -> Command {
	let mut command = Command::new(env!("CARGO_BIN_EXE_hoster"));
	for (var, _) in std::env::vars_os() {
		if var.to_string_lossy().starts_with("HOSTER_") || var == "RUST_LOG" {
			command.env_remove(var);
		}
	}
	command.env("HOSTER_METRICS_LISTEN", "127.0.0.1:0");
	command
}

/// Bytes a command printed, as text.
pub fn text(bytes: &[u8]) -> String {
	String::from_utf8_lossy(bytes).into_owned()
}

/// A loopback port nothing listens on.
pub fn closed_port() -> u16 {
	let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
	listener.local_addr().unwrap().port()
}
