//! `hoster`: store Hypercore feeds, serve verifiable blocks, talk to the chain.

use std::{
	ffi::OsString,
	io::IsTerminal,
	path::{Path, PathBuf},
	process::ExitCode,
};

use anyhow::{anyhow, bail, Context, Result};
use clap::{parser::ValueSource, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use hoster::{
	accounts::{dev_name, display_account, parse_account, ss58},
	chain::{Chain, ChainError, ChainForm, ChainPromise, Included},
	import::import,
	keys::contact_key,
	server::{self, Hoster},
	store::{chunks, export_vector, hex32, mode_name, parse_size, Feed, FeedState, Store},
};
use hypercore_verify::KeyMode;
use indicatif::{ProgressBar, ProgressStyle};

/// Settings and their config file, for `hoster --help`.
const SETTINGS_HELP: &str = "\
Settings: a flag on the command line wins over its environment variable
(`[env: ...]` in each command's --help), which wins over the config file,
which wins over the built-in default. The config file is DATA/hoster.toml,
read if it exists, or the TOML file that --config PATH (HOSTER_CONFIG) names,
which must exist. Its keys are the long names of the flags that have an
environment variable (the variable's name without HOSTER_, so the
dashboard's are dashboard-listen and dashboard-dir):

    listen = \"0.0.0.0:8900\"
    metrics-listen = \"127.0.0.1:9616\"
    url = \"ws://127.0.0.1:9944\"
    key-file = \"/etc/hoster/account.key\"
    swarm = true
    bootstrap = [\"dht1.example.org:49737\", \"dht2.example.org:49737\"]
    max-connections = 4096
    chunk-size = \"64KiB\"

Paths are taken as written (relative ones from the working directory). An
unknown key, a value of the wrong type or one its flag refuses is an error
naming the file and the key, and the command does nothing. `suri` is refused:
keep the secret URI alone in a file (chmod 600) named by key-file, or in
HOSTER_SURI; a key-file from the config file gives way to --suri or
HOSTER_SURI. `data` is taken only from a file named by --config.";

/// Stores Hypercore feeds and serves every block with its Merkle proof and a
/// proof of contact over HTTP, for the attestors of the hosting chain.
#[derive(Parser, Debug)]
#[command(name = "hoster", version, about, long_about = None,
	after_help = "Settings also come from a config file, DATA/hoster.toml: see --help.",
	after_long_help = SETTINGS_HELP)]
struct Cli {
	/// Directory of the stored feeds and the contact key.
	#[arg(long, global = true, env = "HOSTER_DATA", default_value_os_t = default_data())]
	data: PathBuf,

	/// A TOML file of settings, instead of DATA/hoster.toml (see `hoster --help`).
	#[arg(long, global = true, env = "HOSTER_CONFIG")]
	config: Option<PathBuf>,

	#[command(subcommand)]
	command: Command,
}

fn default_data() -> PathBuf {
	std::env::var_os("HOME")
		.map(PathBuf::from)
		.unwrap_or_else(|| PathBuf::from("."))
		.join(".local/share/hoster")
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Create, grow, list and copy feeds.
	#[command(subcommand)]
	Feed(FeedCommand),
	/// Talk to the hosting chain: register, publish, update, offer, status.
	Chain(ChainArgs),
	/// Serve the stored feeds over HTTP (GET /feeds/{key}/blocks/{index}, /feeds/{key}, /hello, /stats),
	/// and /metrics on a listener of its own.
	Serve {
		/// Address to listen on.
		#[arg(long, env = "HOSTER_LISTEN", default_value = "127.0.0.1:8900")]
		listen: String,
		/// Address of the Prometheus metrics (GET /metrics): loopback by default,
		/// so only the operator's own scraper reaches it; port 0 picks a free one.
		#[arg(long, env = "HOSTER_METRICS_LISTEN", default_value = "127.0.0.1:9616")]
		metrics_listen: String,
		/// The hoster's chain account (SS58 or 64 hex characters), announced by /hello.
		#[arg(long, env = "HOSTER_ACCOUNT")]
		account: Option<String>,
		/// Most connections open at once; past it new ones are closed at once.
		/// An attestor's run opens one per chunk it asks for. Keep it below the
		/// process's file descriptor limit (`ulimit -n`).
		#[arg(long, env = "HOSTER_MAX_CONNECTIONS", default_value_t = 8192,
			value_parser = clap::value_parser!(u32).range(1..))]
		max_connections: u32,
		/// Seconds a client may take to send a request's headers (also how long
		/// an idle kept-alive connection stays open).
		#[arg(long, env = "HOSTER_HEADER_TIMEOUT", default_value_t = 10,
			value_parser = clap::value_parser!(u64).range(1..=3600))]
		header_timeout: u64,
		/// Also join the Hypercore swarm of every stored feed: seed it to any
		/// Hypercore 10 or 11 peer, greet peers on the `hosting-extension`, and
		/// follow what the feeds' writers append.
		#[arg(long, env = "HOSTER_SWARM")]
		swarm: bool,
		/// With --swarm: the largest a followed feed may grow (bytes, or with a
		/// unit: 512MiB, 4GiB, 1TiB). A writer's appends past it are neither
		/// downloaded nor stored, and a warning says so: a feed's writer cannot
		/// fill the hoster's disk. Raise it to keep following a larger feed.
		#[arg(long, env = "HOSTER_FOLLOW_LIMIT", default_value = "4GiB",
			value_parser = hoster::store::parse_bytes)]
		follow_limit: u64,
		#[command(flatten)]
		swarm_args: SwarmArgs,
	},
	/// Serve the web dashboard of the chain (the bundle in dashboard/dist, built
	/// by scripts/setup.sh) on loopback: GET / the page, /config.json the node
	/// RPC it talks to, and the bundle's files. The browser talks to the node.
	Dashboard {
		/// Address to listen on (loopback by default: the page is for the operator).
		#[arg(long, env = "HOSTER_DASHBOARD_LISTEN", default_value = "127.0.0.1:8800")]
		listen: String,
		/// The built dashboard: index.html, app.js, app.css.
		#[arg(long, env = "HOSTER_DASHBOARD_DIR", default_value_os_t = hoster::dashboard::default_dir())]
		dir: PathBuf,
		/// The node's RPC endpoint the page connects to (ws:// or wss://).
		#[arg(long, env = "HOSTER_URL", default_value = "ws://127.0.0.1:9944")]
		url: String,
	},
}

