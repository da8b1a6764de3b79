//! `hoster dashboard`: the web dashboard's static files, on loopback.
//!
//! | route | answer |
//! | --- | --- |
//! | `GET /` | `index.html` of the dashboard's directory |
//! | `GET /config.json` | `{"rpc": URL}`: the node RPC endpoint the page connects to |
//! | `GET /NAME`, `GET /DIR/NAME` | that file of the directory, with its `Content-Type` |
//!
//! `HEAD` answers as `GET` without the body; other methods get 405. Only plain
//! names are served ([`file_path`]: letters, digits, `.`, `_` and `-`, no
//! segment starting with a dot, no `%`-encoding, no `..`), and only files whose
//! real path (symbolic links followed) is inside the directory; anything else
//! is 404. Every answer says `Cache-Control: no-cache`, `X-Content-Type-Options:
//! nosniff` and a Content-Security-Policy that allows the page's own files and
//! a connection to the node's RPC endpoint, nothing else ([`Site::csp`]).
//! Requests are logged as `hoster serve` logs them (target `hoster::access`).
//!
//! The files are the bundle `scripts/setup.sh` builds with esbuild into
//! `dashboard/dist` (`index.html`, `app.js`, `app.css`, ...); the page talks to
//! the node itself, from the browser.

use std::{
	future::Future,
	net::SocketAddr,
	path::{Path, PathBuf},
	sync::Arc,
};

use axum::{
	body::Body,
	extract::{Request, State},
	http::{header, HeaderValue, Method, StatusCode},
	middleware,
	response::Response,
	Router,
};

/// The dashboard's bundle in the source tree: `dashboard/dist`.
pub fn default_dir() -> PathBuf {
	PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../dashboard/dist"))
}

/// Why the dashboard cannot start.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
	/// No directory, or no `index.html` in it.
	#[error(
		"the dashboard is not built: {} has no index.html; run scripts/setup.sh, which builds \
		 dashboard/dist with esbuild (or name the built bundle with --dir)",
		.0.display()
	)]
	NotBuilt(PathBuf),
	/// A node URL the page could not use, or that would not fit the policy.
	#[error("--url {0:?} is not a node RPC endpoint: expected ws://HOST:PORT or wss://HOST:PORT")]
	BadUrl(String),
}

/// The relative path of the file a request path names, if it names one the
/// dashboard may serve: `/` is `index.html`; otherwise 1 to 8 segments of
/// letters, digits, `.`, `_` and `-`, none empty or starting with a dot. So
/// `..`, hidden files, absolute paths, backslashes and `%`-encoded names are
/// refused before anything touches the disk.
pub fn file_path(request_path: &str) -> Option<PathBuf> {
	let rest = request_path.strip_prefix('/')?;
	if rest.is_empty() {
		return Some(PathBuf::from("index.html"));
	}
	if rest.len() > 256 {
		return None;
	}
	let segments: Vec<&str> = rest.split('/').collect();
	let plain = |s: &&str| {
		!s.is_empty()
			&& !s.starts_with('.')
			&& s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
	};
	(segments.len() <= 8 && segments.iter().all(plain)).then(|| segments.iter().collect())
}

/// The `Content-Type` of a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
	match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
		"html" => "text/html; charset=utf-8",
		"js" | "mjs" => "text/javascript; charset=utf-8",
		"css" => "text/css; charset=utf-8",
		"json" | "map" => "application/json",
		"svg" => "image/svg+xml",
		"png" => "image/png",
		"ico" => "image/x-icon",
		"woff2" => "font/woff2",
		"wasm" => "application/wasm",
		"txt" => "text/plain; charset=utf-8",
		_ => "application/octet-stream",
	}
}

/// Whether a URL can be the page's node: `ws://` or `wss://`, a host, and
/// nothing that could end a Content-Security-Policy source.
fn plain_ws_url(url: &str) -> bool {
	let rest = url.strip_prefix("ws://").or_else(|| url.strip_prefix("wss://"));
	rest.is_some_and(|rest| {
		!rest.is_empty()
			&& !rest.starts_with('/')
			&& url
				.bytes()
				.all(|b| b.is_ascii_graphic() && !matches!(b, b';' | b',' | b'\'' | b'"'))
	})
}

