//! `shaper --listen PORT --target HOST:PORT [--delay-ms D] [--rate-mbit R]`
//!
//! Forwards `127.0.0.1:PORT` to the target. See [`shaper`] for what it does to
//! the bytes. Stops quietly on SIGTERM or SIGINT.

use std::{net::SocketAddr, time::Duration};

use anyhow::Context;
use clap::Parser;

/// A TCP proxy that delays and rate-limits responses, as a network link would.
#[derive(Parser)]
#[command(version)]
struct Cli {
	/// Port to listen on (127.0.0.1).
	#[arg(long)]
	listen: u16,
	/// Where to forward connections, `host:port`.
	#[arg(long)]
	target: String,
	/// Delay added to every byte flowing back from the target, in milliseconds.
	#[arg(long, default_value_t = 0.0, value_parser = non_negative)]
	delay_ms: f64,
	/// Rate of the link all responses share, in Mbit/s; 0 for no cap.
	#[arg(long, default_value_t = 0.0, value_parser = non_negative)]
	rate_mbit: f64,
}

fn non_negative(s: &str) -> Result<f64, String> {
	match s.parse::<f64>() {
		Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
		_ => Err(format!("`{s}` is not a non-negative number")),
	}
}

/// Connections queued before they are accepted. Hundreds arrive at once (one
/// per chunk of an off-chain run); past tokio's default of 128 the kernel drops
/// them and the client retries a second later.
const LISTEN_BACKLOG: u32 = 4096;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
	let cli = Cli::parse();
	let target = tokio::net::lookup_host(&cli.target)
		.await
		.with_context(|| format!("target `{}`", cli.target))?
		.next()
		.with_context(|| format!("target `{}` has no address", cli.target))?;
	let link = shaper::Link {
		delay: Duration::from_secs_f64(cli.delay_ms / 1000.0),
		bytes_per_second: (cli.rate_mbit > 0.0).then(|| cli.rate_mbit * 1_000_000.0 / 8.0),
	};
	let listen = SocketAddr::from(([127, 0, 0, 1], cli.listen));
	let socket = tokio::net::TcpSocket::new_v4()?;
	socket.set_reuseaddr(true)?;
	socket.bind(listen).with_context(|| format!("listen on {listen}"))?;
	let listener = socket.listen(LISTEN_BACKLOG).with_context(|| format!("listen on {listen}"))?;
	tokio::select! {
		result = shaper::serve(listener, target, link) => result,
		_ = stop_signal() => Ok(()),
	}
}

async fn stop_signal() {
	use tokio::signal::unix::{signal, SignalKind};
	let (Ok(mut term), Ok(mut int)) =
		(signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
	else {
		return std::future::pending().await;
	};
	tokio::select! {
		_ = term.recv() => {},
		_ = int.recv() => {},
	}
}
