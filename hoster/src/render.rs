//! The report of `hoster chain status`, read from the chain's dynamic values
//! (a hoster's registration, its figures, its last rating and the
//! `does_qualify` verdict) by field name into a [`StatusReport`]: as text for
//! people ([`render_status`]: accounts by name, bandwidth in MB/s, no debug
//! forms) or as one JSON object for scripts (its `Serialize`: plain numbers,
//! the unit in each key's name).

use subxt::{
	dynamic::Value,
	ext::scale_value::{At, ValueDef},
};

/// A number at a path of named fields; single-field wrappers (Perbill) are looked through.
pub fn num(v: &Value, path: &[&str]) -> Option<u128> {
	let mut at = v;
	for name in path {
		at = at.at(*name)?;
	}
	at.as_u128().or_else(|| at.at(0).and_then(|inner| inner.as_u128()))
}

/// The name of a variant (`Some`, `Active`, `Normal`, ...), or the value as text if it is none.
pub fn variant_name(v: &Value) -> String {
	match &v.value {
		ValueDef::Variant(var) => var.name.clone(),
		_ => v.to_string(),
	}
}

/// Bytes (a `BoundedVec<u8>`, possibly wrapped) as UTF-8 text.
fn text(v: Option<&Value>) -> String {
	let bytes: Vec<u8> = v
		.map(|v| {
			let inner = v.at(0).filter(|i| i.at(0).is_some()).unwrap_or(v);
			(0..)
				.map_while(|i| inner.at(i).and_then(|b| b.as_u128()))
				.map(|b| b as u8)
				.collect()
		})
		.unwrap_or_default();
	String::from_utf8_lossy(&bytes).into_owned()
}

/// Perbill parts as a percentage (`995_000_000` → 99.5).
fn percent_of(parts: Option<u128>) -> Option<f64> {
	parts.map(|p| p as f64 / 10_000_000.0)
}

/// A percentage with one decimal, `?` if absent.
fn percent(p: Option<f64>) -> String {
	p.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "?".into())
}

/// A number, `?` if absent.
fn opt(n: Option<u64>) -> String {
	n.map(|n| n.to_string()).unwrap_or_else(|| "?".into())
}

/// A number that fits 64 bits.
fn num64(v: &Value, path: &[&str]) -> Option<u64> {
	num(v, path).and_then(|n| u64::try_from(n).ok())
}

/// A bandwidth for people, in decimal units as the chain's figures mean them:
/// `1.9 MB/s`, `10.0 kB/s`, `512 B/s`.
pub fn bandwidth(bytes_per_s: u64) -> String {
	match bytes_per_s {
		1_000_000.. => format!("{:.1} MB/s", bytes_per_s as f64 / 1e6),
		1_000.. => format!("{:.1} kB/s", bytes_per_s as f64 / 1e3),
		_ => format!("{bytes_per_s} B/s"),
	}
}

/// A size for people, in decimal units: `1.0 GB`, `200.0 kB`, `512 bytes`.
pub fn bytes(n: u64) -> String {
	const UNITS: [(u64, &str); 4] =
		[(1_000_000_000_000, "TB"), (1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "kB")];
	UNITS
		.iter()
		.find(|(size, _)| n >= *size)
		.map(|(size, unit)| format!("{:.1} {unit}", n as f64 / *size as f64))
		.unwrap_or_else(|| format!("{n} bytes"))
}

/// [`bandwidth`], `?` if absent.
fn opt_bandwidth(n: Option<u64>) -> String {
	n.map(bandwidth).unwrap_or_else(|| "?".into())
}

/// The first of `names` that is a number field of `v`.
fn first_num(v: &Value, names: &[&str]) -> Option<u64> {
	names.iter().find_map(|name| num64(v, &[name]))
}

/// What the hoster promised in its registration form.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Promise {
	/// Lowest availability, percent.
	pub availability_percent: Option<f64>,
	/// Highest time to first byte, milliseconds.
	pub latency_ms: Option<u64>,
	/// Lowest bandwidth, bytes per second.
	pub bandwidth_bytes_per_s: Option<u64>,
}