/// What the dashboard serves: its directory and the node it points the page to.
#[derive(Debug, Clone)]
pub struct Site {
	/// The directory, its real path.
	dir: PathBuf,
	/// The node's RPC endpoint.
	rpc: String,
}

impl Site {
	/// Checks the directory (it must hold `index.html`) and the node URL.
	pub fn open(dir: &Path, rpc: &str) -> Result<Self, DashboardError> {
		if !plain_ws_url(rpc) {
			return Err(DashboardError::BadUrl(rpc.to_owned()));
		}
		let not_built = || DashboardError::NotBuilt(dir.to_path_buf());
		let real = dir.canonicalize().map_err(|_| not_built())?;
		if !real.join("index.html").is_file() {
			return Err(not_built());
		}
		Ok(Site { dir: real, rpc: rpc.to_owned() })
	}

	/// The Content-Security-Policy of every answer: the page's own scripts,
	/// styles and images, a connection to the node and nothing else.
	/// `'wasm-unsafe-eval'` lets `@polkadot/util-crypto` compile its
	/// WebAssembly (it allows no JavaScript `eval`).
	pub fn csp(&self) -> String {
		format!(
			"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
			 img-src 'self' data:; connect-src 'self' {}; object-src 'none'; base-uri 'none'; \
			 frame-ancestors 'none'; form-action 'none'",
			self.rpc
		)
	}

	/// The routes, with the access log. Serve with
	/// `into_make_service_with_connect_info::<SocketAddr>()` for the peer's
	/// address in the log ([`serve`]).
	pub fn router(self) -> Router {
		Router::new()
			.fallback(answer)
			.layer(middleware::from_fn(crate::server::access_log))
			.with_state(Arc::new(self))
	}

	/// The real path of the file a request path names, if it is a regular
	/// file inside the directory.
	async fn file(&self, request_path: &str) -> Option<PathBuf> {
		let real = tokio::fs::canonicalize(self.dir.join(file_path(request_path)?)).await.ok()?;
		let meta = tokio::fs::metadata(&real).await.ok()?;
		(real.starts_with(&self.dir) && meta.is_file()).then_some(real)
	}
}

/// A response with the headers every answer has.
fn respond(site: &Site, status: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
	let length = body.len();
	let mut response = Response::new(Body::from(body));
	*response.status_mut() = status;
	let headers = response.headers_mut();
	let mut set = |name, value: &str| {
		if let Ok(value) = HeaderValue::from_str(value) {
			headers.insert(name, value);
		}
	};
	set(header::CONTENT_TYPE, content_type);
	set(header::CONTENT_LENGTH, &length.to_string());
	set(header::CACHE_CONTROL, "no-cache");
	set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
	set(header::CONTENT_SECURITY_POLICY, &site.csp());
	response
}

/// Every request: the method, then `/config.json`, then a file, else 404.
async fn answer(State(site): State<Arc<Site>>, request: Request) -> Response {
	let method = request.method().clone();
	if method != Method::GET && method != Method::HEAD {
		let mut response = respond(
			&site,
			StatusCode::METHOD_NOT_ALLOWED,
			"text/plain; charset=utf-8",
			b"method not allowed: GET or HEAD\n".to_vec(),
		);
		response
			.headers_mut()
			.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
		return response;
	}
	let path = request.uri().path();
	let mut response = if path == "/config.json" {
		let config = serde_json::json!({ "rpc": site.rpc });
		respond(&site, StatusCode::OK, "application/json", config.to_string().into_bytes())
	} else {
		let read = match site.file(path).await {
			Some(file) => tokio::fs::read(&file).await.ok().map(|bytes| (file, bytes)),
			None => None,
		};
		match read {
			Some((file, bytes)) => respond(&site, StatusCode::OK, content_type(&file), bytes),
			None => respond(
				&site,
				StatusCode::NOT_FOUND,
				"text/plain; charset=utf-8",
				b"not found\n".to_vec(),
			),
		}
	};
	if method == Method::HEAD {
		// The headers of GET, its Content-Length included, without the body.
		*response.body_mut() = Body::empty();
	}
	response
}

