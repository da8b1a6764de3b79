//! What a hoster's endpoint may be: an origin, `http://host[:port]` or
//! `https://host[:port]`, and nothing else: no userinfo, path, query or
//! fragment (the attestor appends the API's paths itself, so anything after
//! the origin could only change what it asks for). The host is a DNS name or
//! an IP literal (`[…]` for IPv6).
//!
//! Attestor nodes fetch from every endpoint, so an endpoint must not make them
//! reach what only they can reach. Unless the chain allows local endpoints
//! (the loopback development and local-testnet chains do, in their genesis),
//! these are refused:
//! - IP literals that are not globally routable: unspecified, loopback,
//!   private, shared (CGNAT), link-local, benchmarking, multicast, reserved
//!   and broadcast IPv4 ranges; unspecified, loopback, unique-local,
//!   link-local, site-local, multicast and documentation IPv6 ranges, and
//!   IPv6 forms that embed a refused IPv4 address (mapped, compatible, NAT64);
//! - names that resolve on the local network by convention: single-label
//!   names (`intranet`, resolved through search domains), `localhost`, and
//!   names under `localhost`, `local`, `internal`, `lan`, `localdomain`,
//!   `home.arpa`;
//! - hosts an HTTP client may read as an IPv4 address although they are not
//!   dotted quads (`127.1`, `2130706433`, `0x7f.1`): a name's last label must
//!   start with a letter.
//!
//! A DNS name that resolves to a private address is not caught here (the
//! chain cannot resolve names): operators run attestor nodes where private
//! services are not reachable without authentication, as for any crawler.

use core::{
	net::{Ipv4Addr, Ipv6Addr},
	str::FromStr,
};

/// Why an endpoint is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EndpointError {
	/// Not an `http://` or `https://` origin with a host and at most a port
	/// (a userinfo, path, query, fragment, a bad port or host, or bytes that
	/// are not printable ASCII).
	Malformed,
	/// The host is a loopback, private, link-local, unspecified or otherwise
	/// local address or name, and the chain does not allow local endpoints.
	Local,
}

/// Checks `url` against the rules of the module docs; local hosts pass only
/// when `allow_local`.
pub fn check_endpoint(url: &[u8], allow_local: bool) -> Result<(), EndpointError> {
	let url = core::str::from_utf8(url).map_err(|_| EndpointError::Malformed)?;
	if !url.bytes().all(|c| (0x21..=0x7e).contains(&c)) {
		return Err(EndpointError::Malformed);
	}
	let authority = url
		.strip_prefix("http://")
		.or_else(|| url.strip_prefix("https://"))
		.ok_or(EndpointError::Malformed)?;
	if authority.is_empty() || authority.contains(['/', '?', '#', '@', '\\', '%']) {
		return Err(EndpointError::Malformed);
	}
	let (host, port) = split_port(authority)?;
	if let Some(port) = port {
		check_port(port)?;
	}
	let local = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
		Some(v6) => is_local_v6(&Ipv6Addr::from_str(v6).map_err(|_| EndpointError::Malformed)?),
		None => match Ipv4Addr::from_str(host) {
			Ok(v4) => is_local_v4(&v4),
			Err(_) => is_local_name(host)?,
		},
	};
	if local && !allow_local {
		return Err(EndpointError::Local);
	}
	Ok(())
}

/// `host[:port]` into its host and port; an IPv6 literal keeps its brackets.
fn split_port(authority: &str) -> Result<(&str, Option<&str>), EndpointError> {
	if authority.starts_with('[') {
		let end = authority.find(']').ok_or(EndpointError::Malformed)?;
		let (host, rest) = authority.split_at(end + 1);
		return match rest {
			"" => Ok((host, None)),
			_ => rest.strip_prefix(':').map(|p| (host, Some(p))).ok_or(EndpointError::Malformed),
		};
	}
	Ok(match authority.split_once(':') {
		Some((host, port)) => (host, Some(port)),
		None => (authority, None),
	})
}

/// A port: 1 to 65535, decimal digits only.
fn check_port(port: &str) -> Result<(), EndpointError> {
	let digits = !port.is_empty() && port.len() <= 5 && port.bytes().all(|c| c.is_ascii_digit());
	match port.parse::<u16>() {
		Ok(p) if digits && p > 0 => Ok(()),
		_ => Err(EndpointError::Malformed),
	}
}

/// Whether a DNS name is well-formed (labels of letters, digits and inner
/// hyphens, 1 to 63 bytes, at most 253 in all, the last starting with a
/// letter) and whether it is local by convention. A malformed name is an error.
fn is_local_name(host: &str) -> Result<bool, EndpointError> {
	let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
	if name.is_empty() || name.len() > 253 {
		return Err(EndpointError::Malformed);
	}
	let labels: alloc::vec::Vec<&str> = name.split('.').collect();
	for label in &labels {
		let ok = (1..=63).contains(&label.len())
			&& label.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
			&& !label.starts_with('-')
			&& !label.ends_with('-');
		if !ok {
			return Err(EndpointError::Malformed);
		}
	}
	let last = labels.last().copied().unwrap_or_default();
	if !last.starts_with(|c: char| c.is_ascii_alphabetic()) {
		return Err(EndpointError::Malformed);
	}
	const LOCAL_SUFFIXES: [&str; 6] =
		["localhost", "local", "internal", "lan", "localdomain", "home.arpa"];
	let under = |suffix: &str| {
		name == suffix || name.strip_suffix(suffix).is_some_and(|head| head.ends_with('.'))
	};
	Ok(labels.len() == 1 || LOCAL_SUFFIXES.iter().any(|s| under(s)))
}