/// The hoster's figures, as its committees measured them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Measured {
	/// Decayed share of chunks served valid and in time, percent.
	pub availability_percent: Option<f64>,
	/// Decayed share of verdicts that met its promise, percent.
	pub reliability_percent: Option<f64>,
	/// Moving mean time to first byte, milliseconds.
	pub latency_ms: Option<u64>,
	/// Its standard deviation, milliseconds.
	pub latency_stddev_ms: Option<u64>,
	/// Mean bandwidth, bytes per second.
	pub bandwidth_bytes_per_s: Option<u64>,
	/// Its standard deviation, bytes per second.
	pub bandwidth_stddev_bytes_per_s: Option<u64>,
	/// Closed requests the figures rest on.
	pub verdicts: Option<u64>,
	/// The block of the last closed request.
	pub last_update_block: Option<u64>,
}

/// The last committee verdict on the hoster.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LastVerdict {
	/// The request.
	pub request: Option<u64>,
	/// The block it closed in.
	pub closed_at_block: Option<u64>,
	/// The ratings it rests on.
	pub ratings: Option<u64>,
	/// `Served`, `Timeout` or `Failed`.
	pub verdict: String,
	/// Served: the median share of the asked chunks delivered valid, percent.
	pub availability_percent: Option<f64>,
	/// Served: the median time to first byte, milliseconds.
	pub latency_ms: Option<u64>,
	/// Served: the median bandwidth, bytes per second.
	pub bandwidth_bytes_per_s: Option<u64>,
	/// Failed: the error the majority reported (`Unreachable`, `Http`, `Integrity`, ...).
	pub error: Option<String>,
	/// Failed with `Http`: the status code.
	pub http_status: Option<u64>,
}

/// The figures of one reason `does_qualify` gives, in the unit of its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum ReasonFigures {
	/// No figure (`NotRegistered`, `NotActive`).
	None,
	/// Percentages (`AvailabilityBelow`, `ReliabilityBelow`, `AgreementBelow`).
	Percent {
		/// Measured.
		measured: Option<f64>,
		/// Required.
		required: Option<f64>,
	},
	/// Milliseconds (`LatencyAbove`).
	Ms {
		/// Measured.
		measured: Option<u64>,
		/// Required.
		required: Option<u64>,
	},
	/// Bytes per second (`BandwidthBelow`).
	BytesPerS {
		/// Measured.
		measured: Option<u64>,
		/// Required.
		required: Option<u64>,
	},
	/// Counts (`TooFewSamples`: verdicts).
	Count {
		/// Measured.
		measured: Option<u64>,
		/// Required.
		required: Option<u64>,
	},
	/// A region (`RegionNotServed`).
	Region(String),
}

/// Why the hoster does not qualify: one reason of `does_qualify`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
	/// The reason's name, as the chain calls it (`AvailabilityBelow`, ...).
	pub name: String,
	/// Its figures.
	pub figures: ReasonFigures,
}

impl Reason {
	/// Reads one reason of `does_qualify`.
	pub fn from_value(reason: &Value) -> Self {
		let name = variant_name(reason);
		let measured = || first_num(reason, &["measured", "measured_ms", "measured_bytes_per_sec"]);
		let required = || first_num(reason, &["required", "required_ms", "required_bytes_per_sec"]);
		let figures = match name.as_str() {
			"NotRegistered" | "NotActive" => ReasonFigures::None,
			"RegionNotServed" => ReasonFigures::Region(text(reason.at("region"))),
			"LatencyAbove" => ReasonFigures::Ms { measured: measured(), required: required() },
			"BandwidthBelow" => {
				ReasonFigures::BytesPerS { measured: measured(), required: required() }
			},
			n if n.contains("Availability")
				|| n.contains("Reliability")
				|| n.contains("Agreement") =>
			{
				ReasonFigures::Percent {
					measured: percent_of(num(reason, &["measured"])),
					required: percent_of(num(reason, &["required"])),
				}
			},
			_ if measured().is_some() || required().is_some() => {
				ReasonFigures::Count { measured: measured(), required: required() }
			},
			_ => ReasonFigures::None,
		};
		Reason { name, figures }
	}

