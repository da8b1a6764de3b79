//! `hoster chain ...`: the hoster's calls to the hosting chain through subxt,
//! with dynamic payloads checked against the node's metadata at run time.
//! Pallet errors are shown by name with their doc text. The report of
//! [`Chain::status`] is rendered by [`crate::render`].

use std::path::{Path, PathBuf};

use subxt::{
	dynamic::{self, Value},
	error::DispatchError,
	ext::{
		frame_decode::runtime_apis::IntoEncodableValues, scale_decode::DecodeAsType,
		scale_encode::EncodeAsType, scale_value::At,
	},
	OnlineClient, PolkadotConfig,
};
use subxt_signer::{sr25519::Keypair, SecretUri};

use crate::{
	render::{num, variant_name, StatusReport},
	store::FeedState,
};

/// What went wrong talking to the chain.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	/// The key file could not be read.
	#[error("cannot read key file {}", .path.display())]
	KeyFile {
		/// The file.
		path: PathBuf,
		/// Why.
		source: std::io::Error,
	},
	/// Both `--suri` and `--key-file` were given.
	#[error("give either --suri or --key-file, not both")]
	TwoKeys,
	/// Neither `--suri` nor `--key-file` was given, for a command that signs
	/// or names the signer's account.
	#[error("give the account's key with --suri //Alice, HOSTER_SURI or --key-file FILE")]
	NoKey,
	/// The secret URI does not parse.
	#[error("not a secret URI or phrase: {0}")]
	BadSecretUri(String),
	/// No key derives from the secret URI.
	#[error("cannot derive the key: {0}")]
	Derivation(String),
	/// The node could not be reached.
	#[error("cannot connect to {url}: {message}")]
	Connect {
		/// The RPC endpoint.
		url: String,
		/// Why, as [`describe`] tells it.
		message: String,
	},
	/// A call, runtime API call or query failed; a pallet error by name and doc text ([`describe`]).
	#[error("{call}: {message}")]
	Call {
		/// The call or runtime API method.
		call: String,
		/// Why.
		message: String,
	},
	/// Reading the chain failed ([`describe`]).
	#[error("{0}")]
	Node(String),
	/// A published feed that cannot be found right after.
	#[error("the feed was not found after publishing")]
	NotFoundAfterPublishing,
	/// An update of a feed that is not published.
	#[error("the feed is not published; use `chain publish`")]
	NotPublished,
	/// A benchmark request that opened no request.
	#[error("the request was included but the chain emitted no BenchmarkRequested event")]
	NoRequestEvent,
	/// A request whose committee was not drawn in time.
	#[error("request {0} got no committee (void: too few attestors, or the hoster left; or not within 60 s)")]
	NoCommittee(u64),
}

impl ChainError {
	fn node(e: &(dyn std::error::Error + 'static)) -> Self {
		ChainError::Node(describe(e))
	}

	fn call(call: &str, e: &(dyn std::error::Error + 'static)) -> Self {
		ChainError::Call { call: call.into(), message: describe(e) }
	}
}

/// A connected client and the signing key, if any (reading needs none).
pub struct Chain {
	api: OnlineClient<PolkadotConfig>,
	signer: Option<Keypair>,
}

/// Where a transaction landed: its finalized block.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Included {
	/// The block's hash, `0x` and 64 hex characters.
	pub block_hash: String,
	/// The block's number.
	pub block_number: u64,
}

/// A tree node as the pallet's calls take it.
#[derive(EncodeAsType, DecodeAsType, Debug, Clone)]
#[encode_as_type(crate_path = "subxt::ext::scale_encode")]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub struct ChainNode {
	/// Flat-tree index.
	pub index: u64,
	/// Bytes below.
	pub size: u64,
	/// Hash.
	pub hash: [u8; 32],
}

