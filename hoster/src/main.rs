//! `hoster`: store Hypercore feeds, serve verifiable blocks, talk to the chain.

use std::{
	io::IsTerminal,
	path::{Path, PathBuf},
	process::ExitCode,
};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use hoster::{
	accounts::{display_account, parse_account},
	chain::{Chain, ChainForm, ChainPromise},
	import::import,
	keys::contact_key,
	server::{self, Hoster},
	store::{chunks, export_vector, hex32, mode_name, parse_size, Feed, FeedState, Store},
};
use hypercore_verify::KeyMode;
use indicatif::{ProgressBar, ProgressStyle};

/// Stores Hypercore feeds and serves every block with its Merkle proof and a
/// proof of contact over HTTP, for the attestors of the hosting chain.
#[derive(Parser, Debug)]
#[command(name = "hoster", version, about, long_about = None)]
struct Cli {
	/// Directory of the stored feeds and the contact key.
	#[arg(long, global = true, env = "HOSTER_DATA", default_value_os_t = default_data())]
	data: PathBuf,

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
		#[command(flatten)]
		swarm_args: SwarmArgs,
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
		/// Another hoster's account (SS58 or 64 hex characters) instead of yours.
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

#[tokio::main]
async fn main() -> ExitCode {
	init_logs();
	match run(Cli::parse()).await {
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
			swarm_args,
		} => {
			let limits = server::ServeLimits {
				max_connections: max_connections as usize,
				header_timeout: std::time::Duration::from_secs(header_timeout),
			};
			let swarm = swarm.then(|| swarm_args.options());
			serve(&cli.data, &listen, &metrics_listen, account.as_deref(), limits, swarm).await
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

fn feed_export_vector(store: &Store, key: &str) -> Result<()> {
	let key = hex32(key)?;
	let Some(feed) = store.feed(&key)? else { bail!("no feed {}", hex::encode(key)) };
	println!("{}", serde_json::to_string_pretty(&export_vector(&feed)?)?);
	Ok(())
}

/// `hoster chain ...`.
async fn chain(data: &Path, args: ChainArgs) -> Result<()> {
	let signer = hoster::chain::signer(args.suri.as_deref(), args.key_file.as_deref())?;
	let chain = Chain::connect(&args.url, signer).await?;
	let store = Store::open(data)?;
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
			let promised = ChainPromise {
				availability: promise_availability,
				latency_ms: promise_latency,
				bandwidth_bytes_per_sec: promise_bandwidth,
			};
			chain_register(&chain, data, endpoint, region, promised, capacity, &feed).await
		},
		ChainCommand::Publish { feed } => {
			chain_publish(&chain, &signed_state(&store, data, &feed)?, &feed).await
		},
		ChainCommand::Update { feed } => {
			chain_update(&chain, &signed_state(&store, data, &feed)?).await
		},
		ChainCommand::Offer { feed } => chain_offer(&chain, &feed).await,
		ChainCommand::Request { hoster, feed } => chain_request(&chain, &hoster, &feed).await,
		ChainCommand::Status { account } => chain_status(&chain, account.as_deref()).await,
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
async fn published_feed(chain: &Chain, feed: &str, not_published: &str) -> Result<u32> {
	chain
		.feed_id(&hex32(feed)?)
		.await?
		.ok_or_else(|| anyhow!("feed {feed} is not published{not_published}"))
}

async fn chain_register(
	chain: &Chain,
	data: &Path,
	endpoint: String,
	region: String,
	promised: ChainPromise,
	capacity_bytes: u64,
	feed: &str,
) -> Result<()> {
	let id =
		published_feed(chain, feed, &format!("; run `hoster chain publish {feed}` first")).await?;
	let contact_key = contact_key(data)?.verifying_key().to_bytes();
	let form = ChainForm {
		endpoint: endpoint.into_bytes(),
		region: region.into_bytes(),
		promised,
		capacity_bytes,
		contact_key,
	};
	chain.register(form, id).await?;
	std::fs::write(data.join("account"), hex::encode(chain.account()))?;
	println!(
		"registered {} as a Pending hoster; its registration benchmark is under way",
		display_account(&chain.account())
	);
	Ok(())
}

async fn chain_publish(chain: &Chain, state: &FeedState, feed: &str) -> Result<()> {
	let id = chain.publish(state).await?;
	println!("published feed {feed} as feed {id}");
	Ok(())
}

async fn chain_update(chain: &Chain, state: &FeedState) -> Result<()> {
	let id = chain.update(state).await?;
	println!("feed {id} updated to length {}", state.length);
	Ok(())
}

async fn chain_offer(chain: &Chain, feed: &str) -> Result<()> {
	let id = published_feed(chain, feed, "").await?;
	chain.offer(id).await?;
	println!("offered to host feed {id}");
	Ok(())
}

async fn chain_request(chain: &Chain, hoster: &str, feed: &str) -> Result<()> {
	let id = published_feed(chain, feed, "").await?;
	let hoster = parse_account(hoster).context("--hoster")?;
	let opened = chain.request(hoster, id).await?;
	let attestors: Vec<String> = opened.attestors.iter().map(display_account).collect();
	println!(
		"request {} opened: benchmark of {} on feed {id}, attestors {}, deadline block {}",
		opened.request,
		display_account(&hoster),
		attestors.join(", "),
		opened.deadline
	);
	Ok(())
}

async fn chain_status(chain: &Chain, account: Option<&str>) -> Result<()> {
	let who = match account {
		Some(account) => parse_account(account).context("--account")?,
		None => chain.account(),
	};
	print!("{}", chain.status(who).await?);
	Ok(())
}

/// `hoster serve`: until Ctrl-C or SIGTERM.
async fn serve(
	data: &Path,
	listen: &str,
	metrics_listen: &str,
	account: Option<&str>,
	limits: server::ServeLimits,
	swarm: Option<hoster::swarm::SwarmOptions>,
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
	let seeder = swarm.map(|options| {
		tokio::spawn(
			hoster::swarm::seed::Seeder {
				options,
				data: data.to_path_buf(),
				contact: contact.clone(),
				hoster: hoster.clone(),
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
