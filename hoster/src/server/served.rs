//! What the hoster served, and to whom: the record `POST /contact` checks
//! before it signs.
//!
//! Block requests name no benchmark (see [`hypercore_verify::wire`]), so the
//! hoster notes every block it answers with `200`: the peer's IP address, the
//! feed, the length the proof was anchored at, and the block. A contact
//! request is signed only for blocks noted for the address it comes from.
//!
//! Each note is a 64-bit fingerprint under a key drawn when the hoster starts
//! (SipHash, as `std`'s `HashMap` uses), so a client cannot aim collisions.
//! Notes are kept for [`ServedLog::KEEP_FOR`] and at most
//! [`ServedLog::CAPACITY`] at once (about 60 bytes each, at most 15 MiB): past
//! that the oldest go first. Under normal traffic every note lives its full
//! time; a flood of block requests from many addresses shortens it for
//! everyone, but an attestor asks for its proof a few seconds after its
//! fetches, so a flood has to keep up tens of thousands of requests a second
//! to make a contact request come too late.

use std::{
	collections::{hash_map::RandomState, HashMap, VecDeque},
	hash::{BuildHasher, Hasher},
	net::IpAddr,
	time::{Duration, Instant},
};

/// Blocks served recently, by whom, at which length.
#[derive(Debug)]
pub struct ServedLog {
	keys: RandomState,
	/// Fingerprint → when it was last noted.
	noted: HashMap<u64, Instant>,
	/// Notes in the order made (a fingerprint noted again appears twice).
	order: VecDeque<(Instant, u64)>,
	capacity: usize,
	keep_for: Duration,
}

impl Default for ServedLog {
	fn default() -> Self {
		Self::new(Self::CAPACITY, Self::KEEP_FOR)
	}
}

impl ServedLog {
	/// How long a served block may be vouched for.
	pub const KEEP_FOR: Duration = Duration::from_secs(60);
	/// Most notes kept at once.
	pub const CAPACITY: usize = 262_144;

	/// A log keeping at most `capacity` notes, each for `keep_for`.
	pub fn new(capacity: usize, keep_for: Duration) -> Self {
		Self {
			keys: RandomState::new(),
			noted: HashMap::new(),
			order: VecDeque::new(),
			capacity: capacity.max(1),
			keep_for,
		}
	}

	fn fingerprint(&self, peer: IpAddr, feed: &[u8; 32], length: u64, index: u64) -> u64 {
		let mut hasher = self.keys.build_hasher();
		match peer.to_canonical() {
			IpAddr::V4(ip) => hasher.write(&ip.octets()),
			IpAddr::V6(ip) => hasher.write(&ip.octets()),
		}
		hasher.write(feed);
		hasher.write_u64(length);
		hasher.write_u64(index);
		hasher.finish()
	}

	/// Notes that block `index` of `feed`, anchored at `length`, was served to `peer` at `now`.
	pub fn note(&mut self, peer: IpAddr, feed: &[u8; 32], length: u64, index: u64, now: Instant) {
		self.forget_until(now);
		let fingerprint = self.fingerprint(peer, feed, length, index);
		while self.order.len() >= self.capacity {
			self.pop_oldest();
		}
		self.noted.insert(fingerprint, now);
		self.order.push_back((now, fingerprint));
	}

	/// Whether block `index` of `feed` at `length` was served to `peer` within
	/// [`KEEP_FOR`](Self::KEEP_FOR) before `now` (and not pushed out since).
	pub fn was_served(
		&self,
		peer: IpAddr,
		feed: &[u8; 32],
		length: u64,
		index: u64,
		now: Instant,
	) -> bool {
		self.noted
			.get(&self.fingerprint(peer, feed, length, index))
			.is_some_and(|at| now.saturating_duration_since(*at) < self.keep_for)
	}

	/// Notes kept now.
	pub fn len(&self) -> usize {
		self.noted.len()
	}

	/// Whether nothing is noted.
	pub fn is_empty(&self) -> bool {
		self.noted.is_empty()
	}

	/// Drops the notes older than `keep_for` at `now`.
	fn forget_until(&mut self, now: Instant) {
		while self
			.order
			.front()
			.is_some_and(|(at, _)| now.saturating_duration_since(*at) >= self.keep_for)
		{
			self.pop_oldest();
		}
	}

	/// Drops the oldest note; its fingerprint goes only if it was not noted again since.
	fn pop_oldest(&mut self) {
		if let Some((at, fingerprint)) = self.order.pop_front() {
			if self.noted.get(&fingerprint) == Some(&at) {
				self.noted.remove(&fingerprint);
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
	const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

	#[test]
	fn a_block_is_served_only_to_whom_at_what_length_and_for_a_while() {
		let mut log = ServedLog::new(16, Duration::from_secs(60));
		let t = Instant::now();
		log.note(A, &[1; 32], 9, 3, t);
		assert!(log.was_served(A, &[1; 32], 9, 3, t + Duration::from_secs(59)));
		assert!(!log.was_served(A, &[1; 32], 9, 3, t + Duration::from_secs(60)), "expired");
		assert!(!log.was_served(B, &[1; 32], 9, 3, t), "another address");
		assert!(!log.was_served(A, &[2; 32], 9, 3, t), "another feed");
		assert!(!log.was_served(A, &[1; 32], 8, 3, t), "another length");
		assert!(!log.was_served(A, &[1; 32], 9, 4, t), "another block");
		// An IPv4 peer seen over an IPv6 socket is the same peer.
		let mapped = IpAddr::V6(std::net::Ipv4Addr::new(10, 0, 0, 1).to_ipv6_mapped());
		assert!(log.was_served(mapped, &[1; 32], 9, 3, t));
	}

	#[test]
	fn the_log_is_bounded_and_the_oldest_go_first() {
		let mut log = ServedLog::new(100, Duration::from_secs(60));
		let t = Instant::now();
		for index in 0..1_000 {
			log.note(A, &[1; 32], 2_000, index, t);
		}
		assert_eq!(log.len(), 100);
		assert!(log.was_served(A, &[1; 32], 2_000, 999, t));
		assert!(!log.was_served(A, &[1; 32], 2_000, 899, t));
	}

	#[test]
	fn a_block_served_again_stays_vouched_for_from_its_last_time() {
		let mut log = ServedLog::new(16, Duration::from_secs(60));
		let t = Instant::now();
		log.note(A, &[1; 32], 9, 3, t);
		log.note(A, &[1; 32], 9, 3, t + Duration::from_secs(50));
		// The first note expires (and is dropped by the next note), the second stands.
		log.note(A, &[1; 32], 9, 4, t + Duration::from_secs(70));
		assert!(log.was_served(A, &[1; 32], 9, 3, t + Duration::from_secs(100)));
		assert!(!log.was_served(A, &[1; 32], 9, 3, t + Duration::from_secs(110)));
		assert_eq!(log.len(), 2);
	}
}