/// `Promise` of the registration form.
#[derive(EncodeAsType, Debug, Clone)]
#[encode_as_type(crate_path = "subxt::ext::scale_encode")]
pub struct ChainPromise {
	/// Perbill parts (1_000_000_000 = 100%).
	pub availability: u32,
	/// Milliseconds.
	pub latency_ms: u32,
	/// Bytes per second.
	pub bandwidth_bytes_per_sec: u64,
}

/// `HosterForm`.
#[derive(EncodeAsType, Debug, Clone)]
#[encode_as_type(crate_path = "subxt::ext::scale_encode")]
pub struct ChainForm {
	/// Endpoint URL.
	pub endpoint: Vec<u8>,
	/// Region.
	pub region: Vec<u8>,
	/// Promise.
	pub promised: ChainPromise,
	/// Capacity in bytes.
	pub capacity_bytes: u64,
	/// Ed25519 contact key.
	pub contact_key: [u8; 32],
}

/// A benchmark request as `BenchmarkRequested` announces it.
#[derive(DecodeAsType, Debug, Clone)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct RequestedEvent {
	request: u64,
}

/// What a requester reads of `ProvidePerformanceBenchmark`.
#[derive(DecodeAsType, Debug, Clone)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct CommitteeEvent {
	attestors: Vec<[u8; 32]>,
	deadline: u32,
}

/// A benchmark request once its committee is drawn (the block after it was
/// requested): what a requester needs to follow it.
#[derive(Debug, Clone)]
pub struct OpenedRequest {
	/// Request id.
	pub request: u64,
	/// Its committee.
	pub attestors: Vec<[u8; 32]>,
	/// The last block a rating is accepted in.
	pub deadline: u32,
	/// The block the request's transaction is in.
	pub included: Included,
}

/// Reads a signing key: a secret URI (`//Alice`, a phrase, `0x` seed) from
/// `--suri`, or from the first line of `--key-file`.
pub fn signer(suri: Option<&str>, key_file: Option<&Path>) -> Result<Keypair, ChainError> {
	let uri = match (suri, key_file) {
		(Some(s), None) => s.to_string(),
		(None, Some(f)) => std::fs::read_to_string(f)
			.map_err(|source| ChainError::KeyFile { path: f.to_path_buf(), source })?
			.lines()
			.next()
			.unwrap_or("")
			.trim()
			.to_string(),
		(Some(_), Some(_)) => return Err(ChainError::TwoKeys),
		(None, None) => return Err(ChainError::NoKey),
	};
	let uri: SecretUri = uri.parse().map_err(|e| ChainError::BadSecretUri(format!("{e}")))?;
	Keypair::from_uri(&uri).map_err(|e| ChainError::Derivation(format!("{e}")))
}

