//! Text for people: the report of `hoster chain status`, read from the chain's
//! dynamic values (a hoster's registration, its figures, its last rating and
//! the `does_qualify` verdict) by field name.

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

/// Perbill parts as a percentage with one decimal, `?` if absent.
fn percent(parts: Option<u128>) -> String {
	parts
		.map(|p| format!("{:.1}%", p as f64 / 10_000_000.0))
		.unwrap_or_else(|| "?".into())
}

/// A number, `?` if absent.
fn opt(n: Option<u128>) -> String {
	n.map(|n| n.to_string()).unwrap_or_else(|| "?".into())
}

/// The first of `names` that is a number field of `v`.
fn first_num(v: &Value, names: &[&str]) -> Option<u128> {
	names.iter().find_map(|name| num(v, &[name]))
}

/// One reason of `does_qualify`, with Perbill figures as percentages.
fn render_reason(reason: &Value) -> String {
	let name = variant_name(reason);
	let as_pct = name.contains("Availability") || name.contains("Reliability");
	let show = |n: Option<u128>| if as_pct { percent(n) } else { opt(n) };
	match name.as_str() {
		"NotRegistered" | "NotActive" => name,
		"RegionNotServed" => format!("{name} ({})", text(reason.at("region"))),
		_ => {
			// `measured`/`required`, with the unit in the name where it has one.
			let measured =
				first_num(reason, &["measured", "measured_ms", "measured_bytes_per_sec"]);
			let required =
				first_num(reason, &["required", "required_ms", "required_bytes_per_sec"]);
			format!("{name} (measured {}, required {})", show(measured), show(required))
		},
	}
}

