# syntax=docker/dockerfile:1.7.1
#
# The hosting chain's node, `hosting-node`, as a container image.
#
# Build it from the repository root, which is the build context:
#   docker build -f deploy/docker/node.Dockerfile -t hosting-node \
#     --build-arg GIT_COMMIT=$(git rev-parse --short=11 HEAD) .
# (BuildKit is needed for the cache mounts: Docker's default builder since 23.0.)
#
# Run a development chain with its data in a volume:
#   docker run -p 127.0.0.1:9944:9944 -v hosting-node:/data hosting-node
# or a network's node, with the arguments replacing the default command:
#   docker run -p 30333:30333 -v hosting-node:/data -v $PWD/spec.json:/spec.json:ro \
#     hosting-node --chain /spec.json --base-path /data --name my-node
#
# Ports: 30333 peer-to-peer, 9944 JSON-RPC (HTTP and WebSocket), 9615 Prometheus
# metrics (served beyond the container only with --prometheus-external).

ARG RUST_IMAGE=rust:1.95.0-bookworm
ARG RUNTIME_IMAGE=debian:12.11-slim

# --- build: the release binary -------------------------------------------------
FROM ${RUST_IMAGE} AS builder
# protoc for the networking crates; the two wasm targets and rust-src for the
# runtime's wasm. The database is ParityDb only, so no clang/RocksDB toolchain.
RUN apt-get update \
	&& apt-get install -y --no-install-recommends protobuf-compiler \
	&& rm -rf /var/lib/apt/lists/* \
	&& rustup target add wasm32-unknown-unknown wasm32v1-none \
	&& rustup component add rust-src
# The commit the node reports in its version (`hosting-node --version`): the
# context has no .git (see .dockerignore), so it is passed in.
ARG GIT_COMMIT=00000000000
ENV SUBSTRATE_CLI_GIT_COMMIT_HASH=${GIT_COMMIT}
WORKDIR /build
COPY . .
# The registry and the target directory are cache mounts, kept between builds;
# the binary is copied out of the cache before the step ends.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
	--mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
	--mount=type=cache,target=/build/target,sharing=locked \
	cargo build --release --locked -p hosting-node \
	&& install -D -m 0755 target/release/hosting-node /out/hosting-node

# --- runtime: the binary, CA certificates, a user of its own --------------------
FROM ${RUNTIME_IMAGE}
# CA certificates for the off-chain workers' HTTPS requests to hosters.
RUN apt-get update \
	&& apt-get install -y --no-install-recommends ca-certificates \
	&& rm -rf /var/lib/apt/lists/* \
	&& groupadd --system --gid 10001 hosting \
	&& useradd --system --uid 10001 --gid hosting --home-dir /data --shell /usr/sbin/nologin hosting \
	&& install -d -o hosting -g hosting -m 0700 /data
COPY --from=builder /out/hosting-node /usr/local/bin/hosting-node
USER hosting
WORKDIR /data
# The database (ParityDb), keystore and node key.
VOLUME ["/data"]
EXPOSE 30333 9944 9615
# The RPC server's /health answers 200 while the node runs. bash's /dev/tcp
# asks it, as the image has no HTTP client; HOSTING_RPC_PORT names the port if
# --rpc-port moves it.
ENV HOSTING_RPC_PORT=9944
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
	CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${HOSTING_RPC_PORT:-9944} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/local/bin/hosting-node"]
# A development chain by default, RPC and metrics open to the container's
# network (publish 9944 on 127.0.0.1 only). Give a network's node its own
# arguments instead (see above).
CMD ["--dev", "--base-path", "/data", "--rpc-external", "--rpc-cors", "all", "--prometheus-external"]