/// Whether an IPv4 address is not globally routable.
fn is_local_v4(ip: &Ipv4Addr) -> bool {
	let [a, b, c, _] = ip.octets();
	a == 0 // "this network", unspecified
		|| a == 10 // private
		|| (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
		|| a == 127 // loopback
		|| (a == 169 && b == 254) // link-local
		|| (a == 172 && (16..32).contains(&b)) // private
		|| (a == 192 && b == 0 && c == 0) // IETF protocol assignments
		|| (a == 192 && b == 168) // private
		|| (a == 198 && (18..20).contains(&b)) // benchmarking
		|| a >= 224 // multicast, reserved, broadcast
}

/// Whether an IPv6 address is not globally routable, or embeds an IPv4
/// address that is not.
fn is_local_v6(ip: &Ipv6Addr) -> bool {
	let s = ip.segments();
	let embedded = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
	ip.is_unspecified()
		|| ip.is_loopback()
		|| (s[0] & 0xfe00) == 0xfc00 // unique local
		|| (s[0] & 0xffc0) == 0xfe80 // link-local
		|| (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
		|| (s[0] & 0xff00) == 0xff00 // multicast
		|| (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
		// IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d)
		|| (s[..5] == [0; 5] && (s[5] == 0xffff || s[5] == 0) && is_local_v4(&embedded()))
		// NAT64 (64:ff9b::a.b.c.d)
		|| (s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] && is_local_v4(&embedded()))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn check(url: &str, allow_local: bool) -> Result<(), EndpointError> {
		check_endpoint(url.as_bytes(), allow_local)
	}

	#[test]
	fn origins_with_a_public_host_pass() {
		for url in [
			"http://hoster.example",
			"https://hoster.example:8443",
			"https://a-b.c0.example.org.",
			"http://93.184.215.14:8080",
			"http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:80",
			"https://[2a00:1450:4001:82b::200e]",
			"http://xn--bcher-kva.example",
		] {
			assert_eq!(check(url, false), Ok(()), "{url}");
		}
	}

	#[test]
	fn anything_but_an_origin_is_malformed() {
		for url in [
			"",
			"hoster.example",
			"ftp://hoster.example",
			"HTTP://hoster.example",
			"http://",
			"http://hoster.example/",
			"http://hoster.example/api",
			"http://127.0.0.1:9615/metrics?x=",
			"http://hoster.example?x=1",
			"http://hoster.example#top",
			"http://user:pass@hoster.example",
			"http://evil.example@127.0.0.1",
			"http://hoster.example:",
			"http://hoster.example:0",
			"http://hoster.example:65536",
			"http://hoster.example:+80",
			"http://hoster.example:80:80",
			"http://hoster .example",
			"http://hoster.example\\@x",
			"http://-hoster.example",
			"http://hoster-.example",
			"http://hoster..example",
			"http://hoster_x.example",
			"http://[::1",
			"http://[::1]x",
			"http://[fe80::1%25eth0]",
			"http://[not-an-ip]",
			// Hosts an HTTP client could read as IPv4 in another notation.
			"http://127.1",
			"http://2130706433",
			"http://0x7f.1",
			"http://0177.0.0.1",
			"http://1.2.3.4.5",
			"http://h\u{e9}ster.example",
		] {
			assert_eq!(check(url, true), Err(EndpointError::Malformed), "{url:?}");
			assert_eq!(check(url, false), Err(EndpointError::Malformed), "{url:?}");
		}
	}

	#[test]
	fn local_hosts_pass_only_where_the_chain_allows_them() {
		for url in [
			"http://127.0.0.1:8900",
			"http://127.255.0.9",
			"http://0.0.0.0:80",
			"http://10.1.2.3",
			"http://100.64.0.1",
			"http://169.254.169.254",
			"http://172.16.0.1",
			"http://172.31.255.255",
			"http://192.168.1.1",
			"http://198.18.0.1",
			"http://224.0.0.1",
			"http://255.255.255.255",
			"http://[::1]:8900",
			"http://[::]",
			"http://[fd00::1]",
			"http://[fe80::1]",
			"http://[fec0::1]",
			"http://[ff02::1]",
			"http://[2001:db8::1]",
			"http://[::ffff:127.0.0.1]",
			"http://[::ffff:10.0.0.1]",
			"http://[::127.0.0.1]",
			"http://[64:ff9b::192.168.0.1]",
			"http://localhost:8900",
			"http://LOCALHOST",
			"http://api.localhost",
			"http://printer.local",
			"http://metadata.google.internal",
			"http://nas.lan",
			"http://box.localdomain",
			"http://router.home.arpa",
			"http://intranet",
		] {
			assert_eq!(check(url, false), Err(EndpointError::Local), "{url}");
			assert_eq!(check(url, true), Ok(()), "{url}");
		}
		// Near misses are public.
		for url in [
			"http://172.32.0.1",
			"http://100.128.0.1",
			"http://11.0.0.1",
			"http://[::ffff:93.184.215.14]",
			"http://notlocalhost.example",
			"http://local.example",
		] {
			assert_eq!(check(url, false), Ok(()), "{url}");
		}
	}
}
