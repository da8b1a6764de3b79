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
		Command::Serve { listen, account } => {
			let account = account.as_deref().map(hex32).transpose().context("--account")?;
			let contact = contact_key(&cli.data)?;
			let hoster = Hoster::new(&cli.data, contact.clone(), account)?;
			let listener = tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("cannot listen on {listen}"))?;
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