/// Where the Hypercore peer runs and which DHT it uses.
#[derive(clap::Args, Debug, Clone)]
struct SwarmArgs {
	/// A DHT bootstrap node, host:port (repeatable; the variable is
	/// comma-separated). None: Hyperswarm's public bootstrap nodes.
	#[arg(long = "bootstrap", env = "HOSTER_BOOTSTRAP", value_delimiter = ',',
		value_parser = hoster::swarm::parse_host_port)]
	bootstrap: Vec<String>,
	/// The Hypercore peer's own UDP socket, host:port (a loopback host keeps
	/// it, and the tests, on this machine).
	#[arg(long, env = "HOSTER_SWARM_LISTEN", value_parser = hoster::swarm::parse_host_port)]
	swarm_listen: Option<String>,
	/// The Hypercore peer's script (`hoster/swarm/peer.js` with its installed
	/// `node_modules`).
	#[arg(long, env = "HOSTER_SWARM_PEER", default_value_os_t = hoster::swarm::default_script())]
	swarm_peer: PathBuf,
	/// The Node.js executable that runs it.
	#[arg(long, env = "HOSTER_NODE", default_value = "node")]
	node: PathBuf,
}

impl SwarmArgs {
	fn options(&self) -> hoster::swarm::SwarmOptions {
		hoster::swarm::SwarmOptions {
			node: self.node.clone(),
			script: self.swarm_peer.clone(),
			bootstrap: self.bootstrap.clone(),
			listen: self.swarm_listen.clone(),
		}
	}
}

/// Connection and signing options of the chain commands.
#[derive(clap::Args, Debug)]
struct ChainArgs {
	/// RPC endpoint of a hosting node.
	#[arg(long, global = true, env = "HOSTER_URL", default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// The account's secret URI: `//Alice` style, a phrase, or a 0x seed. Prefer
	/// `HOSTER_SURI` or `--key-file`: a flag's value shows in the process list.
	#[arg(long, global = true, env = "HOSTER_SURI", hide_env_values = true)]
	suri: Option<String>,
	/// A file whose first line is the account's secret URI.
	#[arg(long, global = true, env = "HOSTER_KEY_FILE")]
	key_file: Option<PathBuf>,
	/// Print the answer as one JSON object, for scripts: `status` the report
	/// (plain numbers, units in the keys: `availability_percent`, `latency_ms`,
	/// `bandwidth_bytes_per_s`); the others what happened (`action`, ids,
	/// `block_hash`, `block_number`).
	#[arg(long, global = true)]
	json: bool,
	#[command(subcommand)]
	command: ChainCommand,
}

