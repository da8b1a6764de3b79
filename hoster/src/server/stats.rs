//! Traffic statistics of the HTTP API, per feed, per peer and per attestor
//! (`GET /stats`), and their Prometheus text form (`GET /metrics`).
//!
//! Only what the hoster can trust keys them, and every map is bounded:
//! peers by the TCP peer's IP address, attestors by the account a contact
//! proof was signed for (a contact request may name any account; it counts
//! only once the hoster vouched with its signature for blocks it served). Each of the two
//! keeps the [`MAX_TRACKED`] most recently seen; the least recently seen
//! gives way. Feeds are the hoster's own.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::swarm::seed::SwarmTraffic;

/// Most peers, and most attestors, the statistics keep.
pub const MAX_TRACKED: usize = 256;

/// Per feed, peer or attestor traffic.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Traffic {
	/// Requests answered (any status).
	pub requests: u64,
	/// Blocks uploaded.
	pub blocks: u64,
	/// Block bytes uploaded.
	pub bytes: u64,
}

impl Traffic {
	fn add(&mut self, blocks: u64, bytes: u64) {
		self.requests += 1;
		self.blocks += blocks;
		self.bytes += bytes;
	}
}

/// Traffic statistics, per feed, per peer and per attestor.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Stats {
	/// By feed key (hex).
	pub feeds: BTreeMap<String, Traffic>,
	/// By the peer's IP address: the [`MAX_TRACKED`] most recently seen.
	pub peers: BTreeMap<String, Traffic>,
	/// By attestor account (hex): contact requests signed, and the blocks and
	/// bytes they vouched for; the [`MAX_TRACKED`] most recently seen.
	pub attestors: BTreeMap<String, Traffic>,
	/// By feed key (hex): traffic over the Hypercore protocol (`serve --swarm`),
	/// as the peer last reported it.
	pub swarm: BTreeMap<String, SwarmTraffic>,
	/// When each peer and attestor was last counted, in counts.
	#[serde(skip)]
	seen: BTreeMap<(bool, String), u64>,
	/// Requests counted so far.
	#[serde(skip)]
	clock: u64,
}

impl Stats {
	/// Counts one answered block request for `feed` from the peer at `ip`
	/// that uploaded `blocks` blocks of `bytes` bytes.
	pub fn count(&mut self, feed: &str, ip: &str, blocks: u64, bytes: u64) {
		self.clock += 1;
		self.feeds.entry(feed.to_string()).or_default().add(blocks, bytes);
		self.bump(false, ip, blocks, bytes);
	}

	/// Counts one contact request signed for `attestor`, vouching for `blocks`
	/// blocks of `bytes` bytes it was served.
	pub fn vouch(&mut self, attestor: &str, blocks: u64, bytes: u64) {
		self.clock += 1;
		self.bump(true, attestor, blocks, bytes);
	}

	/// Adds to the traffic of a peer (`attestor == false`) or an attestor,
	/// making room by evicting the least recently seen one.
	fn bump(&mut self, attestor: bool, who: &str, blocks: u64, bytes: u64) {
		let map = if attestor { &mut self.attestors } else { &mut self.peers };
		if !map.contains_key(who) && map.len() >= MAX_TRACKED {
			let oldest = self
				.seen
				.iter()
				.filter(|((kind, _), _)| *kind == attestor)
				.min_by_key(|(_, at)| **at)
				.map(|((_, name), _)| name.clone());
			if let Some(oldest) = oldest {
				map.remove(&oldest);
				self.seen.remove(&(attestor, oldest));
			}
		}
		map.entry(who.to_string()).or_default().add(blocks, bytes);
		self.seen.insert((attestor, who.to_string()), self.clock);
	}
}

