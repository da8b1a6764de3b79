//! The shaper forwards bytes intact, holds responses for the delay and keeps
//! all responses together under the rate. Times are asserted as lower bounds
//! only (what the link guarantees), never as speed targets.

use std::{net::SocketAddr, process::Command, time::Duration};

use shaper::{serve, Link};
use tokio::{
	io::{AsyncReadExt, AsyncWriteExt},
	net::{TcpListener, TcpStream},
	time::Instant,
};

/// A target that answers each connection's 4-byte request `n` (u32 LE) with
/// `n` bytes of the pattern `i % 251`, then closes.
async fn target() -> SocketAddr {
	let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
	let addr = listener.local_addr().unwrap();
	tokio::spawn(async move {
		loop {
			let (mut conn, _) = listener.accept().await.unwrap();
			tokio::spawn(async move {
				let mut request = [0u8; 4];
				conn.read_exact(&mut request).await.unwrap();
				let body: Vec<u8> =
					(0..u32::from_le_bytes(request) as usize).map(|i| (i % 251) as u8).collect();
				conn.write_all(&body).await.unwrap();
				conn.shutdown().await.unwrap();
			});
		}
	});
	addr
}

async fn shaper(link: Link) -> SocketAddr {
	let target = target().await;
	let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
	let addr = listener.local_addr().unwrap();
	tokio::spawn(serve(listener, target, link));
	addr
}

/// Asks for `n` bytes; returns them with the time to the first byte and to the end.
async fn fetch(proxy: SocketAddr, n: u32) -> (Vec<u8>, Duration, Duration) {
	let mut conn = TcpStream::connect(proxy).await.unwrap();
	let sent = Instant::now();
	conn.write_all(&n.to_le_bytes()).await.unwrap();
	let mut first = [0u8; 1];
	conn.read_exact(&mut first).await.unwrap();
	let first_byte = sent.elapsed();
	let mut body = first.to_vec();
	conn.read_to_end(&mut body).await.unwrap();
	(body, first_byte, sent.elapsed())
}

fn pattern(n: usize) -> Vec<u8> {
	(0..n).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn without_shaping_bytes_pass_intact() {
	let proxy = shaper(Link::default()).await;
	let (body, _, _) = fetch(proxy, 3_000_000).await;
	assert_eq!(body, pattern(3_000_000));
}

#[tokio::test]
async fn responses_are_held_for_the_delay() {
	let proxy = shaper(Link { delay: Duration::from_millis(120), bytes_per_second: None }).await;
	let (body, first_byte, _) = fetch(proxy, 100_000).await;
	assert_eq!(body, pattern(100_000));
	assert!(first_byte >= Duration::from_millis(120), "first byte after {first_byte:?}");
}

#[tokio::test]
async fn concurrent_responses_share_the_rate() {
	// 1 Mbyte/s for two responses of 300 kB: together they need 0.6 s.
	let proxy = shaper(Link { delay: Duration::ZERO, bytes_per_second: Some(1_000_000.0) }).await;
	let started = Instant::now();
	let (a, b) = tokio::join!(fetch(proxy, 300_000), fetch(proxy, 300_000));
	assert_eq!(a.0, pattern(300_000));
	assert_eq!(b.0, pattern(300_000));
	let slot = Duration::from_secs_f64(shaper::SEGMENT as f64 / 1_000_000.0);
	assert!(
		started.elapsed() + slot >= Duration::from_millis(600),
		"both done after {:?}",
		started.elapsed()
	);
	// Neither had the link to itself: each took more than its own 0.3 s.
	assert!(a.2.max(b.2) + slot >= Duration::from_millis(600));
}

#[test]
fn bad_arguments_are_refused_with_a_reason() {
	let run =
		|args: &[&str]| Command::new(env!("CARGO_BIN_EXE_shaper")).args(args).output().unwrap();
	for (args, reason) in [
		(
			&["--listen", "0", "--target", "127.0.0.1:1", "--delay-ms=-5"][..],
			"not a non-negative number",
		),
		(
			&["--listen", "0", "--target", "127.0.0.1:1", "--rate-mbit", "fast"][..],
			"not a non-negative number",
		),
		(&["--listen", "0", "--target", "no-port-here"][..], "target `no-port-here`"),
		(&["--target", "127.0.0.1:1"][..], "--listen"),
	] {
		let out = run(args);
		assert!(!out.status.success(), "{args:?} was accepted");
		let stderr = String::from_utf8_lossy(&out.stderr);
		assert!(stderr.contains(reason), "{args:?}: {stderr}");
	}
}