/// The report of `hoster chain status`: `hoster` is the `Hosters` entry,
/// `figures` the `hoster_figures` runtime API answer, `last` the last committee
/// verdict of `HosterFigures`, `verdict` the `does_qualify` answer against the hoster's own promise.
pub fn render_status(
	who: &[u8; 32],
	hoster: &Value,
	figures: &Value,
	last: Option<&Value>,
	verdict: &Value,
) -> String {
	let summary = figures.at(0).unwrap_or(figures);
	let form = hoster.at("form");
	let mut out = String::new();
	out.push_str(&format!("hoster       {}\n", crate::accounts::display_account(who)));
	out.push_str(&format!(
		"status       {} (registered at block {}, hosting {} feed(s))\n",
		hoster.at("status").map(variant_name).unwrap_or_default(),
		opt(num(hoster, &["registered_at"])),
		opt(num(hoster, &["hostings"]))
	));
	out.push_str(&format!(
		"endpoint     {} (region {})\n",
		text(form.and_then(|f| f.at("endpoint"))),
		text(form.and_then(|f| f.at("region")))
	));
	out.push_str(&format!(
		"promised     availability {}, latency <= {} ms, bandwidth >= {} B/s\n",
		percent(num(hoster, &["form", "promised", "availability"])),
		opt(num(hoster, &["form", "promised", "latency_ms"])),
		opt(num(hoster, &["form", "promised", "bandwidth_bytes_per_sec"]))
	));
	out.push_str(&format!(
		"measured     availability {}, reliability {}, latency {} ms (sd {}), bandwidth {} B/s (sd {}), {} verdict(s), last at block {}\n",
		percent(num(summary, &["availability"])),
		percent(num(summary, &["reliability"])),
		opt(num(summary, &["latency_ms"])),
		opt(num(summary, &["latency_stddev_ms"])),
		opt(num(summary, &["bandwidth_bytes_per_sec"])),
		opt(num(summary, &["bandwidth_stddev_bytes_per_sec"])),
		opt(num(summary, &["samples"])),
		opt(num(summary, &["last_update"]))
	));
	let last = last.map(|l| {
		let verdict = l.at("verdict");
		let kind = verdict.map(variant_name).unwrap_or_default();
		let detail = match (kind.as_str(), verdict) {
			("Served", Some(v)) => format!(
				": availability {}, {} ms, {} B/s",
				percent(num(v, &["availability"])),
				opt(num(v, &["latency_ms"])),
				opt(num(v, &["bandwidth_bytes_per_sec"]))
			),
			("Failed", Some(v)) => match v.at(0) {
				Some(kind) => match kind.at(0).and_then(|code| code.as_u128()) {
					Some(code) => format!(": {} {code}", variant_name(kind)),
					None => format!(": {}", variant_name(kind)),
				},
				None => String::new(),
			},
			_ => String::new(),
		};
		format!(
			"request {} closed at block {}, {} rating(s): {kind}{detail}",
			opt(num(l, &["request"])),
			opt(num(l, &["at"])),
			opt(num(l, &["ratings"]))
		)
	});
	out.push_str(&format!("last verdict {}\n", last.unwrap_or_else(|| "none yet".into())));
	let qualifies = verdict.at("qualifies").and_then(|q| q.as_bool()).unwrap_or(false);
	let reasons: Vec<String> = verdict
		.at("reasons")
		.map(|r| (0..).map_while(|i| r.at(i)).map(render_reason).collect())
		.unwrap_or_default();
	out.push_str(&format!(
		"qualifies    {} (against its own promise)\n",
		if qualifies { "yes".to_string() } else { format!("no: {}", reasons.join("; ")) }
	));
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	fn perbill(parts: u128) -> Value {
		Value::unnamed_composite([Value::u128(parts)])
	}

	fn bytes(text: &str) -> Value {
		Value::unnamed_composite(text.bytes().map(|b| Value::u128(b.into())))
	}

	#[test]
	fn the_status_report_reads_every_figure_by_its_name() {
		let hoster = Value::named_composite([
			(
				"form",
				Value::named_composite([
					("endpoint", bytes("http://h:8900")),
					("region", bytes("eu-west")),
					(
						"promised",
						Value::named_composite([
							("availability", perbill(990_000_000)),
							("latency_ms", Value::u128(200)),
							("bandwidth_bytes_per_sec", Value::u128(1_000_000)),
						]),
					),
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
		let report = render_status(&[1; 32], &hoster, &figures, Some(&last), &verdict);
		let expected = [
			// The SS58 address of 0x0101…01, as polkadot.js apps shows it.
			"hoster       5C62Ck4UrFPiBtoCmeSrgF7x9yv9mn38446dhCpsi2mLHiFT".to_string(),
			"status       Active (registered at block 3, hosting 2 feed(s))".into(),
			"endpoint     http://h:8900 (region eu-west)".into(),
			"promised     availability 99.0%, latency <= 200 ms, bandwidth >= 1000000 B/s".into(),
			"measured     availability 99.5%, reliability 100.0%, latency 40 ms (sd 5), bandwidth 2000000 B/s (sd 1000), \
			 7 verdict(s), last at block 90"
				.into(),
			"last verdict request 12 closed at block 88, 3 rating(s): Served: availability 75.0%, 41 ms, 1900000 B/s"
				.into(),
			"qualifies    no: BandwidthBelow (measured 5, required 6); NotActive (against its own promise)".into(),
		];
		assert_eq!(report.lines().collect::<Vec<_>>(), expected, "{report}");
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
		let line = |kind: Value| {
			render_status(&[1; 32], &hoster, &figures, Some(&last(kind)), &verdict)
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
	}

	#[test]
	fn reasons_show_percentages_milliseconds_and_regions() {
		let availability = Value::named_variant(
			"AvailabilityBelow",
			[("measured", perbill(500_000_000)), ("required", perbill(990_000_000))],
		);
		assert_eq!(
			render_reason(&availability),
			"AvailabilityBelow (measured 50.0%, required 99.0%)"
		);
		let latency = Value::named_variant(
			"LatencyAbove",
			[("measured_ms", Value::u128(300)), ("required_ms", Value::u128(200))],
		);
		assert_eq!(render_reason(&latency), "LatencyAbove (measured 300, required 200)");
		let region = Value::named_variant("RegionNotServed", [("region", bytes("us-east"))]);
		assert_eq!(render_reason(&region), "RegionNotServed (us-east)");
	}
}