/// The statistics in Prometheus text format.
pub fn prometheus(stats: &Stats) -> String {
	let mut out = String::new();
	for (metric, help, pick) in [
		(
			"hoster_requests_total",
			"Requests answered: block requests by feed and peer, contact requests signed by attestor.",
			(|t: &Traffic| t.requests) as fn(&Traffic) -> u64,
		),
		("hoster_uploaded_blocks_total", "Blocks uploaded.", |t: &Traffic| t.blocks),
		("hoster_uploaded_bytes_total", "Block bytes uploaded.", |t: &Traffic| t.bytes),
	] {
		out.push_str(&format!("# HELP {metric} {help}\n# TYPE {metric} counter\n"));
		for (label, map) in
			[("feed", &stats.feeds), ("peer", &stats.peers), ("attestor", &stats.attestors)]
		{
			for (name, traffic) in map {
				out.push_str(&format!("{metric}{{{label}=\"{name}\"}} {}\n", pick(traffic)));
			}
		}
	}
	if stats.swarm.is_empty() {
		return out;
	}
	for (metric, kind, help, pick) in [
		(
			"hoster_swarm_uploaded_blocks_total",
			"counter",
			"Blocks uploaded to Hypercore peers, by feed.",
			(|t: &SwarmTraffic| t.total.uploaded_blocks) as fn(&SwarmTraffic) -> u64,
		),
		(
			"hoster_swarm_uploaded_bytes_total",
			"counter",
			"Block bytes uploaded to Hypercore peers, by feed.",
			|t| t.total.uploaded_bytes,
		),
		(
			"hoster_swarm_downloaded_blocks_total",
			"counter",
			"Blocks downloaded from Hypercore peers (following writers), by feed.",
			|t| t.total.downloaded_blocks,
		),
		(
			"hoster_swarm_downloaded_bytes_total",
			"counter",
			"Block bytes downloaded from Hypercore peers, by feed.",
			|t| t.total.downloaded_bytes,
		),
		("hoster_swarm_peers", "gauge", "Hypercore peers open now, by feed.", |t| t.peer_count),
	] {
		out.push_str(&format!("# HELP {metric} {help}\n# TYPE {metric} {kind}\n"));
		for (feed, traffic) in &stats.swarm {
			out.push_str(&format!("{metric}{{feed=\"{feed}\"}} {}\n", pick(traffic)));
		}
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_request_counts_for_its_feed_its_peer_and_a_vouched_attestor() {
		let mut stats = Stats::default();
		stats.count("f", "p", 1, 100);
		stats.vouch("a", 1, 100);
		stats.count("f", "q", 0, 0);
		assert_eq!(stats.feeds["f"], Traffic { requests: 2, blocks: 1, bytes: 100 });
		assert_eq!(stats.peers["p"], Traffic { requests: 1, blocks: 1, bytes: 100 });
		assert_eq!(stats.peers["q"], Traffic { requests: 1, blocks: 0, bytes: 0 });
		assert_eq!(stats.attestors["a"], Traffic { requests: 1, blocks: 1, bytes: 100 });
		assert_eq!(stats.attestors.len(), 1);
	}

	#[test]
	fn peers_and_attestors_are_bounded_and_the_least_recently_seen_gives_way() {
		let mut stats = Stats::default();
		let both = |stats: &mut Stats, name: &str| {
			stats.count("f", name, 1, 1);
			stats.vouch(name, 1, 1);
		};
		both(&mut stats, "kept");
		for i in 0..10 * MAX_TRACKED {
			both(&mut stats, &format!("x{i}"));
			// A regular stays the most recently seen.
			if i % (MAX_TRACKED / 2) == 0 {
				both(&mut stats, "kept");
			}
		}
		assert_eq!(stats.peers.len(), MAX_TRACKED);
		assert_eq!(stats.attestors.len(), MAX_TRACKED);
		assert_eq!(stats.seen.len(), 2 * MAX_TRACKED);
		assert!(stats.peers.contains_key("kept") && stats.attestors.contains_key("kept"));
		let last = format!("x{}", 10 * MAX_TRACKED - 1);
		assert!(stats.peers.contains_key(&last));
		assert!(!stats.peers.contains_key("x0"));
		assert_eq!(stats.feeds["f"].requests, 1 + 10 * MAX_TRACKED as u64 + 20);
	}

	#[test]
	fn swarm_traffic_shows_by_feed_only_when_there_is_a_swarm() {
		let mut stats = Stats::default();
		assert!(!prometheus(&stats).contains("hoster_swarm"));
		let mut traffic = SwarmTraffic { peer_count: 2, ..Default::default() };
		traffic.total.uploaded_blocks = 5;
		traffic.total.downloaded_bytes = 9;
		stats.swarm.insert("ab".into(), traffic);
		let text = prometheus(&stats);
		for line in [
			"# TYPE hoster_swarm_peers gauge",
			"hoster_swarm_peers{feed=\"ab\"} 2",
			"hoster_swarm_uploaded_blocks_total{feed=\"ab\"} 5",
			"hoster_swarm_downloaded_bytes_total{feed=\"ab\"} 9",
		] {
			assert!(text.lines().any(|l| l == line), "{line} in {text}");
		}
	}

	#[test]
	fn prometheus_text_has_every_counter_by_feed_peer_and_attestor() {
		let mut stats = Stats::default();
		stats.count("ab", "127.0.0.1", 1, 7);
		stats.vouch("cd", 1, 7);
		let text = prometheus(&stats);
		let header = "# HELP hoster_requests_total Requests answered: block requests by feed and peer, contact requests signed by attestor.\n# TYPE hoster_requests_total counter\n";
		assert!(text.starts_with(header), "{text}");
		for line in [
			"hoster_requests_total{feed=\"ab\"} 1",
			"hoster_requests_total{peer=\"127.0.0.1\"} 1",
			"hoster_requests_total{attestor=\"cd\"} 1",
			"hoster_uploaded_blocks_total{feed=\"ab\"} 1",
			"hoster_uploaded_bytes_total{peer=\"127.0.0.1\"} 7",
			"hoster_uploaded_bytes_total{attestor=\"cd\"} 7",
		] {
			assert!(text.lines().any(|l| l == line), "{line} in {text}");
		}
	}
}
