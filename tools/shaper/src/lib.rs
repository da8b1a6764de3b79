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

/// What the link does to responses.
#[derive(Clone, Copy, Debug, Default)]
pub struct Link {
	/// Added to every byte flowing back from the target.
	pub delay: Duration,
	/// Shared by all connections; `None` for no cap.
	pub bytes_per_second: Option<f64>,
}

/// When the shared link is next free to start a segment.
#[derive(Default)]
struct Pacer {
	next_free: Option<Instant>,
}

impl Pacer {
	/// Books `size` bytes on the link; returns when they may start.
	fn book(&mut self, size: usize, bytes_per_second: f64) -> Instant {
		let now = Instant::now();
		let start = self.next_free.map_or(now, |free| free.max(now));
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

async fn forward(client: TcpStream, upstream: TcpStream, link: Link, pacer: Arc<Mutex<Pacer>>) -> std::io::Result<()> {
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
async fn shape(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, link: Link, pacer: Arc<Mutex<Pacer>>) -> std::io::Result<()> {
	let (pieces, mut queue) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
	// Reading goes on while earlier pieces wait out their delay.
	let reader = tokio::spawn(async move {
		let mut buffer = vec![0u8; 64 * 1024];
		loop {
			let n = from.read(&mut buffer).await?;
			if n == 0 || pieces.send((Instant::now(), buffer[..n].to_vec())).is_err() {
				return Ok::<_, std::io::Error>(());
			}
		}
	});
	while let Some((arrived, piece)) = queue.recv().await {
		tokio::time::sleep_until(arrived + link.delay).await;
		match link.bytes_per_second {
			None => to.write_all(&piece).await?,
			Some(rate) =>
				for segment in piece.chunks(SEGMENT) {
					let start = pacer.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).book(segment.len(), rate);
					tokio::time::sleep_until(start).await;
					to.write_all(segment).await?;
				},
		}
	}
	reader.await.map_err(std::io::Error::other)??;
	to.shutdown().await
}