	/// For people: `AvailabilityBelow (measured 50.0%, required 99.0%)`.
	pub fn text(&self) -> String {
		let pair = |measured: String, required: String| {
			format!("{} (measured {measured}, required {required})", self.name)
		};
		let ms = |n: Option<u64>| n.map(|n| format!("{n} ms")).unwrap_or_else(|| "?".into());
		match &self.figures {
			ReasonFigures::None => self.name.clone(),
			ReasonFigures::Percent { measured, required } => {
				pair(percent(*measured), percent(*required))
			},
			ReasonFigures::Ms { measured, required } => pair(ms(*measured), ms(*required)),
			ReasonFigures::BytesPerS { measured, required } => {
				pair(opt_bandwidth(*measured), opt_bandwidth(*required))
			},
			ReasonFigures::Count { measured, required } => pair(opt(*measured), opt(*required)),
			ReasonFigures::Region(region) => format!("{} ({region})", self.name),
		}
	}
}

/// As JSON: `{"reason": NAME}` with the figures in keys named by their unit
/// (`measured_percent`, `required_ms`, `measured_bytes_per_s`, `measured`
/// for counts, `region`).
impl serde::Serialize for Reason {
	fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		use serde::ser::SerializeMap;
		let mut map = serializer.serialize_map(None)?;
		map.serialize_entry("reason", &self.name)?;
		let mut pair = |unit: &str, measured: serde_json::Value, required: serde_json::Value| {
			map.serialize_entry(&format!("measured{unit}"), &measured)?;
			map.serialize_entry(&format!("required{unit}"), &required)
		};
		match &self.figures {
			ReasonFigures::None => {},
			ReasonFigures::Percent { measured, required } => {
				pair("_percent", (*measured).into(), (*required).into())?
			},
			ReasonFigures::Ms { measured, required } => {
				pair("_ms", (*measured).into(), (*required).into())?
			},
			ReasonFigures::BytesPerS { measured, required } => {
				pair("_bytes_per_s", (*measured).into(), (*required).into())?
			},
			ReasonFigures::Count { measured, required } => {
				pair("", (*measured).into(), (*required).into())?
			},
			ReasonFigures::Region(region) => map.serialize_entry("region", region)?,
		}
		map.end()
	}
}

/// A hoster's report as `hoster chain status` gives it: its registration,
/// figures, last verdict and the `does_qualify` answer against its own
/// promise. `hoster chain status --json` prints it as one JSON object.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StatusReport {
	/// The account, SS58 (generic prefix 42).
	pub account: String,
	/// The account, 64 hex characters.
	pub account_hex: String,
	/// The development account's name (`Dave`), if it is one.
	pub name: Option<String>,
	/// Whether it is a registered hoster; if not, the fields of the registration are `null`.
	pub registered: bool,
	/// `Pending`, `Active` or `Suspended`.
	pub status: Option<String>,
	/// The block it (last) registered at.
	pub registered_at_block: Option<u64>,
	/// How many feeds it hosts.
	pub hostings: Option<u64>,
	/// Its HTTP endpoint.
	pub endpoint: Option<String>,
	/// Its region.
	pub region: Option<String>,
	/// The bytes it offers to store.
	pub capacity_bytes: Option<u64>,
	/// Its promise.
	pub promise: Option<Promise>,
	/// Its measured figures.
	pub measured: Option<Measured>,
	/// The last committee verdict.
	pub last_verdict: Option<LastVerdict>,
	/// Whether it meets its own promise (on at least one verdict).
	pub qualifies: bool,
	/// Why not.
	pub reasons: Vec<Reason>,
}

impl StatusReport {
	/// The report of an account that is not a registered hoster.
	pub fn not_registered(who: &[u8; 32]) -> Self {
		StatusReport {
			account: crate::accounts::ss58(who),
			account_hex: hex::encode(who),
			name: crate::accounts::dev_name(who).map(str::to_owned),
			registered: false,
			status: None,
			registered_at_block: None,
			hostings: None,
			endpoint: None,
			region: None,
			capacity_bytes: None,
			promise: None,
			measured: None,
			last_verdict: None,
			qualifies: false,
			reasons: vec![Reason { name: "NotRegistered".into(), figures: ReasonFigures::None }],
		}
	}

