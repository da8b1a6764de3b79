//! `hoster`: store Hypercore feeds, serve verifiable blocks, talk to the chain.

use std::{
	io::IsTerminal,
	path::{Path, PathBuf},
	process::ExitCode,
};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use hoster::{
	import::import,
	keys::contact_key,
	server::{serve, Hoster},
	store::{chunks, hex32, mode_name, parse_size, Store},
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
	std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(".")).join(".local/share/hoster")
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Create, grow, list and copy feeds.
	#[command(subcommand)]
	Feed(FeedCommand),
	/// Talk to the hosting chain: register, publish, update, offer, status.
	Chain(ChainArgs),
	/// Serve the stored feeds over HTTP (GET /feeds/{key}/blocks/{index}, /feeds/{key}, /hello, /stats, /metrics).
	Serve {
		/// Address to listen on.
		#[arg(long, default_value = "127.0.0.1:8900")]
		listen: String,
		/// The hoster's chain account (64 hex characters), announced by /hello.
		#[arg(long)]
		account: Option<String>,
	},
}

/// Connection and signing options of the chain commands.
#[derive(clap::Args, Debug)]
struct ChainArgs {
	/// RPC endpoint of a hosting node.
	#[arg(long, global = true, default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// The account's secret URI: `//Alice` style, a phrase, or a 0x seed.
	#[arg(long, global = true)]
	suri: Option<String>,
	/// A file whose first line is the account's secret URI.
	#[arg(long, global = true)]
	key_file: Option<PathBuf>,
	#[command(subcommand)]
	command: ChainCommand,
}

#[derive(Subcommand, Debug)]
enum ChainCommand {
	/// Register as a hoster with your form; a registration benchmark runs on `--feed` at once.
	Register {
		/// Your HTTP endpoint, as attestors reach it (http://host:port).
		#[arg(long)]
		endpoint: String,
		/// The region you serve from.
		#[arg(long)]
		region: String,
		/// Promised highest time to first byte, in milliseconds.
		#[arg(long)]
		promise_latency: u32,
		/// Promised lowest bandwidth, in bytes per second.
		#[arg(long)]
		promise_bandwidth: u64,
		/// Promised availability in percent (e.g. 99.5).
		#[arg(long, value_parser = hoster::chain::percent_to_perbill)]
		promise_availability: u32,
		/// Bytes you offer to store.
		#[arg(long)]
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
		/// The hoster's account (64 hex characters).
		#[arg(long)]
		hoster: String,
		/// Feed key.
		#[arg(long)]
		feed: String,
	},
	/// Your registration, figures, last rating and whether you meet your own promise.
	Status {
		/// Another hoster's account (64 hex characters) instead of yours.
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
		#[arg(long, default_value = "64KiB", value_parser = parse_size)]
		chunk_size: usize,
		/// Key mode.
		#[arg(long, value_enum, default_value_t = Mode::Manifest)]
		mode: Mode,
	},
	/// Append a file (or a directory's files) to a feed created here, and sign the new length.
	Append {
		/// Feed key (64 hex characters).
		key: String,
		/// File or directory to append.
		path: PathBuf,
		/// Block size, as for `create`.
		#[arg(long, default_value = "64KiB", value_parser = parse_size)]
		chunk_size: usize,
	},
	/// List the stored feeds: key, mode, length, bytes, whether it can be signed here.
	List,
	/// Copy a feed from another hoster, verifying every block before storing it.
	Import {
		/// Base URL of the other hoster (http://host:port).
		#[arg(long)]
		from: String,
		/// Feed key (64 hex characters).
		#[arg(long)]
		key: String,
	},
	/// Write a feed as a JSON test vector (blocks, paths, roots, signature) for the JS reference to check.
	ExportVector {
		/// Feed key (64 hex characters).
		key: String,
	},
}

/// The files a path names: itself, or a directory's regular files, recursively, sorted.
fn files_of(path: &Path) -> Result<Vec<PathBuf>> {
	let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
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

fn progress_bar(total: u64, what: &str) -> ProgressBar {
	if !std::io::stderr().is_terminal() {
		return ProgressBar::hidden();
	}
	let bar = ProgressBar::new(total);
	if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}") {
		bar.set_style(style.progress_chars("=> "));
	}
	bar.set_message(what.to_string());
	bar
}

/// Appends the blocks of `path`'s files to `feed`.
fn append_files(feed: &mut hoster::store::Feed, path: &Path, chunk_size: usize) -> Result<()> {
	let files = files_of(path)?;
	let total: u64 = files.iter().map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)).sum();
	if total == 0 {
		bail!("{} holds no bytes: a feed needs at least one block", path.display());
	}
	let bar = progress_bar(total, "storing");
	let mut blocks = Vec::new();
	for file in &files {
		let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
		blocks.extend(chunks(&bytes, chunk_size));
	}
	feed.append(blocks, |n| bar.inc(n))?;
	bar.finish_and_clear();
	Ok(())
}

