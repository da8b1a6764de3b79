//! What an operator relies on: every connection and serving flag can come from
//! an environment variable (a flag on the command line wins), a secret given
//! that way never shows in `--help`, and `serve` logs one access line per
//! request, filtered by `RUST_LOG`.

use std::{
	io::{BufRead, BufReader, Read, Write},
	net::TcpStream,
	process::Stdio,
	time::{Duration, Instant},
};

mod common;
use common::{closed_port, hoster, text};

/// What `hoster chain [--url FLAG_URL] status` says with `HOSTER_URL=ENV_URL`,
/// both closed ports: it fails, naming the URL it tried.
fn connect_error(env_url: &str, flag_url: Option<&str>) -> String {
	let dir = tempfile::tempdir().unwrap();
	let mut args = vec!["--data", dir.path().to_str().unwrap(), "chain"];
	if let Some(url) = flag_url {
		args.extend(["--url", url]);
	}
	args.push("status");
	let out = hoster()
		.args(&args)
		.env("HOSTER_URL", env_url)
		.env("HOSTER_SURI", "//Alice")
		.output()
		.unwrap();
	assert!(!out.status.success());
	text(&out.stderr)
}

#[test]
fn chain_flags_come_from_the_environment_and_the_command_line_wins() {
	let env_url = format!("ws://127.0.0.1:{}", closed_port());
	let flag_url = format!("ws://127.0.0.1:{}", closed_port());
	let err = connect_error(&env_url, None);
	assert!(err.contains(&format!("cannot connect to {env_url}:")), "{err}");
	let err = connect_error(&env_url, Some(&flag_url));
	assert!(err.contains(&format!("cannot connect to {flag_url}:")), "{err}");
}

#[test]
fn a_secret_from_the_environment_never_shows_in_help() {
	let out = hoster()
		.args(["chain", "--help"])
		.env("HOSTER_SURI", "bottom drive obey lake curtain smoke basket hold race lonely fit walk")
		.output()
		.unwrap();
	let help = text(&out.stdout);
	assert!(out.status.success());
	assert!(help.contains("HOSTER_SURI") && help.contains("HOSTER_URL"), "{help}");
	assert!(!help.contains("curtain"), "the secret leaked into --help: {help}");
}

/// Starts `hoster serve` on a free port taken from `HOSTER_LISTEN` and returns
/// it with the address it logged.
fn serve(data: &std::path::Path, rust_log: &str) -> (std::process::Child, String) {
	let listen = format!("127.0.0.1:{}", closed_port());
	let mut child = hoster()
		.args(["--data", data.to_str().unwrap(), "serve"])
		.env("HOSTER_LISTEN", &listen)
		.env("RUST_LOG", rust_log)
		.stderr(Stdio::piped())
		.spawn()
		.unwrap();
	let deadline = Instant::now() + Duration::from_secs(30);
	// Before the server listens, a connection to a port of the ephemeral range
	// can connect to itself (its source port picked equal to the port): not
	// the server.
	let listening =
		|| TcpStream::connect(&listen).is_ok_and(|s| s.local_addr().ok() != s.peer_addr().ok());
	while !listening() {
		assert!(
			Instant::now() < deadline,
			"hoster serve did not listen on {listen} from HOSTER_LISTEN"
		);
		if let Some(status) = child.try_wait().unwrap() {
			let mut err = String::new();
			child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
			panic!("hoster serve exited with {status}: {err}");
		}
		std::thread::sleep(Duration::from_millis(50));
	}
	(child, listen)
}

fn get(addr: &str, path: &str) -> String {
	let mut stream = TcpStream::connect(addr).unwrap();
	write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
	let mut answer = String::new();
	stream.read_to_string(&mut answer).unwrap();
	answer
}

/// Stops the server and returns what it logged.
fn stop(mut child: std::process::Child) -> String {
	child.kill().unwrap();
	let mut lines = Vec::new();
	for line in BufReader::new(child.stderr.take().unwrap()).lines() {
		lines.push(line.unwrap());
	}
	child.wait().unwrap();
	lines.join("\n")
}

#[test]
fn serve_logs_one_access_line_per_request() {
	let dir = tempfile::tempdir().unwrap();
	let (child, addr) = serve(dir.path(), "info");
	assert!(get(&addr, "/feeds").starts_with("HTTP/1.1 200"));
	assert!(get(&addr, &format!("/feeds/{}", "ab".repeat(32))).starts_with("HTTP/1.1 404"));
	assert!(get(&addr, "/metrics").starts_with("HTTP/1.1 404"), "metrics are not public");
	let log = stop(child);
	assert!(log.contains(&format!("serving {} on http://{addr}", dir.path().display())), "{log}");
	let access: Vec<&str> = log.lines().filter(|l| l.contains("hoster::access")).collect();
	assert_eq!(access.len(), 3, "{log}");
	assert!(
		access[0].contains("GET /feeds 200 ")
			&& access[0].contains(" bytes ")
			&& access[0].contains(" us from 127.0.0.1:"),
		"{log}"
	);
	assert!(access[1].contains(&format!("GET /feeds/{} 404", "ab".repeat(32))), "{log}");
	assert!(log.contains("metrics on http://127.0.0.1:"), "{log}");
}

#[test]
fn rust_log_silences_the_access_log() {
	let dir = tempfile::tempdir().unwrap();
	let (child, addr) = serve(dir.path(), "warn");
	assert!(get(&addr, "/feeds").starts_with("HTTP/1.1 200"));
	let log = stop(child);
	assert!(!log.contains("hoster::access"), "{log}");
	assert!(!log.contains("serving"), "{log}");
}