	/// Reads the report from the chain's values: `hoster` is the `Hosters`
	/// entry, `figures` the `hoster_figures` runtime API answer, `last` the
	/// last committee verdict of `HosterFigures`, `verdict` the `does_qualify`
	/// answer against the hoster's own promise.
	pub fn from_values(
		who: &[u8; 32],
		hoster: &Value,
		figures: &Value,
		last: Option<&Value>,
		verdict: &Value,
	) -> Self {
		// `hoster_figures` answers an `Option`.
		let summary = match &figures.value {
			ValueDef::Variant(v) if v.name == "None" => None,
			ValueDef::Variant(_) => figures.at(0),
			_ => Some(figures),
		};
		let form = hoster.at("form");
		let promised = |name: &str| num64(hoster, &["form", "promised", name]);
		let measured = summary.map(|s| Measured {
			availability_percent: percent_of(num(s, &["availability"])),
			reliability_percent: percent_of(num(s, &["reliability"])),
			latency_ms: num64(s, &["latency_ms"]),
			latency_stddev_ms: num64(s, &["latency_stddev_ms"]),
			bandwidth_bytes_per_s: num64(s, &["bandwidth_bytes_per_sec"]),
			bandwidth_stddev_bytes_per_s: num64(s, &["bandwidth_stddev_bytes_per_sec"]),
			verdicts: num64(s, &["samples"]),
			last_update_block: num64(s, &["last_update"]),
		});
		let last_verdict = last.map(|l| {
			let verdict = l.at("verdict");
			let served = |name: &str| verdict.and_then(|v| num64(v, &[name]));
			// `Failed(kind)`, the kind possibly with a code: `Http(503)`.
			let failure = verdict.filter(|v| variant_name(v) == "Failed").and_then(|v| v.at(0));
			LastVerdict {
				request: num64(l, &["request"]),
				closed_at_block: num64(l, &["at"]),
				ratings: num64(l, &["ratings"]),
				verdict: verdict.map(variant_name).unwrap_or_default(),
				availability_percent: percent_of(verdict.and_then(|v| num(v, &["availability"]))),
				latency_ms: served("latency_ms"),
				bandwidth_bytes_per_s: served("bandwidth_bytes_per_sec"),
				error: failure.map(variant_name),
				http_status: failure
					.and_then(|kind| kind.at(0))
					.and_then(|code| code.as_u128())
					.and_then(|code| u64::try_from(code).ok()),
			}
		});
		let reasons = verdict
			.at("reasons")
			.map(|r| (0..).map_while(|i| r.at(i)).map(Reason::from_value).collect())
			.unwrap_or_default();
		StatusReport {
			account: crate::accounts::ss58(who),
			account_hex: hex::encode(who),
			name: crate::accounts::dev_name(who).map(str::to_owned),
			registered: true,
			status: hoster.at("status").map(variant_name),
			registered_at_block: num64(hoster, &["registered_at"]),
			hostings: num64(hoster, &["hostings"]),
			endpoint: form.and_then(|f| f.at("endpoint")).map(|e| text(Some(e))),
			region: form.and_then(|f| f.at("region")).map(|r| text(Some(r))),
			capacity_bytes: num64(hoster, &["form", "capacity_bytes"]),
			promise: form.map(|_| Promise {
				availability_percent: percent_of(num(
					hoster,
					&["form", "promised", "availability"],
				)),
				latency_ms: promised("latency_ms"),
				bandwidth_bytes_per_s: promised("bandwidth_bytes_per_sec"),
			}),
			measured,
			last_verdict,
			qualifies: verdict.at("qualifies").and_then(|q| q.as_bool()).unwrap_or(false),
			reasons,
		}
	}
}