/// Serves the dashboard on `listener` until `shutdown` completes.
pub async fn serve(
	site: Site,
	listener: tokio::net::TcpListener,
	shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
	axum::serve(listener, site.router().into_make_service_with_connect_info::<SocketAddr>())
		.with_graceful_shutdown(shutdown)
		.await
}

#[cfg(test)]
mod tests {
	use super::*;
	use tokio::io::{AsyncReadExt, AsyncWriteExt};

	#[test]
	fn only_plain_names_inside_the_directory_are_files() {
		let ok = |p: &str, f: &str| assert_eq!(file_path(p), Some(PathBuf::from(f)), "{p}");
		ok("/", "index.html");
		ok("/index.html", "index.html");
		ok("/app.js", "app.js");
		ok("/app.js.map", "app.js.map");
		ok("/assets/logo-2_x.svg", "assets/logo-2_x.svg");
		for bad in [
			"",
			"index.html",
			"/..",
			"/../etc/passwd",
			"/assets/../../x",
			"/./app.js",
			"/.env",
			"/assets/.hidden",
			"//etc/passwd",
			"/assets//x",
			"/assets/",
			"/%2e%2e/x",
			"/%2e%2e%2fx",
			"/app%2ejs",
			"/a\\..\\b",
			"/a b",
			"/a:b",
			"/ünïcode",
			"/a/b/c/d/e/f/g/h/i",
		] {
			assert_eq!(file_path(bad), None, "{bad}");
		}
		assert_eq!(file_path(&format!("/{}", "a".repeat(257))), None);
	}

	#[test]
	fn content_types_follow_the_extension() {
		for (name, expected) in [
			("index.html", "text/html; charset=utf-8"),
			("app.js", "text/javascript; charset=utf-8"),
			("app.css", "text/css; charset=utf-8"),
			("app.js.map", "application/json"),
			("logo.png", "image/png"),
			("logo.svg", "image/svg+xml"),
			("LICENSE", "application/octet-stream"),
		] {
			assert_eq!(content_type(Path::new(name)), expected, "{name}");
		}
	}

	#[test]
	fn a_missing_bundle_or_a_bad_url_is_a_clear_error() {
		let dir = tempfile::tempdir().unwrap();
		let err = Site::open(&dir.path().join("nope"), "ws://127.0.0.1:9944").unwrap_err();
		assert!(err.to_string().starts_with("the dashboard is not built:"), "{err}");
		assert!(err.to_string().contains("run scripts/setup.sh"), "{err}");
		// A directory without index.html is not built either.
		let err = Site::open(dir.path(), "ws://127.0.0.1:9944").unwrap_err();
		assert!(matches!(err, DashboardError::NotBuilt(_)), "{err}");
		std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
		assert!(Site::open(dir.path(), "ws://127.0.0.1:9944").is_ok());
		assert!(Site::open(dir.path(), "wss://rpc.example.org").is_ok());
		for bad in [
			"http://127.0.0.1:9944",
			"ws://",
			"ws:///x",
			"127.0.0.1:9944",
			"ws://a; script-src *",
			"ws://a'",
			"ws://a b",
		] {
			let err = Site::open(dir.path(), bad).unwrap_err();
			assert!(matches!(err, DashboardError::BadUrl(_)), "{bad}: {err}");
		}
	}

