//! The config file as an operator uses it: `hoster.toml` in the data
//! directory or the file `--config` names; a flag beats its variable, which
//! beats the file, which beats the default; a broken file stops every command
//! before it does anything, naming the file and the key. Also: chain commands
//! check their input before reaching the node, and `hoster dashboard` refuses
//! to start without its bundle and serves it when it is there.

use std::{
	io::{BufRead, BufReader, Read, Write},
	net::TcpStream,
	path::Path,
	process::{Output, Stdio},
};

mod common;
use common::{closed_port, hoster, text};

/// A ws:// URL of a loopback port nothing listens on.
fn closed_url() -> String {
	format!("ws://127.0.0.1:{}", closed_port())
}

/// `hoster --data DATA chain [ARGS] status` with the variables `env`: it fails
/// (nothing listens), and its error names the URL it tried.
fn status(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
	let mut command = hoster();
	command.arg("--data").arg(data).arg("chain").args(args).arg("status");
	for (k, v) in env {
		command.env(k, v);
	}
	command.output().unwrap()
}

#[test]
fn flag_beats_variable_beats_config_file_beats_default() {
	let dir = tempfile::tempdir().unwrap();
	let (file_url, env_url, flag_url) = (closed_url(), closed_url(), closed_url());
	std::fs::write(dir.path().join("hoster.toml"), format!("url = \"{file_url}\"\n")).unwrap();
	let tried = |args: &[&str], env: &[(&str, &str)]| {
		let out = status(dir.path(), args, &[&[("HOSTER_SURI", "//Alice")], env].concat());
		assert!(!out.status.success());
		text(&out.stderr)
	};
	let err = tried(&[], &[]);
	assert!(err.contains(&format!("cannot connect to {file_url}:")), "{err}");
	let err = tried(&[], &[("HOSTER_URL", &env_url)]);
	assert!(err.contains(&format!("cannot connect to {env_url}:")), "{err}");
	let err = tried(&["--url", &flag_url], &[("HOSTER_URL", &env_url)]);
	assert!(err.contains(&format!("cannot connect to {flag_url}:")), "{err}");

	// --help shows the file's value as the default.
	let out = hoster()
		.arg("--data")
		.arg(dir.path())
		.args(["chain", "--help"])
		.output()
		.unwrap();
	// Help is wrapped to the terminal's width: compare with the lines joined.
	let help = text(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
	assert!(help.contains(&format!("[default: {file_url}]")), "{help}");

	// `--config` names another file, and only that one is read.
	let other = dir.path().join("other.toml");
	let other_url = closed_url();
	std::fs::write(&other, format!("url = \"{other_url}\"\n")).unwrap();
	let err = tried(&["--config", other.to_str().unwrap()], &[]);
	assert!(err.contains(&format!("cannot connect to {other_url}:")), "{err}");
	let err = tried(&[], &[("HOSTER_CONFIG", other.to_str().unwrap())]);
	assert!(err.contains(&format!("cannot connect to {other_url}:")), "{err}");
}

#[test]
fn a_broken_config_file_names_the_file_and_key_and_changes_nothing() {
	let dir = tempfile::tempdir().unwrap();
	let data = dir.path().join("data");
	std::fs::create_dir_all(&data).unwrap();
	let file = data.join("hoster.toml");
	let input = dir.path().join("input.bin");
	std::fs::write(&input, vec![3u8; 1000]).unwrap();
	for (config, expect) in [
		("listen-on = \"0.0.0.0:1\"", "unknown key `listen-on`"),
		("max_connections = 10", "unknown key `max_connections` (did you mean `max-connections`?)"),
		("listen = 8900", "key `listen`: expected a string, found an integer"),
		("swarm = \"yes\"", "key `swarm`: expected true or false, found a string"),
		("bootstrap = \"h:1\"", "key `bootstrap`: expected an array of strings"),
		("bootstrap = [\"nohost\"]", "key `bootstrap`: invalid value \"nohost\""),
		("max-connections = 0", "key `max-connections`: invalid value \"0\""),
		("chunk-size = \"12parsecs\"", "key `chunk-size`: invalid value \"12parsecs\""),
		("mode = \"v9\"", "key `mode`: invalid value \"v9\": expected one of compat, manifest"),
		("promise-availability = 101", "key `promise-availability`: invalid value \"101\""),
		("listen = ", "not valid TOML"),
		("suri = \"//Alice\"", "key `suri`: a secret is not kept in the config file"),
		("data = \"/elsewhere\"", "cannot name another data directory"),
		("config = \"/x.toml\"", "a config file cannot name another config file"),
	] {
		std::fs::write(&file, config).unwrap();
		let out = hoster()
			.arg("--data")
			.arg(&data)
			.args(["feed", "create", input.to_str().unwrap()])
			.output()
			.unwrap();
		let err = text(&out.stderr);
		assert_eq!(out.status.code(), Some(2), "{config}: {err}");
		assert!(
			err.starts_with(&format!("error: config file {}: ", file.display()))
				|| err
					.starts_with(&format!("error: cannot read the config file {}", file.display())),
			"{config}: {err}"
		);
		assert!(err.contains(expect), "{config}: {err}");
		assert!(out.stdout.is_empty(), "{config}");
		assert_eq!(
			std::fs::read_dir(&data).unwrap().count(),
			1,
			"{config}: only hoster.toml in the data directory"
		);
	}
	// --help and --version still answer.
	for args in [["--help"], ["--version"]] {
		let out = hoster().arg("--data").arg(&data).args(args).output().unwrap();
		assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
	}
	// A file named by --config must exist; the data directory's may not.
	let out = hoster()
		.args(["--config", "/no/such/hoster.toml", "--data"])
		.arg(&data)
		.args(["feed", "list"])
		.output()
		.unwrap();
	assert_eq!(out.status.code(), Some(2));
	assert!(
		text(&out.stderr).contains("cannot read the config file /no/such/hoster.toml"),
		"{}",
		text(&out.stderr)
	);
	std::fs::remove_file(&file).unwrap();
	let out = hoster()
		.arg("--data")
		.arg(&data)
		.args(["feed", "list", "--json"])
		.output()
		.unwrap();
	assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn a_config_file_sets_the_serving_flags_and_the_help_explains_it() {
	let dir = tempfile::tempdir().unwrap();
	let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
	let listen = listener.local_addr().unwrap().to_string();
	drop(listener);
	std::fs::write(
		dir.path().join("hoster.toml"),
		format!("listen = \"{listen}\"\nmetrics-listen = \"127.0.0.1:0\"\nmax-connections = 64\n"),
	)
	.unwrap();
	let mut child = hoster()
		.env_remove("HOSTER_METRICS_LISTEN")
		.arg("--data")
		.arg(dir.path())
		.arg("serve")
		.env("RUST_LOG", "info")
		.stderr(Stdio::piped())
		.spawn()
		.unwrap();
	let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
	let started = lines.next().unwrap().unwrap();
	child.kill().unwrap();
	child.wait().unwrap();
	assert!(started.contains(&format!("on http://{listen}")), "{started}");

	let out = hoster().arg("--help").output().unwrap();
	let help = text(&out.stdout);
	for words in ["DATA/hoster.toml", "--config", "metrics-listen", "key-file", "`suri` is refused"]
	{
		assert!(help.contains(words), "{words}: {help}");
	}
}

#[test]
fn a_key_file_from_the_config_file_gives_way_to_a_secret_uri() {
	let dir = tempfile::tempdir().unwrap();
	let key = dir.path().join("dave.key");
	std::fs::write(&key, "//Dave\n").unwrap();
	let url = closed_url();
	std::fs::write(
		dir.path().join("hoster.toml"),
		format!("key-file = \"{}\"\nurl = \"{url}\"\n", key.display()),
	)
	.unwrap();
	// The file's key alone is used; HOSTER_SURI then wins over it (it does
	// not make two keys).
	for env in [&[][..], &[("HOSTER_SURI", "//Alice")][..]] {
		let err = text(&status(dir.path(), &[], env).stderr);
		assert!(err.contains(&format!("cannot connect to {url}")), "{env:?}: {err}");
	}
	// Two keys at one level stay an error.
	let err = text(
		&status(dir.path(), &["--suri", "//Alice", "--key-file", key.to_str().unwrap()], &[])
			.stderr,
	);
	assert!(err.contains("not both"), "{err}");
}

#[test]
fn chain_commands_check_their_input_before_reaching_the_node() {
	let dir = tempfile::tempdir().unwrap();
	let url = closed_url();
	let chain = |args: &[&str], env: &[(&str, &str)]| {
		let mut command = hoster();
		command.arg("--data").arg(dir.path()).args(["chain", "--url", &url]).args(args);
		for (k, v) in env {
			command.env(k, v);
		}
		let out = command.output().unwrap();
		assert!(!out.status.success(), "{args:?}");
		text(&out.stderr)
	};
	let feed = "ab".repeat(32);
	for (args, expect) in [
		(
			vec!["request", "--hoster", "Dave", "--feed", &feed],
			"--hoster: \"Dave\" is not an account",
		),
		(
			vec![
				"request",
				"--hoster",
				"5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy",
				"--feed",
				"xyz",
			],
			"64 hex",
		),
		(vec!["offer", "xyz"], "64 hex"),
		(vec!["publish", &feed], "no feed"),
		(vec!["status", "--account", "nobody"], "--account: \"nobody\" is not an account"),
	] {
		let err = chain(&args, &[("HOSTER_SURI", "//Dave")]);
		assert!(err.contains(expect), "{args:?}: {err}");
		assert!(!err.contains("cannot connect"), "{args:?}: {err}");
	}
	// Without a key: one's own status and every transaction say how to give
	// one; another hoster's status needs none.
	for args in [vec!["status"], vec!["offer", &feed]] {
		let err = chain(&args, &[]);
		assert!(err.contains("give the account's key with --suri"), "{args:?}: {err}");
	}
	let err = chain(
		&["status", "--account", "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy", "--json"],
		&[],
	);
	assert!(err.contains(&format!("cannot connect to {url}")), "{err}");
	let feeds = dir.path().join("feeds");
	assert!(
		!feeds.exists() || std::fs::read_dir(&feeds).unwrap().next().is_none(),
		"nothing was stored"
	);
	assert!(!dir.path().join("contact.key").exists(), "no contact key was made");
}

#[test]
fn the_dashboard_needs_its_bundle_and_serves_it_on_loopback() {
	let dir = tempfile::tempdir().unwrap();
	let out = hoster()
		.args(["dashboard", "--listen", "127.0.0.1:0", "--dir"])
		.arg(dir.path().join("dist"))
		.output()
		.unwrap();
	assert!(!out.status.success());
	let err = text(&out.stderr);
	assert!(
		err.contains("the dashboard is not built") && err.contains("scripts/setup.sh"),
		"{err}"
	);
	let out = hoster()
		.args(["dashboard", "--listen", "127.0.0.1:0", "--url", "http://x"])
		.arg("--dir")
		.arg(dir.path())
		.output()
		.unwrap();
	assert!(!out.status.success());

	std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
	let mut child = hoster()
		.args(["dashboard", "--listen", "127.0.0.1:0", "--url", "ws://127.0.0.1:9"])
		.env("HOSTER_DASHBOARD_DIR", dir.path())
		.env("RUST_LOG", "info")
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.unwrap();
	let mut first = String::new();
	BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
	let addr = first
		.trim()
		.strip_prefix("dashboard on http://")
		.and_then(|a| a.strip_suffix('/'))
		.unwrap_or_else(|| panic!("{first}"))
		.to_owned();
	let get = |path: &str| {
		let mut stream = TcpStream::connect(&addr).unwrap();
		write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
		let mut answer = String::new();
		stream.read_to_string(&mut answer).unwrap();
		answer
	};
	let index = get("/");
	assert!(index.starts_with("HTTP/1.1 200") && index.ends_with("<!doctype html>"), "{index}");
	assert!(get("/config.json").ends_with("{\"rpc\":\"ws://127.0.0.1:9\"}"));
	assert!(get("/../index.html").starts_with("HTTP/1.1 404"));
	child.kill().unwrap();
	child.wait().unwrap();
	let mut log = String::new();
	child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
	assert!(log.contains(&format!("dashboard on http://{addr}/")), "{log}");
	assert!(log.contains("hoster::access") && log.contains("GET / 200"), "{log}");
	assert!(log.contains("GET /../index.html 404"), "{log}");
}
