//! The `hoster` command line: feeds are created, listed, appended to and
//! removed; the secret key file is private; bad arguments fail with a clear
//! message and leave nothing behind.

use std::os::unix::fs::PermissionsExt;

mod common;
use common::text;

fn hoster(data: &std::path::Path, args: &[&str]) -> std::process::Output {
	common::hoster().arg("--data").arg(data).args(args).output().unwrap()
}

#[test]
fn create_list_append_and_private_key() {
	let dir = tempfile::tempdir().unwrap();
	let data = dir.path().join("data");
	let input = dir.path().join("input.bin");
	std::fs::write(&input, vec![7u8; 10_000]).unwrap();
	let out = hoster(
		&data,
		&["feed", "create", input.to_str().unwrap(), "--chunk-size", "4KiB", "--mode", "compat"],
	);
	assert!(out.status.success(), "{}", text(&out.stderr));
	let key = text(&out.stdout).trim().to_string();
	assert_eq!(key.len(), 64);
	assert!(key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
	let secret = data.join("feeds").join(&key).join("secret.key");
	assert_eq!(std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777, 0o600);

	let list = text(&hoster(&data, &["feed", "list"]).stdout);
	assert!(
		list.contains(&key) && list.contains("compat") && list.contains("length        3"),
		"{list}"
	);

	let json: serde_json::Value =
		serde_json::from_slice(&hoster(&data, &["feed", "list", "--json"]).stdout).unwrap();
	assert_eq!(
		json,
		serde_json::json!([{ "key": key, "mode": "compat", "length": 3, "bytes": 10_000, "writable": true }])
	);
	let out =
		hoster(&data, &["feed", "append", &key, input.to_str().unwrap(), "--chunk-size", "4KiB"]);
	assert!(out.status.success(), "{}", text(&out.stderr));
	assert_eq!(text(&out.stdout).trim(), format!("{key} 6"));
}

#[test]
fn a_feed_is_removed_with_its_swarm_copies_and_one_created_here_only_with_force() {
	let dir = tempfile::tempdir().unwrap();
	let data = dir.path().join("data");
	let input = dir.path().join("input.bin");
	std::fs::write(&input, vec![5u8; 3000]).unwrap();
	let key = text(&hoster(&data, &["feed", "create", input.to_str().unwrap()]).stdout)
		.trim()
		.to_string();
	let listed = || text(&hoster(&data, &["feed", "list", "--json"]).stdout);

	let out = hoster(&data, &["feed", "remove", &"cd".repeat(32)]);
	assert!(!out.status.success());
	assert!(text(&out.stderr).contains("is stored in"), "{}", text(&out.stderr));
	let out = hoster(&data, &["feed", "remove", "xyz"]);
	assert!(!out.status.success());

	// Created here: its signing key would go with it.
	let out = hoster(&data, &["feed", "remove", &key]);
	assert!(!out.status.success());
	assert!(text(&out.stderr).contains("--force"), "{}", text(&out.stderr));
	assert!(listed().contains(&key), "a refused removal removed the feed");

	for part in ["cores", "fetch"] {
		std::fs::create_dir_all(data.join("swarm").join(part).join(&key)).unwrap();
	}
	let out = hoster(&data, &["feed", "remove", &key, "--force"]);
	assert!(out.status.success(), "{}", text(&out.stderr));
	assert!(text(&out.stderr).contains("stopHosting"), "{}", text(&out.stderr));
	assert_eq!(listed().trim(), "[]");
	assert!(!data.join("feeds").join(&key).exists());
	for part in ["cores", "fetch"] {
		assert!(!data.join("swarm").join(part).join(&key).exists(), "swarm/{part} was kept");
	}
}

#[test]
fn bad_arguments_fail_clearly_and_leave_nothing() {
	let dir = tempfile::tempdir().unwrap();
	let data = dir.path().join("data");
	let empty = dir.path().join("empty");
	std::fs::write(&empty, b"").unwrap();
	for (args, expect) in [
		(vec!["feed", "create", "/no/such/file"], "cannot read /no/such/file"),
		(vec!["feed", "create", empty.to_str().unwrap()], "holds no bytes"),
		(
			vec!["feed", "create", empty.to_str().unwrap(), "--chunk-size", "0"],
			"between 1 byte and 4 MiB",
		),
		(
			vec!["feed", "create", empty.to_str().unwrap(), "--chunk-size", "5MiB"],
			"between 1 byte and 4 MiB",
		),
		(
			vec!["feed", "create", empty.to_str().unwrap(), "--chunk-size", "12parsecs"],
			"unknown size unit",
		),
		(vec!["feed", "create", empty.to_str().unwrap(), "--mode", "v9"], "invalid value 'v9'"),
		(vec!["feed", "append", "xyz", empty.to_str().unwrap()], "expected 64 hex characters"),
		(vec!["feed", "append", &"ab".repeat(32), empty.to_str().unwrap()], "no feed"),
		(vec!["serve", "--listen", "not-an-address"], "cannot listen on not-an-address"),
		(
			vec!["serve", "--account", "Dave"],
			"\"Dave\" is not an account: expected an SS58 address",
		),
	] {
		let out = hoster(&data, &args);
		assert!(!out.status.success(), "{args:?} must fail");
		assert!(text(&out.stderr).contains(expect), "{args:?}: {}", text(&out.stderr));
	}
	let feeds = data.join("feeds");
	assert!(
		!feeds.exists() || std::fs::read_dir(&feeds).unwrap().next().is_none(),
		"no feed left behind"
	);
}

#[test]
fn every_subcommand_explains_itself() {
	for args in [
		vec!["--help"],
		vec!["feed", "--help"],
		vec!["feed", "create", "--help"],
		vec!["serve", "--help"],
	] {
		let out = common::hoster().args(&args).output().unwrap();
		assert!(out.status.success());
		assert!(text(&out.stdout).len() > 100, "{args:?}");
	}
}

#[test]
fn a_swarm_import_without_node_or_of_a_feed_written_here_fails_clearly() {
	let dir = tempfile::tempdir().unwrap();
	let data = dir.path().join("data");
	let key = "ab".repeat(32);
	// No Node.js: the error names what to install; nothing is stored.
	let out = hoster(
		&data,
		&[
			"feed",
			"import",
			"--key",
			&key,
			"--bootstrap",
			"127.0.0.1:9",
			"--node",
			"/nonexistent/node",
		],
	);
	assert!(!out.status.success());
	assert!(text(&out.stderr).contains("cannot start the Hypercore peer"), "{}", text(&out.stderr));
	assert!(text(&out.stderr).contains("npm ci"), "{}", text(&out.stderr));
	let list = text(&hoster(&data, &["feed", "list", "--json"]).stdout);
	assert_eq!(list.trim(), "[]");

	// A feed written here takes nothing from the swarm: refused before any peer runs.
	let input = dir.path().join("input.bin");
	std::fs::write(&input, vec![1u8; 100]).unwrap();
	let own = text(&hoster(&data, &["feed", "create", input.to_str().unwrap()]).stdout);
	let out = hoster(
		&data,
		&[
			"feed",
			"import",
			"--key",
			own.trim(),
			"--bootstrap",
			"127.0.0.1:9",
			"--node",
			"/nonexistent/node",
		],
	);
	assert!(!out.status.success());
	assert!(text(&out.stderr).contains("is written here"), "{}", text(&out.stderr));

	// Addresses are host:port.
	for bad in ["127.0.0.1", "127.0.0.1:99999", ":80"] {
		let out = hoster(&data, &["feed", "import", "--key", &key, "--bootstrap", bad]);
		assert!(
			!out.status.success() && text(&out.stderr).contains("not"),
			"{bad}: {}",
			text(&out.stderr)
		);
		let out = hoster(&data, &["serve", "--swarm", "--swarm-listen", bad]);
		assert!(!out.status.success(), "{bad}");
	}
}
