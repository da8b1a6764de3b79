//! A small TCP shaping proxy for tests: the ground truth of latency and
//! bandwidth in the measurement benchmarks (`scripts/bench/accuracy.sh`,
//! `scripts/bench/ocw.sh`), since the kernel here has no `netem`.
//!
//! Requests pass unshaped. Every piece of a response is held until
//! [`Link::delay`] after it arrived from the target, then sent no faster than
//! [`Link::bytes_per_second`], a rate **shared by all connections** (one link),
//! in [`SEGMENT`]-byte segments so a transfer ends within one segment's time of
//! the cap. Without a rate cap a piece is forwarded whole.
//!
//! It replaced a Python asyncio proxy that cost about half a millisecond of CPU
//! per connection: with the hundreds of connections of one off-chain run it,
//! not the link it modelled, set the delay.

use std::{
	net::SocketAddr,
	sync::{Arc, Mutex},
	time::Duration,
};

use tokio::{
	io::{AsyncReadExt, AsyncWriteExt},
	net::{
		tcp::{OwnedReadHalf, OwnedWriteHalf},
		TcpListener, TcpStream,
	},
	sync::mpsc,
	time::Instant,
};

/// Bytes paced at a time when a rate is set.
pub const SEGMENT: usize = 4096;

/// Most bytes read from the target at once (one piece of a response).
const PIECE: usize = 64 * 1024;

/// What the link does to responses.
#[derive(Clone, Copy, Debug, Default)]
pub struct Link {
	/// Added to every byte flowing back from the target.
	pub delay: Duration,
	/// Shared by all connections; `None` for no cap.
	pub bytes_per_second: Option<f64>,
}

/// How far the link's schedule may fall behind the clock before the unused
/// time is lost: tokio's timers fire on whole milliseconds, so a sender wakes up
/// to a millisecond after its slot, and without this credit every late wake-up
/// would leave the link idle (at 100 Mbit/s a 4 KiB slot is 0.33 ms, and the
/// link delivered 15% less than its rate).
pub const TIMER_CREDIT: Duration = Duration::from_millis(1);

/// When the shared link is next free to start a segment.
#[derive(Default)]
struct Pacer {
	next_free: Option<Instant>,
}

impl Pacer {
	/// Books `size` bytes on the link at `now`; returns when they may start.
	fn book(&mut self, size: usize, bytes_per_second: f64, now: Instant) -> Instant {
		let earliest = now.checked_sub(TIMER_CREDIT).unwrap_or(now);
		let start = self.next_free.map_or(now, |free| free.max(earliest));
		self.next_free = Some(start + Duration::from_secs_f64(size as f64 / bytes_per_second));
		start
	}
}

/// Accepts connections forever, each forwarded to `target` through `link`.
pub async fn serve(listener: TcpListener, target: SocketAddr, link: Link) -> anyhow::Result<()> {
	let pacer = Arc::new(Mutex::new(Pacer::default()));
	loop {
		let (client, _) = listener.accept().await?;
		let pacer = pacer.clone();
		tokio::spawn(async move {
			// A target that refuses the connection: the client sees it closed.
			let Ok(upstream) = TcpStream::connect(target).await else { return };
			let _ = forward(client, upstream, link, pacer).await;
		});
	}
}

async fn forward(
	client: TcpStream,
	upstream: TcpStream,
	link: Link,
	pacer: Arc<Mutex<Pacer>>,
) -> std::io::Result<()> {
	// Small segments leave at once (no Nagle), as on a real link.
	client.set_nodelay(true)?;
	upstream.set_nodelay(true)?;
	let (mut client_read, client_write) = client.into_split();
	let (upstream_read, mut upstream_write) = upstream.into_split();
	let requests = async move {
		tokio::io::copy(&mut client_read, &mut upstream_write).await?;
		upstream_write.shutdown().await
	};
	let responses = shape(upstream_read, client_write, link, pacer);
	let (a, b) = tokio::join!(requests, responses);
	a.and(b)
}

/// Copies the target's bytes to the client, each piece `link.delay` after it
/// arrived, paced by the shared link when it has a rate.
async fn shape(
	mut from: OwnedReadHalf,
	mut to: OwnedWriteHalf,
	link: Link,
	pacer: Arc<Mutex<Pacer>>,
) -> std::io::Result<()> {
	let (pieces, mut queue) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
	// Reading goes on while earlier pieces wait out their delay.
	let reader = tokio::spawn(async move {
		loop {
			// Each piece is read straight into its own allocation and passed on
			// without a copy, so only the bytes read touch memory. (A zeroed 64 KiB
			// buffer per connection, with hundreds of connections, made page faults
			// the proxy's top cost.)
			let mut piece = Vec::with_capacity(PIECE);
			let n = from.read_buf(&mut piece).await?;
			if n == 0 || pieces.send((Instant::now(), piece)).is_err() {
				return Ok::<_, std::io::Error>(());
			}
		}
	});
	while let Some((arrived, piece)) = queue.recv().await {
		tokio::time::sleep_until(arrived + link.delay).await;
		match link.bytes_per_second {
			None => to.write_all(&piece).await?,
			Some(rate) => {
				for segment in piece.chunks(SEGMENT) {
					let start = pacer.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).book(
						segment.len(),
						rate,
						Instant::now(),
					);
					tokio::time::sleep_until(start).await;
					to.write_all(segment).await?;
				}
			},
		}
	}
	reader.await.map_err(std::io::Error::other)??;
	to.shutdown().await
}

#[cfg(test)]
mod tests {
	use super::*;

	#[tokio::test]
	async fn a_late_sender_catches_up_within_the_credit_but_not_beyond() {
		let mut pacer = Pacer::default();
		let t0 = Instant::now();
		// 1,000 bytes at 1 MB/s: each segment holds the link for 1 ms.
		assert_eq!(pacer.book(1000, 1e6, t0), t0);
		assert_eq!(pacer.book(1000, 1e6, t0), t0 + Duration::from_millis(1));
		// Woken 0.7 ms after its slot (at 2.7 ms, the slot was 2 ms): it may start
		// at once, and the link's schedule keeps its rate (next slot at 3 ms).
		let late = t0 + Duration::from_micros(2700);
		assert_eq!(pacer.book(1000, 1e6, late), t0 + Duration::from_millis(2));
		assert_eq!(pacer.next_free, Some(t0 + Duration::from_millis(3)));
		// Idle for long: the credit is capped, the unused time is gone.
		let much_later = t0 + Duration::from_millis(100);
		assert_eq!(pacer.book(1000, 1e6, much_later), much_later - TIMER_CREDIT);
	}
}