#[derive(Subcommand, Debug)]
enum ChainCommand {
	/// Register as a hoster with your form; a registration benchmark runs on `--feed` at once.
	Register {
		/// Your HTTP endpoint, as attestors reach it (http://host:port).
		#[arg(long, env = "HOSTER_ENDPOINT")]
		endpoint: String,
		/// The region you serve from.
		#[arg(long, env = "HOSTER_REGION")]
		region: String,
		/// Promised highest time to first byte, in milliseconds.
		#[arg(long, env = "HOSTER_PROMISE_LATENCY")]
		promise_latency: u32,
		/// Promised lowest bandwidth, in bytes per second.
		#[arg(long, env = "HOSTER_PROMISE_BANDWIDTH")]
		promise_bandwidth: u64,
		/// Promised availability in percent (e.g. 99.5).
		#[arg(long, env = "HOSTER_PROMISE_AVAILABILITY", value_parser = hoster::chain::percent_to_perbill)]
		promise_availability: u32,
		/// Bytes you offer to store.
		#[arg(long, env = "HOSTER_CAPACITY")]
		capacity: u64,
		/// A published feed you store (its key), for the registration benchmark.
		#[arg(long)]
		feed: String,
	},
	/// Publish a stored feed's key and signed state (verified on chain).
	Publish {
		/// Feed key.
		feed: String,
	},
	/// Publish a stored feed's longer signed state.
	Update {
		/// Feed key.
		feed: String,
	},
	/// Offer to host a published feed (Active hosters).
	Offer {
		/// Feed key.
		feed: String,
	},
	/// Ask for a benchmark of a hoster on a feed it hosts (anyone may).
	Request {
		/// The hoster's account (SS58 or 64 hex characters).
		#[arg(long)]
		hoster: String,
		/// Feed key.
		#[arg(long)]
		feed: String,
	},
	/// Your registration, figures, last rating and whether you meet your own promise.
	Status {
		/// Another hoster's account (SS58 or 64 hex characters) instead of yours
		/// (then no key is needed).
		#[arg(long)]
		account: Option<String>,
	},
}

/// The key mode of a new feed.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Mode {
	/// Feed key = the Ed25519 public key (Hypercore 10's default).
	Compat,
	/// Feed key = the hash of a one-signer manifest (Hypercore 11's default).
	Manifest,
}