	/// One raw HTTP/1.1 request (the path as written, not normalized by a
	/// client): the status, the headers (lower-case names) and the body.
	async fn ask(
		addr: SocketAddr,
		method: &str,
		path: &str,
	) -> (u16, Vec<(String, String)>, String) {
		let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
		let request = format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
		stream.write_all(request.as_bytes()).await.unwrap();
		let mut raw = Vec::new();
		stream.read_to_end(&mut raw).await.unwrap();
		let raw = String::from_utf8_lossy(&raw).into_owned();
		let (head, body) = raw.split_once("\r\n\r\n").unwrap();
		let mut lines = head.lines();
		let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
		let headers = lines
			.filter_map(|l| l.split_once(": "))
			.map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned()))
			.collect();
		(status, headers, body.to_owned())
	}

	fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
		headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
	}

	#[tokio::test]
	async fn serves_the_bundle_and_the_config_and_nothing_else() {
		let root = tempfile::tempdir().unwrap();
		let dist = root.path().join("dist");
		std::fs::create_dir_all(dist.join("assets")).unwrap();
		std::fs::write(dist.join("index.html"), "<!doctype html><title>d</title>").unwrap();
		std::fs::write(dist.join("app.js"), "console.log(1)").unwrap();
		std::fs::write(dist.join("assets/logo.svg"), "<svg/>").unwrap();
		std::fs::write(dist.join(".env"), "SECRET=1").unwrap();
		std::fs::write(root.path().join("secret.txt"), "outside").unwrap();
		std::os::unix::fs::symlink(root.path().join("secret.txt"), dist.join("escape.txt"))
			.unwrap();
		std::os::unix::fs::symlink(dist.join("app.js"), dist.join("alias.js")).unwrap();
		let site = Site::open(&dist, "ws://127.0.0.1:9944").unwrap();
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
		let addr = listener.local_addr().unwrap();
		let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
		let server = tokio::spawn(serve(site, listener, async move {
			let _ = stopped.await;
		}));

		let (status, headers, body) = ask(addr, "GET", "/").await;
		assert_eq!((status, body.as_str()), (200, "<!doctype html><title>d</title>"));
		assert_eq!(header(&headers, "content-type"), Some("text/html; charset=utf-8"));
		assert_eq!(header(&headers, "cache-control"), Some("no-cache"));
		assert_eq!(header(&headers, "x-content-type-options"), Some("nosniff"));
		let csp = header(&headers, "content-security-policy").unwrap();
		assert!(csp.starts_with("default-src 'self';"), "{csp}");
		assert!(csp.contains("connect-src 'self' ws://127.0.0.1:9944;"), "{csp}");

		let (status, headers, body) = ask(addr, "GET", "/app.js").await;
		assert_eq!((status, body.as_str()), (200, "console.log(1)"));
		assert_eq!(header(&headers, "content-type"), Some("text/javascript; charset=utf-8"));
		let (status, headers, _) = ask(addr, "GET", "/assets/logo.svg").await;
		assert_eq!((status, header(&headers, "content-type")), (200, Some("image/svg+xml")));
		// A link that stays inside the directory is served.
		assert_eq!(ask(addr, "GET", "/alias.js").await.0, 200);

		let (status, headers, body) = ask(addr, "GET", "/config.json").await;
		assert_eq!(status, 200);
		assert_eq!(header(&headers, "content-type"), Some("application/json"));
		let config: serde_json::Value = serde_json::from_str(&body).unwrap();
		assert_eq!(config, serde_json::json!({ "rpc": "ws://127.0.0.1:9944" }));

		for path in [
			"/missing.js",
			"/../secret.txt",
			"/assets/../../secret.txt",
			"/%2e%2e/secret.txt",
			"/..%2fsecret.txt",
			"/.env",
			"/escape.txt",
			"/assets",
			"/assets/",
			"//etc/passwd",
			"/index.html?x=../../secret.txt",
		] {
			let (status, headers, body) = ask(addr, "GET", path).await;
			// The query is no part of the file's name: `index.html` is served.
			if path.starts_with("/index.html?") {
				assert_eq!(status, 200, "{path}");
				continue;
			}
			assert_eq!(status, 404, "{path}");
			assert!(!body.contains("outside") && !body.contains("SECRET"), "{path}: {body}");
			assert_eq!(header(&headers, "x-content-type-options"), Some("nosniff"), "{path}");
		}

		// HEAD: the headers of GET, no body.
		let (status, headers, body) = ask(addr, "HEAD", "/app.js").await;
		assert_eq!((status, body.as_str()), (200, ""));
		assert_eq!(header(&headers, "content-length"), Some("14"));
		assert_eq!(ask(addr, "HEAD", "/missing").await.0, 404);
		// Other methods: 405, saying which are allowed.
		for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
			let (status, headers, _) = ask(addr, method, "/").await;
			assert_eq!(status, 405, "{method}");
			assert_eq!(header(&headers, "allow"), Some("GET, HEAD"), "{method}");
		}

		stop.send(()).unwrap();
		server.await.unwrap().unwrap();
	}
}