async fn run(cli: Cli) -> Result<()> {
	match cli.command {
		Command::Feed(FeedCommand::Create { path, chunk_size, mode }) => {
			let store = Store::open(&cli.data)?;
			// Read the input before creating anything, so bad input leaves nothing behind.
			files_of(&path)?;
			let mode = match mode {
				Mode::Compat => KeyMode::Compat,
				Mode::Manifest => KeyMode::Manifest,
			};
			let mut feed = store.create(mode)?;
			let key = feed.state().key;
			if let Err(e) = append_files(&mut feed, &path, chunk_size) {
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
		},
		Command::Feed(FeedCommand::Append { key, path, chunk_size }) => {
			let store = Store::open(&cli.data)?;
			let key = hex32(&key)?;
			let Some(mut feed) = store.feed(&key)? else { bail!("no feed {} in {}", hex::encode(key), cli.data.display()) };
			append_files(&mut feed, &path, chunk_size)?;
			println!("{} {}", hex::encode(key), feed.state().length);
		},
		Command::Feed(FeedCommand::List) => {
			let store = Store::open(&cli.data)?;
			let keys = store.keys()?;
			if keys.is_empty() {
				eprintln!("no feeds in {}", cli.data.display());
			}
			for key in keys {
				if let Some(feed) = store.feed(&key)? {
					let s = feed.state();
					println!(
						"{}  {:8}  length {:>8}  {:>12} bytes  {}",
						hex::encode(key),
						mode_name(s.mode),
						s.length,
						feed.byte_length()?,
						if feed.writable() { "writable" } else { "copy" }
					);
				}
			}
		},
		Command::Feed(FeedCommand::Import { from, key }) => {
			let store = Store::open(&cli.data)?;
			let key = hex32(&key)?;
			let bar = progress_bar(0, "importing");
			let state = import(&store, &from, &key, |done, total| {
				bar.set_length(total);
				bar.set_position(done);
			})
			.await?;
			bar.finish_and_clear();
			eprintln!("imported {} blocks, every one verified", state.length);
			println!("{}", hex::encode(key));
		},
		Command::Feed(FeedCommand::ExportVector { key }) => {
			let store = Store::open(&cli.data)?;
			let key = hex32(&key)?;
			let Some(feed) = store.feed(&key)? else { bail!("no feed {}", hex::encode(key)) };
			println!("{}", serde_json::to_string_pretty(&hoster::store::export_vector(&feed)?)?);
		},
		Command::Chain(args) => {
			let signer = hoster::chain::signer(args.suri.as_deref(), args.key_file.as_deref())?;
			let chain = hoster::chain::Chain::connect(&args.url, signer).await?;
			let store = Store::open(&cli.data)?;
			let stored = |key: &str| -> Result<hoster::store::FeedState> {
				let key = hex32(key)?;
				let feed = store.feed(&key)?.ok_or_else(|| anyhow::anyhow!("no feed {} in {}", hex::encode(key), cli.data.display()))?;
				if feed.state().length == 0 {
					bail!("feed {} has no blocks yet", hex::encode(key));
				}
				Ok(feed.state().clone())
			};
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
					let id = chain.feed_id(&key).await?.ok_or_else(|| anyhow::anyhow!("feed {feed} is not published; run `hoster chain publish {feed}` first"))?;
					let contact = contact_key(&cli.data)?.verifying_key().to_bytes();
					let form = hoster::chain::ChainForm {
						endpoint: endpoint.into_bytes(),
						region: region.into_bytes(),
						promised: hoster::chain::ChainPromise {
							availability: promise_availability,
							latency_ms: promise_latency,
							bandwidth: promise_bandwidth,
						},
						capacity_bytes: capacity,
						contact_key: contact,
					};
					chain.register(form, id).await?;
					std::fs::write(cli.data.join("account"), hex::encode(chain.account()))?;
					println!("registered {} as a Pending hoster; its registration benchmark is under way", hex::encode(chain.account()));
				},
				ChainCommand::Publish { feed } => {
					let id = chain.publish(&stored(&feed)?).await?;
					println!("published feed {feed} as feed {id}");
				},
				ChainCommand::Update { feed } => {
					let state = stored(&feed)?;
					let id = chain.update(&state).await?;
					println!("feed {id} updated to length {}", state.length);
				},
				ChainCommand::Offer { feed } => {
					let key = hex32(&feed)?;
					let id = chain.feed_id(&key).await?.ok_or_else(|| anyhow::anyhow!("feed {feed} is not published"))?;
					chain.offer(id).await?;
					println!("offered to host feed {id}");
				},
				ChainCommand::Request { hoster, feed } => {
					let key = hex32(&feed)?;
					let id = chain.feed_id(&key).await?.ok_or_else(|| anyhow::anyhow!("feed {feed} is not published"))?;
					let opened = chain.request(hex32(&hoster)?, id).await?;
					let attestors: Vec<String> = opened.attestors.iter().map(hex::encode).collect();
					println!(
						"request {} opened: benchmark of {hoster} on feed {id}, attestors {}, deadline block {}",
						opened.request,
						attestors.join(","),
						opened.deadline
					);
				},
				ChainCommand::Status { account } => {
					let who = match account {
						Some(a) => hex32(&a)?,
						None => chain.account(),
					};
					print!("{}", chain.status(who).await?);
				},
			}
		},
		Command::Serve { listen, account } => {
			let account = match account {
				Some(a) => Some(hex32(&a).context("--account")?),
				// The account `chain register` saved, if any.
				None => std::fs::read_to_string(cli.data.join("account")).ok().and_then(|a| hex32(a.trim()).ok()),
			};
			let contact = contact_key(&cli.data)?;
			let hoster = Hoster::new(&cli.data, contact.clone(), account)?;
			let listener = hoster::server::bind(&listen).await.with_context(|| format!("cannot listen on {listen}"))?;
			eprintln!(
				"serving {} on http://{} (contact key {})",
				cli.data.display(),
				listener.local_addr()?,
				hex::encode(contact.verifying_key().to_bytes())
			);
			let shutdown = async {
				let ctrl_c = tokio::signal::ctrl_c();
				let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
				tokio::select! {
					_ = ctrl_c => {},
					_ = async { match term.as_mut() { Some(t) => { t.recv().await; }, None => std::future::pending::<()>().await } } => {},
				}
			};
			serve(hoster, listener, shutdown).await?;
		},
	}
	Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
	match run(Cli::parse()).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e:#}");
			ExitCode::FAILURE
		},
	}
}