#[derive(Subcommand, Debug)]
enum FeedCommand {
	/// Build a feed from a file, or from every file of a directory (sorted by path,
	/// each file starting a new block), sign it, and print its key.
	Create {
		/// File or directory to store.
		path: PathBuf,
		/// Block size: bytes, or with a unit (64KiB, 1MiB); at most 4 MiB.
		#[arg(long, env = "HOSTER_CHUNK_SIZE", default_value = "64KiB", value_parser = parse_size)]
		chunk_size: usize,
		/// Key mode.
		#[arg(long, env = "HOSTER_MODE", value_enum, default_value_t = Mode::Manifest)]
		mode: Mode,
	},
	/// Append a file (or a directory's files) to a feed created here, and sign the new length.
	Append {
		/// Feed key (64 hex characters).
		key: String,
		/// File or directory to append.
		path: PathBuf,
		/// Block size, as for `create`.
		#[arg(long, env = "HOSTER_CHUNK_SIZE", default_value = "64KiB", value_parser = parse_size)]
		chunk_size: usize,
	},
	/// List the stored feeds: key, mode, length, bytes, whether it can be signed here.
	List {
		/// One JSON array for scripts: `[{"key", "mode", "length", "bytes", "writable"}]`.
		#[arg(long)]
		json: bool,
	},
	/// Copy a feed, verifying its signed state and every block before storing
	/// it: from another hoster's HTTP API (`--from`), or else from the feed's
	/// Hypercore peers, found on the DHT (any Hypercore 10 or 11 app's feed).
	/// Run again, it brings a copy up to the writer's length; cut short, it
	/// resumes.
	Import {
		/// Base URL of another hoster (http://host:port); without it, the swarm.
		#[arg(long)]
		from: Option<String>,
		/// Feed key (64 hex characters).
		#[arg(long)]
		key: String,
		/// Seconds to wait for a peer of the feed on the swarm.
		#[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
		find_timeout: u64,
		#[command(flatten)]
		swarm_args: SwarmArgs,
	},
	/// Remove a stored feed: a running `hoster serve` stops serving it (over
	/// HTTP and on the swarm) within 2 seconds, and the swarm peer's copy and
	/// any unfinished import of it go too. If the feed is offered on chain,
	/// stop hosting it there as well (hosting.stopHosting), or its benchmarks
	/// fail.
	Remove {
		/// Feed key (64 hex characters).
		key: String,
		/// Also remove a feed created here, with its signing key: nobody can
		/// append to it again.
		#[arg(long)]
		force: bool,
	},
	/// Write a feed as a JSON test vector (blocks, paths, roots, signature) for the JS reference to check.
	ExportVector {
		/// Feed key (64 hex characters).
		key: String,
	},
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`: the server's start,
/// one access line per request on `hoster::access`, warnings). The commands'
/// own answers for people and scripts stay on stdout.
fn init_logs() {
	let filter = tracing_subscriber::EnvFilter::try_from_default_env()
		.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
	tracing_subscriber::fmt()
		.with_env_filter(filter)
		.with_writer(std::io::stderr)
		.with_ansi(std::io::stderr().is_terminal())
		.init();
}

/// The files a path names: itself, or a directory's regular files, recursively, sorted.
fn files_of(path: &Path) -> Result<Vec<PathBuf>> {
	let meta =
		std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
	if meta.is_file() {
		return Ok(vec![path.to_path_buf()]);
	}
	let mut out = Vec::new();
	let mut stack = vec![path.to_path_buf()];
	while let Some(dir) = stack.pop() {
		for entry in std::fs::read_dir(&dir)? {
			let entry = entry?;
			let kind = entry.file_type()?;
			if kind.is_dir() {
				stack.push(entry.path());
			} else if kind.is_file() {
				out.push(entry.path());
			}
		}
	}
	out.sort();
	Ok(out)
}

/// A progress bar of bytes (hidden when stderr is not a terminal).
fn progress_bar(total: u64, what: &str) -> ProgressBar {
	progress_with("{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}", total, what)
}

/// A progress bar counting blocks (hidden when stderr is not a terminal).
fn progress_blocks(what: &str) -> ProgressBar {
	progress_with("{msg} [{bar:40}] {pos}/{len} blocks {per_sec} eta {eta}", 0, what)
}

fn progress_with(template: &str, total: u64, what: &str) -> ProgressBar {
	if !std::io::stderr().is_terminal() {
		return ProgressBar::hidden();
	}
	let bar = ProgressBar::new(total);
	if let Ok(style) = ProgressStyle::with_template(template) {
		bar.set_style(style.progress_chars("=> "));
	}
	bar.set_message(what.to_string());
	bar
}

/// Appends the blocks of `path`'s files to `feed`.
fn append_files(feed: &mut Feed, path: &Path, chunk_size: usize) -> Result<()> {
	let files = files_of(path)?;
	let total: u64 = files.iter().map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)).sum();
	if total == 0 {
		bail!("{} holds no bytes: a feed needs at least one block", path.display());
	}
	let bar = progress_bar(total, "storing");
	let mut blocks = Vec::new();
	for file in &files {
		let bytes =
			std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
		blocks.extend(chunks(&bytes, chunk_size));
	}
	feed.append(blocks, |n| bar.inc(n))?;
	bar.finish_and_clear();
	Ok(())
}

/// The command line, with the config file's values as defaults (see
/// [`SETTINGS_HELP`]). A broken config file stops here, unless `--help` or
/// `--version` was asked for.
fn parse_cli(args: Vec<OsString>) -> Result<Cli, String> {
	let command = Cli::command();
	let var = |name: &str| std::env::var_os(name);
	let command = match hoster::config::with_config(command.clone(), &args, var, &default_data()) {
		Ok(command) => command,
		Err(e) => {
			if let Err(clap_error) = command.try_get_matches_from(&args) {
				use clap::error::ErrorKind;
				if matches!(clap_error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
					clap_error.exit();
				}
			}
			return Err(e.to_string());
		},
	};
	let mut for_errors = command.clone();
	let matches = command.get_matches_from(&args);
	let mut cli =
		Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut for_errors).exit());
	// A key file from the config file gives way to a secret URI from the
	// command line or the environment: two keys given at one level stay an error.
	if let Command::Chain(chain) = &mut cli.command {
		let key_file_source =
			matches.subcommand_matches("chain").and_then(|m| m.value_source("key_file"));
		if chain.suri.is_some() && key_file_source == Some(ValueSource::DefaultValue) {
			chain.key_file = None;
		}
	}
	Ok(cli)
}

#[tokio::main]
async fn main() -> ExitCode {
	init_logs();
	let cli = match parse_cli(std::env::args_os().collect()) {
		Ok(cli) => cli,
		Err(e) => {
			eprintln!("error: {e}");
			return ExitCode::from(2);
		},
	};
	match run(cli).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e:#}");
			ExitCode::FAILURE
		},
	}
}

async fn run(cli: Cli) -> Result<()> {
	match cli.command {
		Command::Feed(command) => feed(&cli.data, command).await,
		Command::Chain(args) => chain(&cli.data, args).await,
		Command::Serve {
			listen,
			metrics_listen,
			account,
			max_connections,
			header_timeout,
			swarm,
			follow_limit,
			swarm_args,
		} => {
			let limits = server::ServeLimits {
				max_connections: max_connections as usize,
				header_timeout: std::time::Duration::from_secs(header_timeout),
			};
			let swarm = swarm.then(|| (swarm_args.options(), follow_limit));
			serve(&cli.data, &listen, &metrics_listen, account.as_deref(), limits, swarm).await
		},
		Command::Dashboard { listen, dir, url } => {
			let site = hoster::dashboard::Site::open(&dir, &url)?;
			let listener = tokio::net::TcpListener::bind(&listen)
				.await
				.with_context(|| format!("cannot listen on {listen}"))?;
			let addr = listener.local_addr()?;
			if !addr.ip().is_loopback() {
				tracing::warn!("the dashboard listens on {addr}, not on loopback: whoever reaches it gets the page");
			}
			tracing::info!("dashboard on http://{addr}/ (files of {}, node {url})", dir.display());
			println!("dashboard on http://{addr}/");
			hoster::dashboard::serve(site, listener, server::shutdown_signal()).await?;
			Ok(())
		},
	}
}

/// `hoster feed ...`.
async fn feed(data: &Path, command: FeedCommand) -> Result<()> {
	let store = Store::open(data)?;
	match command {
		FeedCommand::Create { path, chunk_size, mode } => {
			feed_create(&store, &path, chunk_size, mode)
		},
		FeedCommand::Append { key, path, chunk_size } => {
			feed_append(&store, data, &key, &path, chunk_size)
		},
		FeedCommand::List { json } => feed_list(&store, data, json),
		FeedCommand::Import { from: Some(from), key, .. } => feed_import(&store, &from, &key).await,
		FeedCommand::Import { from: None, key, find_timeout, swarm_args } => {
			feed_import_swarm(&store, data, &key, &swarm_args.options(), find_timeout).await
		},
		FeedCommand::Remove { key, force } => feed_remove(&store, data, &key, force),
		FeedCommand::ExportVector { key } => feed_export_vector(&store, &key),
	}
}

fn feed_create(store: &Store, path: &Path, chunk_size: usize, mode: Mode) -> Result<()> {
	// Read the input before creating anything, so bad input leaves nothing behind.
	files_of(path)?;
	let mode = match mode {
		Mode::Compat => KeyMode::Compat,
		Mode::Manifest => KeyMode::Manifest,
	};
	let mut feed = store.create(mode)?;
	let key = feed.state().key;
	if let Err(e) = append_files(&mut feed, path, chunk_size) {
		store.remove(&key)?;
		return Err(e);
	}
	eprintln!(
		"stored {} blocks ({} bytes) in {} mode",
		feed.state().length,
		feed.byte_length()?,
		mode_name(mode)
	);
	println!("{}", hex::encode(key));
	Ok(())
}

fn feed_append(
	store: &Store,
	data: &Path,
	key: &str,
	path: &Path,
	chunk_size: usize,
) -> Result<()> {
	let key = hex32(key)?;
	let Some(mut feed) = store.feed(&key)? else {
		bail!("no feed {} in {}", hex::encode(key), data.display())
	};
	append_files(&mut feed, path, chunk_size)?;
	println!("{} {}", hex::encode(key), feed.state().length);
	Ok(())
}

/// One stored feed as `feed list` shows it.
#[derive(serde::Serialize)]
struct ListedFeed {
	key: String,
	mode: &'static str,
	length: u64,
	bytes: u64,
	writable: bool,
}

fn feed_list(store: &Store, data: &Path, json: bool) -> Result<()> {
	let mut feeds = Vec::new();
	for key in store.keys()? {
		if let Some(feed) = store.feed(&key)? {
			let state = feed.state();
			feeds.push(ListedFeed {
				key: hex::encode(key),
				mode: mode_name(state.mode),
				length: state.length,
				bytes: feed.byte_length()?,
				writable: feed.writable(),
			});
		}
	}
	if json {
		println!("{}", serde_json::to_string(&feeds)?);
		return Ok(());
	}
	if feeds.is_empty() {
		eprintln!("no feeds in {}", data.display());
	}
	for feed in feeds {
		println!(
			"{}  {:8}  length {:>8}  {:>12} bytes  {}",
			feed.key,
			feed.mode,
			feed.length,
			feed.bytes,
			if feed.writable { "writable" } else { "copy" }
		);
	}
	Ok(())
}

async fn feed_import(store: &Store, from: &str, key: &str) -> Result<()> {
	let key = hex32(key)?;
	let bar = progress_bar(0, "importing");
	let state = import(store, from, &key, |done, total| {
		bar.set_length(total);
		bar.set_position(done);
	})
	.await?;
	bar.finish_and_clear();
	eprintln!("imported {} blocks, every one verified", state.length);
	println!("{}", hex::encode(key));
	Ok(())
}

async fn feed_import_swarm(
	store: &Store,
	data: &Path,
	key: &str,
	options: &hoster::swarm::SwarmOptions,
	find_timeout: u64,
) -> Result<()> {
	let key = hex32(key)?;
	let seed = contact_key(data)?.to_bytes();
	let bar = progress_blocks("downloading");
	let mut first = true;
	let length = hoster::swarm::fetch::import_from_swarm(
		store,
		data,
		&key,
		options,
		&seed,
		std::time::Duration::from_secs(find_timeout),
		|have, length| {
			if first && have > 0 {
				bar.suspend(|| {
					eprintln!(
						"resuming an earlier import: {have} of {length} blocks were downloaded already"
					)
				});
			}
			first = false;
			bar.set_length(length);
			bar.set_position(have);
		},
	)
	.await?;
	bar.finish_and_clear();
	eprintln!("stored {length} blocks from the swarm: the signed state and every block verified");
	println!("{}", hex::encode(key));
	Ok(())
}

fn feed_remove(store: &Store, data: &Path, key: &str, force: bool) -> Result<()> {
	let key = hex32(key)?;
	let hex = hex::encode(key);
	let Some(feed) = store.feed(&key)? else {
		bail!("no feed {hex} is stored in {}", data.display())
	};
	if feed.writable() && !force {
		bail!(
			"feed {hex} was created here: removing it destroys its signing key, and nobody can \
			 append to it again; add --force to remove it anyway"
		);
	}
	let length = feed.state().length;
	drop(feed);
	store.remove(&key)?;
	// The swarm peer's copy and an unfinished import's download.
	for part in ["cores", "fetch"] {
		let dir = data.join("swarm").join(part).join(&hex);
		if dir.exists() {
			std::fs::remove_dir_all(&dir)
				.with_context(|| format!("cannot remove {}", dir.display()))?;
		}
	}
	eprintln!(
		"removed feed {hex} ({length} blocks); a running `hoster serve` stops serving it within 2 s. \
		 If you offered it on chain, stop hosting it there too (hosting.stopHosting)."
	);
	Ok(())
}

fn feed_export_vector(store: &Store, key: &str) -> Result<()> {
	let key = hex32(key)?;
	let Some(feed) = store.feed(&key)? else { bail!("no feed {}", hex::encode(key)) };
	println!("{}", serde_json::to_string_pretty(&export_vector(&feed)?)?);
	Ok(())
}

/// `hoster chain ...`. The input is checked before the node is reached, so
/// bad input submits nothing.
async fn chain(data: &Path, args: ChainArgs) -> Result<()> {
	let signer = match hoster::chain::signer(args.suri.as_deref(), args.key_file.as_deref()) {
		Ok(key) => Some(key),
		// Another hoster's status is read without a key.
		Err(ChainError::NoKey)
			if matches!(args.command, ChainCommand::Status { account: Some(_) }) =>
		{
			None
		},
		Err(e) => return Err(e.into()),
	};
	let json = args.json;
	let url = args.url.as_str();
	match args.command {
		ChainCommand::Register {
			endpoint,
			region,
			promise_latency,
			promise_bandwidth,
			promise_availability,
			capacity,
			feed,
		} => {
			let key = hex32(&feed)?;
			let form = ChainForm {
				endpoint: endpoint.into_bytes(),
				region: region.into_bytes(),
				promised: ChainPromise {
					availability: promise_availability,
					latency_ms: promise_latency,
					bandwidth_bytes_per_sec: promise_bandwidth,
				},
				capacity_bytes: capacity,
				// Read (or made) once the feed is known to be published.
				contact_key: [0; 32],
			};
			let chain = Chain::connect(url, signer).await?;
			chain_register(&chain, data, form, &key, json).await
		},
		ChainCommand::Publish { feed } => {
			let state = signed_state(&Store::open(data)?, data, &feed)?;
			chain_publish(&Chain::connect(url, signer).await?, &state, json).await
		},
		ChainCommand::Update { feed } => {
			let state = signed_state(&Store::open(data)?, data, &feed)?;
			chain_update(&Chain::connect(url, signer).await?, &state, json).await
		},
		ChainCommand::Offer { feed } => {
			let key = hex32(&feed)?;
			chain_offer(&Chain::connect(url, signer).await?, &key, json).await
		},
		ChainCommand::Request { hoster, feed } => {
			let hoster = parse_account(&hoster).context("--hoster")?;
			let key = hex32(&feed)?;
			chain_request(&Chain::connect(url, signer).await?, hoster, &key, json).await
		},
		ChainCommand::Status { account } => {
			let who = account.map(|a| parse_account(&a).context("--account")).transpose()?;
			let chain = Chain::connect(url, signer).await?;
			let who = match who {
				Some(who) => who,
				None => chain.account().ok_or(ChainError::NoKey)?,
			};
			let report = chain.status(who).await?;
			if json {
				println!("{}", serde_json::to_string(&report)?);
			} else {
				print!("{}", hoster::render::render_status(&report));
			}
			Ok(())
		},
	}
}

/// The signed state of a stored feed that has blocks, for the chain.
fn signed_state(store: &Store, data: &Path, key: &str) -> Result<FeedState> {
	let key = hex32(key)?;
	let feed = store
		.feed(&key)?
		.ok_or_else(|| anyhow!("no feed {} in {}", hex::encode(key), data.display()))?;
	if feed.state().length == 0 {
		bail!("feed {} has no blocks yet", hex::encode(key));
	}
	Ok(feed.state().clone())
}

/// The id of a published feed, given its key.
async fn published_feed(chain: &Chain, key: &[u8; 32], not_published: &str) -> Result<u32> {
	chain
		.feed_id(key)
		.await?
		.ok_or_else(|| anyhow!("feed {} is not published{not_published}", hex::encode(key)))
}

/// An account for scripts: SS58, hex, and the development account's name.
fn account_json(account: &[u8; 32]) -> serde_json::Value {
	serde_json::json!({
		"account": ss58(account),
		"account_hex": hex::encode(account),
		"name": dev_name(account),
	})
}

/// What a transaction did, for scripts: `action`, `fields`, and where it
/// landed (`block_hash`, `block_number`).
fn done_json(
	action: &str,
	mut fields: serde_json::Value,
	included: &Included,
) -> serde_json::Value {
	fields["action"] = action.into();
	fields["block_hash"] = included.block_hash.clone().into();
	fields["block_number"] = included.block_number.into();
	fields
}

/// Prints [`done_json`] as one line.
fn print_done(action: &str, fields: serde_json::Value, included: &Included) -> Result<()> {
	println!("{}", serde_json::to_string(&done_json(action, fields, included))?);
	Ok(())
}

/// Registers with `form`, its contact key the one of `data`.
async fn chain_register(
	chain: &Chain,
	data: &Path,
	mut form: ChainForm,
	key: &[u8; 32],
	json: bool,
) -> Result<()> {
	let account = chain.account().ok_or(ChainError::NoKey)?;
	let feed = hex::encode(key);
	let id =
		published_feed(chain, key, &format!("; run `hoster chain publish {feed}` first")).await?;
	form.contact_key = contact_key(data)?.verifying_key().to_bytes();
	let included = chain.register(form, id).await?;
	std::fs::write(data.join("account"), hex::encode(account))?;
	if json {
		let mut fields = account_json(&account);
		fields["status"] = "Pending".into();
		fields["feed"] = feed.into();
		fields["feed_id"] = id.into();
		return print_done("register", fields, &included);
	}
	println!(
		"registered {} as a Pending hoster in block {}; its registration benchmark is under way",
		display_account(&account),
		included.block_number
	);
	Ok(())
}

async fn chain_publish(chain: &Chain, state: &FeedState, json: bool) -> Result<()> {
	let (id, included) = chain.publish(state).await?;
	let feed = hex::encode(state.key);
	if json {
		let fields = serde_json::json!({ "feed": feed, "feed_id": id, "length": state.length });
		return print_done("publish", fields, &included);
	}
	println!(
		"published feed {feed} as feed {id} at length {} in block {}",
		state.length, included.block_number
	);
	Ok(())
}

async fn chain_update(chain: &Chain, state: &FeedState, json: bool) -> Result<()> {
	let (id, included) = chain.update(state).await?;
	if json {
		let fields = serde_json::json!({
			"feed": hex::encode(state.key),
			"feed_id": id,
			"length": state.length,
		});
		return print_done("update", fields, &included);
	}
	println!("feed {id} updated to length {} in block {}", state.length, included.block_number);
	Ok(())
}

async fn chain_offer(chain: &Chain, key: &[u8; 32], json: bool) -> Result<()> {
	let id = published_feed(chain, key, "").await?;
	let included = chain.offer(id).await?;
	if json {
		let fields = serde_json::json!({ "feed": hex::encode(key), "feed_id": id });
		return print_done("offer", fields, &included);
	}
	println!("offered to host feed {id} in block {}", included.block_number);
	Ok(())
}

async fn chain_request(chain: &Chain, hoster: [u8; 32], key: &[u8; 32], json: bool) -> Result<()> {
	let id = published_feed(chain, key, "").await?;
	let opened = chain.request(hoster, id).await?;
	if json {
		let fields = serde_json::json!({
			"request": opened.request,
			"hoster": account_json(&hoster),
			"feed": hex::encode(key),
			"feed_id": id,
			"attestors": opened.attestors.iter().map(account_json).collect::<Vec<_>>(),
			"deadline_block": opened.deadline,
		});
		return print_done("request", fields, &opened.included);
	}
	let attestors: Vec<String> = opened.attestors.iter().map(display_account).collect();
	println!(
		"request {} opened in block {}: benchmark of {} on feed {id}, attestors {}, deadline block {}",
		opened.request,
		opened.included.block_number,
		display_account(&hoster),
		attestors.join(", "),
		opened.deadline
	);
	Ok(())
}

/// `hoster serve`: until Ctrl-C or SIGTERM.
async fn serve(
	data: &Path,
	listen: &str,
	metrics_listen: &str,
	account: Option<&str>,
	limits: server::ServeLimits,
	swarm: Option<(hoster::swarm::SwarmOptions, u64)>,
) -> Result<()> {
	// None: the account `chain register` saves, read again as it changes.
	let account = account.map(|a| parse_account(a).context("--account")).transpose()?;
	let contact = contact_key(data)?;
	let hoster = Hoster::new(data, contact.clone(), account)?;
	let listener = server::bind(listen)
		.await
		.with_context(|| format!("cannot listen on {listen}"))?;
	tracing::info!(
		"serving {} on http://{} (contact key {})",
		data.display(),
		listener.local_addr()?,
		hex::encode(contact.verifying_key().to_bytes())
	);
	let metrics = server::bind(metrics_listen)
		.await
		.with_context(|| format!("cannot listen on {metrics_listen} for metrics"))?;
	tracing::info!("metrics on http://{}/metrics", metrics.local_addr()?);
	let (stop_metrics, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
	let metrics_server = tokio::spawn(server::serve_metrics(hoster.clone(), metrics, async move {
		let _ = metrics_stopped.await;
	}));
	let (stop_swarm, swarm_stopped) = tokio::sync::watch::channel(false);
	let seeder = swarm.map(|(options, follow_limit)| {
		tokio::spawn(
			hoster::swarm::seed::Seeder {
				options,
				data: data.to_path_buf(),
				contact: contact.clone(),
				hoster: hoster.clone(),
				follow_limit,
			}
			.run(swarm_stopped),
		)
	});
	let served = server::serve_with(hoster, listener, limits, server::shutdown_signal()).await;
	let _ = stop_metrics.send(());
	let _ = stop_swarm.send(true);
	let _ = metrics_server.await;
	if let Some(seeder) = seeder {
		let _ = seeder.await;
	}
	served?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_setting_is_keyed_by_its_flags_long_name() {
		let settings = hoster::config::settings(&Cli::command());
		for setting in settings.values() {
			// The dashboard's flags share their long names with `serve`'s and
			// `chain`'s; their variables, and so their keys, say whose they are.
			let expected = match setting.env.as_str() {
				"HOSTER_DASHBOARD_LISTEN" | "HOSTER_DASHBOARD_DIR" => {
					format!("dashboard-{}", setting.long)
				},
				_ => setting.long.clone(),
			};
			assert_eq!(setting.key, expected, "{}", setting.env);
		}
		for key in ["listen", "metrics-listen", "url", "key-file", "bootstrap", "swarm", "data"] {
			assert!(settings.contains_key(key), "{key}");
		}
		// One variable, several flags: `url` sets `chain` and `dashboard` alike.
		assert_eq!(settings["url"].places.len(), 2);
		assert_eq!(settings["bootstrap"].places.len(), 2, "serve and feed import");
	}

	/// The example of `hoster --help`, as a config file.
	fn help_example() -> String {
		SETTINGS_HELP
			.lines()
			.filter_map(|l| l.strip_prefix("    "))
			.collect::<Vec<_>>()
			.join("\n")
	}

	#[test]
	fn the_help_example_is_a_valid_config_file_and_takes_effect() {
		let example = help_example();
		assert!(example.contains("listen = \"0.0.0.0:8900\""), "{example}");
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("example.toml");
		std::fs::write(&file, &example).unwrap();
		let args: Vec<OsString> = ["hoster", "--config", file.to_str().unwrap(), "serve"]
			.map(OsString::from)
			.to_vec();
		let command =
			hoster::config::with_config(Cli::command(), &args, |_| None, Path::new("/none"))
				.unwrap();
		// No variable is read here: the command's own `env` is dropped.
		let command = command.mut_subcommand("serve", |s| {
			s.mut_arg("listen", |a| a.env(None::<&'static str>))
				.mut_arg("swarm", |a| a.env(None::<&'static str>))
				.mut_arg("max_connections", |a| a.env(None::<&'static str>))
		});
		let cli = Cli::from_arg_matches(&command.try_get_matches_from(&args).unwrap()).unwrap();
		let Command::Serve { listen, swarm, max_connections, swarm_args, .. } = cli.command else {
			panic!("not serve")
		};
		assert_eq!((listen.as_str(), swarm, max_connections), ("0.0.0.0:8900", true, 4096));
		if std::env::var_os("HOSTER_BOOTSTRAP").is_none() {
			assert_eq!(swarm_args.bootstrap, ["dht1.example.org:49737", "dht2.example.org:49737"]);
		}
	}

	#[test]
	fn a_transactions_answer_for_scripts_says_what_happened_and_where() {
		let included = Included { block_hash: format!("0x{}", "ab".repeat(32)), block_number: 7 };
		let dave = parse_account("5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy").unwrap();
		let mut fields = account_json(&dave);
		fields["feed_id"] = 3.into();
		assert_eq!(
			done_json("register", fields, &included),
			serde_json::json!({
				"action": "register",
				"account": "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy",
				"account_hex": "306721211d5404bd9da88e0204360a1a9ab8b87c66c1bc2fcdd37f3c2222cc20",
				"name": "Dave",
				"feed_id": 3,
				"block_hash": format!("0x{}", "ab".repeat(32)),
				"block_number": 7,
			})
		);
		assert_eq!(account_json(&[7; 32])["name"], serde_json::Value::Null);
	}

	#[test]
	fn the_registration_form_can_come_from_the_config_file() {
		// Required flags are satisfied by the file.
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("form.toml");
		std::fs::write(
			&file,
			"endpoint = \"http://h:8900\"\nregion = \"eu\"\npromise-latency = 200\n\
			 promise-bandwidth = 1000000\npromise-availability = 99.5\ncapacity = 1000000000\n",
		)
		.unwrap();
		let args: Vec<OsString> = [
			"hoster",
			"--config",
			file.to_str().unwrap(),
			"chain",
			"register",
			"--feed",
			"ab",
			"--region",
			"us",
		]
		.map(OsString::from)
		.to_vec();
		let command =
			hoster::config::with_config(Cli::command(), &args, |_| None, Path::new("/none"))
				.unwrap();
		let matches = command.try_get_matches_from(&args).unwrap();
		let Command::Chain(ChainArgs {
			command: ChainCommand::Register { region, promise_availability, .. },
			..
		}) = Cli::from_arg_matches(&matches).unwrap().command
		else {
			panic!("not register")
		};
		if std::env::var_os("HOSTER_PROMISE_AVAILABILITY").is_none() {
			assert_eq!(promise_availability, 995_000_000);
		}
		assert_eq!(region, "us", "the flag wins");
	}
}
