//! Traffic statistics of the HTTP API, per feed and per peer (`GET /stats`),
//! and their Prometheus text form (`GET /metrics`).

use std::collections::BTreeMap;

use serde::Serialize;

/// Per feed or per peer traffic.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Traffic {
	/// Requests answered (any status).
	pub requests: u64,
	/// Blocks uploaded.
	pub blocks: u64,
	/// Block bytes uploaded.
	pub bytes: u64,
}

/// Traffic statistics, per feed and per peer.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Stats {
	/// By feed key (hex).
	pub feeds: BTreeMap<String, Traffic>,
	/// By peer: the attestor account (hex) when the request names one, else the remote address.
	pub peers: BTreeMap<String, Traffic>,
}

impl Stats {
	/// Counts one answered request for `feed` from `peer` that uploaded `blocks` blocks of `bytes` bytes.
	pub fn count(&mut self, feed: &str, peer: &str, blocks: u64, bytes: u64) {
		for traffic in [
			self.feeds.entry(feed.to_string()).or_default(),
			self.peers.entry(peer.to_string()).or_default(),
		] {
			traffic.requests += 1;
			traffic.blocks += blocks;
			traffic.bytes += bytes;
		}
	}
}

/// The statistics in Prometheus text format.
pub fn prometheus(stats: &Stats) -> String {
	let mut out = String::new();
	for (metric, help, pick) in [
		(
			"hoster_requests_total",
			"Block requests answered.",
			(|t: &Traffic| t.requests) as fn(&Traffic) -> u64,
		),
		("hoster_uploaded_blocks_total", "Blocks uploaded.", |t: &Traffic| t.blocks),
		("hoster_uploaded_bytes_total", "Block bytes uploaded.", |t: &Traffic| t.bytes),
	] {
		out.push_str(&format!("# HELP {metric} {help}\n# TYPE {metric} counter\n"));
		for (feed, traffic) in &stats.feeds {
			out.push_str(&format!("{metric}{{feed=\"{feed}\"}} {}\n", pick(traffic)));
		}
		for (peer, traffic) in &stats.peers {
			out.push_str(&format!("{metric}{{peer=\"{peer}\"}} {}\n", pick(traffic)));
		}
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_request_counts_for_its_feed_and_its_peer() {
		let mut stats = Stats::default();
		stats.count("f", "p", 1, 100);
		stats.count("f", "q", 0, 0);
		assert_eq!(stats.feeds["f"], Traffic { requests: 2, blocks: 1, bytes: 100 });
		assert_eq!(stats.peers["p"], Traffic { requests: 1, blocks: 1, bytes: 100 });
		assert_eq!(stats.peers["q"], Traffic { requests: 1, blocks: 0, bytes: 0 });
	}

	#[test]
	fn prometheus_text_has_every_counter_by_feed_and_by_peer() {
		let mut stats = Stats::default();
		stats.count("ab", "127.0.0.1", 1, 7);
		let text = prometheus(&stats);
		let header = "# HELP hoster_requests_total Block requests answered.\n# TYPE hoster_requests_total counter\n";
		assert!(text.starts_with(header), "{text}");
		for line in [
			"hoster_requests_total{feed=\"ab\"} 1",
			"hoster_requests_total{peer=\"127.0.0.1\"} 1",
			"hoster_uploaded_blocks_total{feed=\"ab\"} 1",
			"hoster_uploaded_bytes_total{peer=\"127.0.0.1\"} 7",
		] {
			assert!(text.lines().any(|l| l == line), "{line} in {text}");
		}
	}
}
