//! Smoke test: `hosting-node --dev --tmp` on free loopback ports produces
//! block 3 and finalizes a block, answers JSON-RPC on its port (as polkadot.js
//! apps uses it), holds the dev attestor key, and stops on SIGTERM.

use std::{
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

/// Kills the node when the test ends, whatever happens.
struct Node(Child);

impl Drop for Node {
	fn drop(&mut self) {
		let _ = self.0.kill();
		let _ = self.0.wait();
	}
}

fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One JSON-RPC call over HTTP; `None` while the node is not listening yet.
fn rpc(port: u16, method: &str, params: &str) -> Option<serde_json::Value> {
	let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#);
	let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
	stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
	let request = format!(
		"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	);
	stream.write_all(request.as_bytes()).ok()?;
	let mut response = String::new();
	stream.read_to_string(&mut response).ok()?;
	let json = response.split("\r\n\r\n").nth(1)?;
	serde_json::from_str::<serde_json::Value>(json).ok()?.get("result").cloned()
}

fn block_number(header: &serde_json::Value) -> u64 {
	u64::from_str_radix(header["number"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

#[test]
fn dev_node_produces_and_finalizes_blocks() {
	let rpc_port = free_port();
	let mut node = Node(
		Command::new(env!("CARGO_BIN_EXE_hosting-node"))
			.args(["--dev", "--tmp", "--no-prometheus", "--no-telemetry", "--no-mdns"])
			.args(["--rpc-port", &rpc_port.to_string(), "--port", &free_port().to_string()])
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.expect("hosting-node starts"),
	);

	let started = Instant::now();
	let deadline = started + Duration::from_secs(120);
	let (mut best, mut finalized) = (0, 0);
	while Instant::now() < deadline && (best < 3 || finalized < 1) {
		assert!(node.0.try_wait().unwrap().is_none(), "the node exited early");
		if let Some(header) = rpc(rpc_port, "chain_getHeader", "[]") {
			best = block_number(&header);
		}
		if let Some(hash) = rpc(rpc_port, "chain_getFinalizedHead", "[]") {
			let params = format!("[{hash}]");
			if let Some(header) = rpc(rpc_port, "chain_getHeader", &params) {
				finalized = block_number(&header);
			}
		}
		std::thread::sleep(Duration::from_millis(500));
	}
	assert!(best >= 3, "best block {best} after {:?}", started.elapsed());
	assert!(finalized >= 1, "finalized block {finalized} after {:?}", started.elapsed());

	// The runtime metadata and the hosting pallet's runtime API are served.
	let version = rpc(rpc_port, "state_getRuntimeVersion", "[]").expect("runtime version");
	assert_eq!(version["specName"], "hosting");
	// --dev put Alice's attestor key (type `host`) into the keystore.
	let alice = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
	assert_eq!(
		rpc(rpc_port, "author_hasKey", &format!(r#"["{alice}", "host"]"#)),
		Some(serde_json::Value::Bool(true))
	);

	// SIGTERM stops it cleanly.
	let pid = node.0.id().to_string();
	Command::new("kill").args(["-TERM", &pid]).status().unwrap();
	let stop = Instant::now();
	while node.0.try_wait().unwrap().is_none() {
		assert!(stop.elapsed() < Duration::from_secs(30), "the node did not stop on SIGTERM");
		std::thread::sleep(Duration::from_millis(100));
	}
}