/// Describes an error from the chain: a pallet error by name and doc text.
pub fn describe(e: &(dyn std::error::Error + 'static)) -> String {
	let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
	while let Some(err) = source {
		if let Some(DispatchError::Module(module)) = err.downcast_ref::<DispatchError>() {
			if let Ok(details) = module.details() {
				let docs = details.variant.docs.join(" ");
				return format!(
					"{}::{}: {}",
					details.pallet.name(),
					details.variant.name,
					docs.trim()
				);
			}
		}
		source = err.source();
	}
	let mut text = e.to_string();
	let mut source = e.source();
	while let Some(err) = source {
		text.push_str(&format!(": {err}"));
		source = err.source();
	}
	text
}

impl Chain {
	/// Connects to a node's RPC endpoint (`ws://127.0.0.1:9944`), with the key
	/// that signs its transactions (none: it only reads).
	pub async fn connect(url: &str, signer: Option<Keypair>) -> Result<Self, ChainError> {
		let api = OnlineClient::<PolkadotConfig>::from_url(url)
			.await
			.map_err(|e| ChainError::Connect { url: url.into(), message: describe(&e) })?;
		Ok(Chain { api, signer })
	}

	/// The signer's account id, if there is a signer.
	pub fn account(&self) -> Option<[u8; 32]> {
		self.signer.as_ref().map(|s| s.public_key().0)
	}

	/// The signing key, which a transaction needs.
	fn signing_key(&self) -> Result<&Keypair, ChainError> {
		self.signer.as_ref().ok_or(ChainError::NoKey)
	}

	/// Submits a `Hosting` call signed by the signer and waits for finality.
	async fn submit(
		&self,
		call: &str,
		fields: impl subxt::ext::scale_encode::EncodeAsFields,
	) -> Result<Included, ChainError> {
		self.submit_for_events(call, fields).await.map(|(included, _)| included)
	}

	/// Like `submit`, also returning the events the call emitted.
	async fn submit_for_events(
		&self,
		call: &str,
		fields: impl subxt::ext::scale_encode::EncodeAsFields,
	) -> Result<(Included, subxt::extrinsics::ExtrinsicEvents<PolkadotConfig>), ChainError> {
		let signer = self.signing_key()?;
		let payload = dynamic::transaction("Hosting", call, fields);
		let at = self.api.at_current_block().await.map_err(|e| ChainError::node(&e))?;
		let mut transactions = at.transactions();
		let progress = transactions
			.sign_and_submit_then_watch_default(&payload, signer)
			.await
			.map_err(|e| ChainError::call(call, &e))?;
		let in_block =
			progress.wait_for_finalized().await.map_err(|e| ChainError::call(call, &e))?;
		let events = in_block.wait_for_success().await.map_err(|e| ChainError::call(call, &e))?;
		let block = in_block.at().await.map_err(|e| ChainError::node(&e))?;
		let included = Included {
			block_hash: format!("0x{}", hex::encode(in_block.block_hash())),
			block_number: block.block_number(),
		};
		Ok((included, events))
	}

	/// The id of a published feed.
	pub async fn feed_id(&self, key: &[u8; 32]) -> Result<Option<u32>, ChainError> {
		let at = self.api.at_current_block().await.map_err(|e| ChainError::node(&e))?;
		let addr = dynamic::storage::<([u8; 32],), u32>("Hosting", "FeedByKey");
		let value =
			at.storage().try_fetch(addr, (*key,)).await.map_err(|e| ChainError::node(&e))?;
		value.map(|v| v.decode().map_err(|e| ChainError::node(&e))).transpose()
	}

	/// Publishes a feed's signed state; its feed id and where it landed.
	pub async fn publish(&self, state: &FeedState) -> Result<(u32, Included), ChainError> {
		let included = self
			.submit(
				"publish_feed",
				(
					state.key,
					state.manifest.clone(),
					state.length,
					state.fork,
					nodes(state),
					state.signature.clone(),
				),
			)
			.await?;
		let id = self.feed_id(&state.key).await?.ok_or(ChainError::NotFoundAfterPublishing)?;
		Ok((id, included))
	}

	/// Updates a published feed to its longer signed state; its feed id and
	/// where the update landed.
	pub async fn update(&self, state: &FeedState) -> Result<(u32, Included), ChainError> {
		let id = self.feed_id(&state.key).await?.ok_or(ChainError::NotPublished)?;
		let included = self
			.submit(
				"update_feed",
				(id, state.length, state.fork, nodes(state), state.signature.clone()),
			)
			.await?;
		Ok((id, included))
	}

	/// Registers the signer as a hoster with `form`, benchmarked on `feed`.
	pub async fn register(&self, form: ChainForm, feed: u32) -> Result<Included, ChainError> {
		self.submit("register_hoster", (form, feed)).await
	}

	/// Asks for a benchmark of `hoster` on `feed`; returns the request once
	/// its committee is drawn (at the start of the block after the one it is
	/// in), from that block's `ProvidePerformanceBenchmark` event.
	pub async fn request(&self, hoster: [u8; 32], feed: u32) -> Result<OpenedRequest, ChainError> {
		let (included, events) =
			self.submit_for_events("request_performance_benchmark", (hoster, feed)).await?;
		let mut id = None;
		for event in events.iter() {
			let event = event.map_err(|e| ChainError::node(&e))?;
			if event.pallet_name() == "Hosting" && event.event_name() == "BenchmarkRequested" {
				let requested = event
					.decode_fields_unchecked_as::<RequestedEvent>()
					.map_err(|e| ChainError::node(&e))?;
				id = Some(requested.request);
			}
		}
		let id = id.ok_or(ChainError::NoRequestEvent)?;
		// The request's block is finalized: its committee is drawn in the next
		// block, or a later one the scan reaches as finality moves on. The scan
		// starts a few blocks back, as the finalized head may be past both.
		let finalized = |api: &OnlineClient<PolkadotConfig>| {
			let api = api.clone();
			async move {
				api.at_current_block()
					.await
					.map(|at| at.block_number())
					.map_err(|e| ChainError::node(&e))
			}
		};
		let mut next = finalized(&self.api).await?.saturating_sub(3);
		for _ in 0..120 {
			let head = finalized(&self.api).await?;
			while next <= head {
				let at = self.api.at_block(next).await.map_err(|e| ChainError::node(&e))?;
				let block_events = at.events().fetch().await.map_err(|e| ChainError::node(&e))?;
				for event in block_events.iter() {
					let event = event.map_err(|e| ChainError::node(&e))?;
					if event.pallet_name() != "Hosting" {
						continue;
					}
					let name = event.event_name();
					if name != "ProvidePerformanceBenchmark" && name != "RequestVoid" {
						continue;
					}
					let fields = event
						.decode_fields_unchecked_as::<RequestedEvent>()
						.map_err(|e| ChainError::node(&e))?;
					if fields.request != id {
						continue;
					}
					if name == "RequestVoid" {
						return Err(ChainError::NoCommittee(id));
					}
					let opened = event
						.decode_fields_unchecked_as::<CommitteeEvent>()
						.map_err(|e| ChainError::node(&e))?;
					return Ok(OpenedRequest {
						request: id,
						attestors: opened.attestors,
						deadline: opened.deadline,
						included,
					});
				}
				next += 1;
			}
			tokio::time::sleep(std::time::Duration::from_millis(500)).await;
		}
		Err(ChainError::NoCommittee(id))
	}

	/// Offers to host a published feed.
	pub async fn offer(&self, feed: u32) -> Result<Included, ChainError> {
		self.submit("offer_hosting", (feed,)).await
	}

	/// A runtime API call of `HostingApi`, decoded as a value for display.
	async fn hosting_api(
		&self,
		method: &str,
		args: impl IntoEncodableValues,
	) -> Result<Value, ChainError> {
		let at = self.api.at_current_block().await.map_err(|e| ChainError::node(&e))?;
		let payload = dynamic::runtime_api_call::<_, Value>("HostingApi", method, args);
		at.runtime_apis().call(payload).await.map_err(|e| ChainError::call(method, &e))
	}

	/// A storage value of the pallet, for display.
	async fn storage_value(&self, entry: &str, who: [u8; 32]) -> Result<Option<Value>, ChainError> {
		let at = self.api.at_current_block().await.map_err(|e| ChainError::node(&e))?;
		let addr = dynamic::storage::<([u8; 32],), Value>("Hosting", entry);
		let value = at.storage().try_fetch(addr, (who,)).await.map_err(|e| ChainError::node(&e))?;
		value.map(|v| v.decode().map_err(|e| ChainError::node(&e))).transpose()
	}

	/// The hoster's status, figures, last rating and `does_qualify` answer
	/// against its own promise.
	pub async fn status(&self, who: [u8; 32]) -> Result<StatusReport, ChainError> {
		let Some(hoster) = self.storage_value("Hosters", who).await? else {
			return Ok(StatusReport::not_registered(&who));
		};
		let figures = self.hosting_api("hoster_figures", (who,)).await?;
		// `HosterFigures` keeps the last committee verdict next to the overall figures.
		let last = self.storage_value("HosterFigures", who).await?.and_then(|record| {
			let last = record.at("last_verdict")?;
			(variant_name(last) == "Some").then(|| last.at(0).cloned()).flatten()
		});
		let field = |name: &str| num(&hoster, &["form", "promised", name]);
		// Judge the hoster against its own promise, on at least one rating.
		let requirements = Value::named_composite([
			(
				"min_availability",
				option(field("availability").map(|v| Value::unnamed_composite([Value::u128(v)]))),
			),
			("min_reliability", option(None)),
			("min_agreement", option(None)),
			("max_latency_ms", option(field("latency_ms").map(Value::u128))),
			(
				"min_bandwidth_bytes_per_sec",
				option(field("bandwidth_bytes_per_sec").map(Value::u128)),
			),
			("min_samples", option(Some(Value::u128(1)))),
			("region", option(None)),
		]);
		let verdict = self
			.hosting_api("does_qualify", (who, Value::unnamed_variant("Hoster", []), requirements))
			.await?;
		Ok(StatusReport::from_values(&who, &hoster, &figures, last.as_ref(), &verdict))
	}
}

fn option(v: Option<Value>) -> Value {
	match v {
		Some(v) => Value::unnamed_variant("Some", [v]),
		None => Value::unnamed_variant("None", []),
	}
}

fn nodes(state: &FeedState) -> Vec<ChainNode> {
	state
		.roots
		.iter()
		.map(|n| ChainNode { index: n.index, size: n.size, hash: n.hash })
		.collect()
}

/// Parses a percentage such as `99.5` into Perbill parts.
pub fn percent_to_perbill(s: &str) -> Result<u32, String> {
	let p: f64 = s
		.trim_end_matches('%')
		.parse()
		.map_err(|_| format!("not a percentage: {s:?}"))?;
	if !(0.0..=100.0).contains(&p) {
		return Err(format!("a percentage is between 0 and 100, got {s:?}"));
	}
	// Parsing a CLI argument, not runtime arithmetic: a float is fine here.
	Ok((p * 10_000_000.0).round() as u32)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_key_file_signs_as_the_same_secret_uri() {
		let dir = tempfile::tempdir().unwrap();
		let file = dir.path().join("dave.key");
		std::fs::write(&file, "//Dave\nignored second line\n").unwrap();
		let from_file = signer(None, Some(&file)).unwrap();
		let from_suri = signer(Some("//Dave"), None).unwrap();
		assert_eq!(from_file.public_key().0, from_suri.public_key().0);
		assert_ne!(from_suri.public_key().0, signer(Some("//Eve"), None).unwrap().public_key().0);
	}

	#[test]
	fn signing_options_are_checked() {
		let both = signer(Some("//Dave"), Some(Path::new("/tmp/x"))).map(|_| ()).unwrap_err();
		assert!(both.to_string().contains("not both"));
		let none = signer(None, None).map(|_| ()).unwrap_err();
		assert!(none.to_string().contains("--suri"));
		let missing = signer(None, Some(Path::new("/no/such/key"))).map(|_| ()).unwrap_err();
		assert!(missing.to_string().contains("cannot read key file"));
	}

	#[test]
	fn percentages_become_perbill_parts() {
		assert_eq!(percent_to_perbill("99.5"), Ok(995_000_000));
		assert_eq!(percent_to_perbill("100%"), Ok(1_000_000_000));
		assert_eq!(percent_to_perbill("0"), Ok(0));
		assert!(percent_to_perbill("101").is_err());
		assert!(percent_to_perbill("-1").is_err());
		assert!(percent_to_perbill("ninety").is_err());
	}
}
