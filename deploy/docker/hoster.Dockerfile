# syntax=docker/dockerfile:1.7.1
#
# The hoster daemon, `hoster`, as a container image, with Node.js and its
# Hypercore peer (hoster/swarm) so that `hoster serve --swarm` works.
#
# Build it from the repository root, which is the build context:
#   docker build -f deploy/docker/hoster.Dockerfile -t hoster .
# (BuildKit is needed for the cache mounts: Docker's default builder since 23.0.)
#
# Run it with its feeds in a volume:
#   docker run -p 8900:8900 -v hoster:/data hoster                      # HTTP only
#   docker run -p 8900:8900 -v hoster:/data -e HOSTER_SWARM=true hoster  # and the Hypercore swarm
# and the other commands alike, e.g.
#   docker run --rm -v hoster:/data -v $PWD/dataset:/in:ro hoster feed create /in
#   docker run -p 127.0.0.1:8800:8800 -e HOSTER_DASHBOARD_LISTEN=0.0.0.0:8800 \
#       -e HOSTER_URL=ws://node:9944 hoster dashboard          # the web dashboard
#
# Ports: 8900 the public HTTP API; 9616 Prometheus metrics, for the container
# network's scraper only: never publish it.

ARG RUST_IMAGE=rust:1.95.0-bookworm
ARG NODE_IMAGE=node:20.20.2-bookworm-slim
ARG RUNTIME_IMAGE=debian:12.11-slim

# --- build: the release binary -------------------------------------------------
# The hoster builds no runtime wasm and no networking stack of the node, so it
# needs neither protoc nor the wasm targets.
FROM ${RUST_IMAGE} AS builder
WORKDIR /build
COPY . .
# The registry and the target directory are cache mounts, kept between builds;
# the binary is copied out of the cache before the step ends.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
	--mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
	--mount=type=cache,target=/build/target,sharing=locked \
	cargo build --release --locked -p hoster \
	&& install -D -m 0755 target/release/hoster /out/hoster

# --- the Hypercore peer: peer.js and its npm packages, as locked -----------------
FROM ${NODE_IMAGE} AS swarm
WORKDIR /opt/hoster/swarm
COPY hoster/swarm/package.json hoster/swarm/package-lock.json ./
# The native packages (sodium-native, udx-native, rocksdb-native) ship prebuilt
# binaries for glibc, so nothing is compiled.
RUN --mount=type=cache,target=/root/.npm \
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY hoster/swarm/peer.js ./
COPY hoster/swarm/lib ./lib

# --- the dashboard: its static bundle, built with esbuild as locked --------------
FROM ${NODE_IMAGE} AS dashboard
WORKDIR /build/dashboard
COPY dashboard/package.json dashboard/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
	npm ci --no-audit --no-fund --loglevel=error
COPY dashboard/build.mjs dashboard/index.html dashboard/app.css ./
COPY dashboard/src ./src
RUN node build.mjs

# --- runtime: the binary, Node.js and the peer, a user of its own ---------------
FROM ${RUNTIME_IMAGE}
# CA certificates for `feed import --from https://...` and wss:// nodes;
# libstdc++ for Node.js.
RUN apt-get update \
	&& apt-get install -y --no-install-recommends ca-certificates libstdc++6 \
	&& rm -rf /var/lib/apt/lists/* \
	&& groupadd --system --gid 10002 hoster \
	&& useradd --system --uid 10002 --gid hoster --home-dir /data --shell /usr/sbin/nologin hoster \
	&& install -d -o hoster -g hoster -m 0700 /data
COPY --from=swarm /usr/local/bin/node /usr/local/bin/node
COPY --from=swarm /opt/hoster/swarm /opt/hoster/swarm
COPY --from=dashboard /build/dashboard/dist /opt/hoster/dashboard
COPY --from=builder /out/hoster /usr/local/bin/hoster
# Every flag has its variable (`hoster serve --help`); these are the image's
# defaults. HOSTER_SWARM=true joins the Hypercore swarm; HOSTER_URL names the
# node for `hoster chain`; the account's secret goes in HOSTER_KEY_FILE (a
# mounted file or a Docker secret), never in a variable or an argument.
ENV HOSTER_DATA=/data \
	HOSTER_LISTEN=0.0.0.0:8900 \
	HOSTER_METRICS_LISTEN=0.0.0.0:9616 \
	HOSTER_SWARM_PEER=/opt/hoster/swarm/peer.js \
	HOSTER_NODE=/usr/local/bin/node \
	HOSTER_DASHBOARD_DIR=/opt/hoster/dashboard
USER hoster
WORKDIR /data
# The stored feeds, the contact key and the peer's Hypercore storage.
VOLUME ["/data"]
EXPOSE 8900 9616
# GET /hello answers while the hoster serves (Node.js is the image's HTTP client).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
	CMD ["node", "-e", "const port = (process.env.HOSTER_LISTEN || '').split(':').pop() || '8900'; fetch('http://127.0.0.1:' + port + '/hello').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/local/bin/hoster"]
CMD ["serve"]