/// The report of `hoster chain status` for people: one line per topic,
/// accounts by name, bandwidth in MB/s (or kB/s), percentages with one decimal.
pub fn render_status(report: &StatusReport) -> String {
	let who = match &report.name {
		Some(name) => format!("{name} ({})", report.account),
		None => report.account.clone(),
	};
	if !report.registered {
		return format!("{who} is not a registered hoster\n");
	}
	let mut out = String::new();
	out.push_str(&format!("hoster       {who}\n"));
	out.push_str(&format!(
		"status       {} (registered at block {}, hosting {} feed(s))\n",
		report.status.as_deref().unwrap_or("?"),
		opt(report.registered_at_block),
		opt(report.hostings)
	));
	let capacity = report.capacity_bytes.map(|c| format!(", offers {}", bytes(c)));
	out.push_str(&format!(
		"endpoint     {} (region {}){}\n",
		report.endpoint.as_deref().unwrap_or("?"),
		report.region.as_deref().unwrap_or("?"),
		capacity.unwrap_or_default()
	));
	if let Some(p) = &report.promise {
		out.push_str(&format!(
			"promised     availability {}, latency <= {} ms, bandwidth >= {}\n",
			percent(p.availability_percent),
			opt(p.latency_ms),
			opt_bandwidth(p.bandwidth_bytes_per_s)
		));
	}
	match &report.measured {
		Some(m) if m.verdicts.unwrap_or(0) > 0 => out.push_str(&format!(
			"measured     availability {}, reliability {}, latency {} ms (sd {} ms), bandwidth {} (sd {}), {} verdict(s), last at block {}\n",
			percent(m.availability_percent),
			percent(m.reliability_percent),
			opt(m.latency_ms),
			opt(m.latency_stddev_ms),
			opt_bandwidth(m.bandwidth_bytes_per_s),
			opt_bandwidth(m.bandwidth_stddev_bytes_per_s),
			opt(m.verdicts),
			opt(m.last_update_block)
		)),
		_ => out.push_str("measured     nothing yet: no verdict\n"),
	}
	let last = report.last_verdict.as_ref().map(|l| {
		let detail = match l.verdict.as_str() {
			"Served" => format!(
				": availability {}, {} ms, {}",
				percent(l.availability_percent),
				opt(l.latency_ms),
				opt_bandwidth(l.bandwidth_bytes_per_s)
			),
			"Failed" => match (&l.error, l.http_status) {
				(Some(error), Some(code)) => format!(": {error} {code}"),
				(Some(error), None) => format!(": {error}"),
				_ => String::new(),
			},
			_ => String::new(),
		};
		format!(
			"request {} closed at block {}, {} rating(s): {}{detail}",
			opt(l.request),
			opt(l.closed_at_block),
			opt(l.ratings),
			l.verdict
		)
	});
	out.push_str(&format!("last verdict {}\n", last.unwrap_or_else(|| "none yet".into())));
	let reasons: Vec<String> = report.reasons.iter().map(Reason::text).collect();
	out.push_str(&format!(
		"qualifies    {} (against its own promise){}\n",
		if report.qualifies { "yes" } else { "no" },
		if report.qualifies || reasons.is_empty() {
			String::new()
		} else {
			format!(": {}", reasons.join("; "))
		}
	));
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	fn perbill(parts: u128) -> Value {
		Value::unnamed_composite([Value::u128(parts)])
	}

	fn bytes_value(text: &str) -> Value {
		Value::unnamed_composite(text.bytes().map(|b| Value::u128(b.into())))
	}

	/// Dave, Active, with figures, a Served last verdict and two reasons.
	fn dave() -> StatusReport {
		let hoster = Value::named_composite([
			(
				"form",
				Value::named_composite([
					("endpoint", bytes_value("http://h:8900")),
					("region", bytes_value("eu-west")),
					(
						"promised",
						Value::named_composite([
							("availability", perbill(990_000_000)),
							("latency_ms", Value::u128(200)),
							("bandwidth_bytes_per_sec", Value::u128(1_000_000)),
						]),
					),
					("capacity_bytes", Value::u128(1_000_000_000)),
				]),
			),
			("status", Value::unnamed_variant("Active", [])),
			("registered_at", Value::u128(3)),
			("hostings", Value::u128(2)),
		]);
		let summary = Value::named_composite([
			("availability", perbill(995_000_000)),
			("reliability", perbill(1_000_000_000)),
			("latency_ms", Value::u128(40)),
			("latency_stddev_ms", Value::u128(5)),
			("bandwidth_bytes_per_sec", Value::u128(2_000_000)),
			("bandwidth_stddev_bytes_per_sec", Value::u128(1000)),
			("samples", Value::u128(7)),
			("last_update", Value::u128(90)),
		]);
		let figures = Value::unnamed_variant("Some", [summary]);
		let verdict_of_committee = Value::named_variant(
			"Served",
			[
				("availability", perbill(750_000_000)),
				("latency_ms", Value::u128(41)),
				("bandwidth_bytes_per_sec", Value::u128(1_900_000)),
			],
		);
		let last = Value::named_composite([
			("request", Value::u128(12)),
			("verdict", verdict_of_committee),
			("ratings", Value::u128(3)),
			("at", Value::u128(88)),
		]);
		let reason = Value::named_variant(
			"BandwidthBelow",
			[
				("measured_bytes_per_sec", Value::u128(5)),
				("required_bytes_per_sec", Value::u128(6)),
			],
		);
		let verdict = Value::named_composite([
			("qualifies", Value::bool(false)),
			(
				"reasons",
				Value::unnamed_composite([reason, Value::unnamed_variant("NotActive", [])]),
			),
		]);
		let who =
			crate::accounts::parse_account("5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy")
				.unwrap();
		StatusReport::from_values(&who, &hoster, &figures, Some(&last), &verdict)
	}

	#[test]
	fn the_status_report_reads_every_figure_by_its_name() {
		let report = render_status(&dave());
		let expected = [
			"hoster       Dave (5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy)",
			"status       Active (registered at block 3, hosting 2 feed(s))",
			"endpoint     http://h:8900 (region eu-west), offers 1.0 GB",
			"promised     availability 99.0%, latency <= 200 ms, bandwidth >= 1.0 MB/s",
			"measured     availability 99.5%, reliability 100.0%, latency 40 ms (sd 5 ms), bandwidth 2.0 MB/s (sd 1.0 kB/s), \
			 7 verdict(s), last at block 90",
			"last verdict request 12 closed at block 88, 3 rating(s): Served: availability 75.0%, 41 ms, 1.9 MB/s",
			"qualifies    no (against its own promise): BandwidthBelow (measured 5 B/s, required 6 B/s); NotActive",
		];
		assert_eq!(report.lines().collect::<Vec<_>>(), expected, "{report}");
		for debug_form in ["{", "BoundedVec", "Some(", "0x"] {
			assert!(!report.contains(debug_form), "{debug_form} in {report}");
		}
	}

	#[test]
	fn the_status_report_as_json_has_plain_numbers_and_units_in_its_keys() {
		let json = serde_json::to_value(dave()).unwrap();
		assert_eq!(
			json,
			serde_json::json!({
				"account": "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy",
				"account_hex": "306721211d5404bd9da88e0204360a1a9ab8b87c66c1bc2fcdd37f3c2222cc20",
				"name": "Dave",
				"registered": true,
				"status": "Active",
				"registered_at_block": 3,
				"hostings": 2,
				"endpoint": "http://h:8900",
				"region": "eu-west",
				"capacity_bytes": 1_000_000_000u64,
				"promise": { "availability_percent": 99.0, "latency_ms": 200, "bandwidth_bytes_per_s": 1_000_000 },
				"measured": {
					"availability_percent": 99.5,
					"reliability_percent": 100.0,
					"latency_ms": 40,
					"latency_stddev_ms": 5,
					"bandwidth_bytes_per_s": 2_000_000,
					"bandwidth_stddev_bytes_per_s": 1000,
					"verdicts": 7,
					"last_update_block": 90
				},
				"last_verdict": {
					"request": 12,
					"closed_at_block": 88,
					"ratings": 3,
					"verdict": "Served",
					"availability_percent": 75.0,
					"latency_ms": 41,
					"bandwidth_bytes_per_s": 1_900_000,
					"error": null,
					"http_status": null
				},
				"qualifies": false,
				"reasons": [
					{ "reason": "BandwidthBelow", "measured_bytes_per_s": 5, "required_bytes_per_s": 6 },
					{ "reason": "NotActive" }
				]
			})
		);
	}

	#[test]
	fn an_account_that_is_no_hoster_is_named_not_printed_as_hex() {
		let report = StatusReport::not_registered(&[7; 32]);
		let text = render_status(&report);
		assert_eq!(
			text,
			format!("{} is not a registered hoster\n", crate::accounts::ss58(&[7; 32]))
		);
		let json = serde_json::to_value(&report).unwrap();
		assert_eq!(json["registered"], false);
		assert_eq!(json["status"], serde_json::Value::Null);
		assert_eq!(json["account_hex"], "07".repeat(32));
		assert_eq!(json["reasons"], serde_json::json!([{ "reason": "NotRegistered" }]));
	}

	#[test]
	fn a_failed_verdict_names_its_error_and_code() {
		let hoster = Value::named_composite([("status", Value::unnamed_variant("Suspended", []))]);
		let figures = Value::unnamed_variant("None", []);
		let verdict = Value::named_composite([("qualifies", Value::bool(false))]);
		let last = |kind: Value| {
			Value::named_composite([
				("request", Value::u128(4)),
				("verdict", Value::unnamed_variant("Failed", [kind])),
				("ratings", Value::u128(2)),
				("at", Value::u128(9)),
			])
		};
		let report = |kind: Value| {
			StatusReport::from_values(&[1; 32], &hoster, &figures, Some(&last(kind)), &verdict)
		};
		let line = |kind: Value| {
			render_status(&report(kind))
				.lines()
				.find(|l| l.starts_with("last verdict"))
				.unwrap()
				.to_string()
		};
		assert_eq!(
			line(Value::unnamed_variant("Unreachable", [])),
			"last verdict request 4 closed at block 9, 2 rating(s): Failed: Unreachable"
		);
		assert_eq!(
			line(Value::unnamed_variant("Http", [Value::u128(503)])),
			"last verdict request 4 closed at block 9, 2 rating(s): Failed: Http 503"
		);
		let http = report(Value::unnamed_variant("Http", [Value::u128(503)]));
		let last = http.last_verdict.clone().unwrap();
		assert_eq!((last.error.as_deref(), last.http_status), (Some("Http"), Some(503)));
		assert_eq!(http.measured, None);
		assert!(render_status(&http).contains("measured     nothing yet: no verdict\n"));
	}

	#[test]
	fn reasons_show_percentages_milliseconds_bandwidth_and_regions() {
		let availability = Value::named_variant(
			"AvailabilityBelow",
			[("measured", perbill(500_000_000)), ("required", perbill(990_000_000))],
		);
		let reason = Reason::from_value(&availability);
		assert_eq!(reason.text(), "AvailabilityBelow (measured 50.0%, required 99.0%)");
		assert_eq!(
			serde_json::to_value(&reason).unwrap(),
			serde_json::json!({ "reason": "AvailabilityBelow", "measured_percent": 50.0, "required_percent": 99.0 })
		);
		let latency = Value::named_variant(
			"LatencyAbove",
			[("measured_ms", Value::u128(300)), ("required_ms", Value::u128(200))],
		);
		let reason = Reason::from_value(&latency);
		assert_eq!(reason.text(), "LatencyAbove (measured 300 ms, required 200 ms)");
		assert_eq!(
			serde_json::to_value(&reason).unwrap(),
			serde_json::json!({ "reason": "LatencyAbove", "measured_ms": 300, "required_ms": 200 })
		);
		let bandwidth = Value::named_variant(
			"BandwidthBelow",
			[
				("measured_bytes_per_sec", Value::u128(2_500_000)),
				("required_bytes_per_sec", Value::u128(10_000)),
			],
		);
		assert_eq!(
			Reason::from_value(&bandwidth).text(),
			"BandwidthBelow (measured 2.5 MB/s, required 10.0 kB/s)"
		);
		let samples = Value::named_variant(
			"TooFewSamples",
			[("measured", Value::u128(0)), ("required", Value::u128(1))],
		);
		let reason = Reason::from_value(&samples);
		assert_eq!(reason.text(), "TooFewSamples (measured 0, required 1)");
		assert_eq!(
			serde_json::to_value(&reason).unwrap(),
			serde_json::json!({ "reason": "TooFewSamples", "measured": 0, "required": 1 })
		);
		let region = Value::named_variant("RegionNotServed", [("region", bytes_value("us-east"))]);
		let reason = Reason::from_value(&region);
		assert_eq!(reason.text(), "RegionNotServed (us-east)");
		assert_eq!(
			serde_json::to_value(&reason).unwrap(),
			serde_json::json!({ "reason": "RegionNotServed", "region": "us-east" })
		);
	}

	#[test]
	fn bandwidth_and_sizes_read_in_decimal_units() {
		assert_eq!(bandwidth(0), "0 B/s");
		assert_eq!(bandwidth(999), "999 B/s");
		assert_eq!(bandwidth(10_000), "10.0 kB/s");
		assert_eq!(bandwidth(1_000_000), "1.0 MB/s");
		assert_eq!(bandwidth(123_456_789), "123.5 MB/s");
		assert_eq!(bytes(512), "512 bytes");
		assert_eq!(bytes(200_000), "200.0 kB");
		assert_eq!(bytes(1_000_000_000), "1.0 GB");
		assert_eq!(bytes(2_500_000_000_000), "2.5 TB");
	}
}
