"""The deployment files checks of scripts/check-deploy.sh that read YAML, JSON,
Dockerfiles and PromQL: one subcommand each (`python3 scripts/deploy/check.py
dockerfiles|compose|names|dashboard|healthcheck ...`, run from the repository
root); each prints what it checked and exits 1 with the reasons."""
import fnmatch, glob, json, math, os, re, subprocess, sys, tomllib
import yaml

ROOT = os.getcwd()
problems = []


def bad(msg):
    problems.append(msg)


def done(what):
    if problems:
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        sys.exit(1)
    print(f"   {what}", file=sys.stderr)


# --- .dockerignore (Docker's rules: patterns relative to the context, `**`
# any number of directories, `!` re-includes, the last match wins, a path is
# out when it or a parent directory is) ----------------------------------------
def ignore_patterns():
    out = []
    with open(os.path.join(ROOT, ".dockerignore")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            neg = line.startswith("!")
            pat = os.path.normpath(line.lstrip("!").strip().lstrip("/"))
            out.append((neg, pattern_regex(pat)))
    return out


def pattern_regex(pat):
    rx, i = "", 0
    while i < len(pat):
        if pat.startswith("**/", i):
            rx += "(?:.*/)?"
            i += 3
        elif pat.startswith("**", i):
            rx += ".*"
            i += 2
        elif pat[i] == "*":
            rx += "[^/]*"
            i += 1
        elif pat[i] == "?":
            rx += "[^/]"
            i += 1
        else:
            rx += re.escape(pat[i])
            i += 1
    return re.compile(rx + r"\Z")


def ignored(path, patterns):
    path = os.path.normpath(path)
    parts = path.split("/")
    for n in range(1, len(parts) + 1):
        prefix = "/".join(parts[:n])
        out = False
        for neg, rx in patterns:
            if rx.match(prefix):
                out = not neg
        if out:
            return True
    return False


# --- Dockerfiles ---------------------------------------------------------------
def instructions(path):
    """(keyword, argument text) of each instruction, continuation lines joined."""
    out, cur = [], ""
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not cur and (line.strip().startswith("#") or not line.strip()):
                continue
            if cur and line.strip().startswith("#"):
                continue
            if line.endswith("\\"):
                cur += line[:-1] + " "
                continue
            cur += line
            kw, _, rest = cur.strip().partition(" ")
            out.append((kw.upper(), rest.strip()))
            cur = ""
    return out


def substitute(text, args):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m.group(1) or m.group(2), m.group(0)), text)


def pinned(image):
    name, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
    return bool(tag) and tag != "latest" and re.search(r"\d", tag) is not None


def workspace_packages():
    """{package name: set of binary names} of the workspace members."""
    with open(os.path.join(ROOT, "Cargo.toml"), "rb") as f:
        members = tomllib.load(f)["workspace"]["members"]
    out = {}
    for member in members:
        with open(os.path.join(ROOT, member, "Cargo.toml"), "rb") as f:
            manifest = tomllib.load(f)
        name = manifest["package"]["name"]
        bins = {b["name"] for b in manifest.get("bin", [])} or {name}
        out[name] = bins
    return out, members


def copy_sources(rest):
    """Flags and the (sources, destination) of a COPY instruction."""
    if rest.startswith("["):
        words = json.loads(rest)
        flags = {}
    else:
        words = rest.split()
        flags = {}
        while words and words[0].startswith("--"):
            k, _, v = words.pop(0)[2:].partition("=")
            flags[k] = v
    return flags, words[:-1], words[-1]


def files_under(path, patterns):
    """The files a COPY of path sends: those .dockerignore keeps."""
    if not os.path.isdir(path):
        yield os.path.relpath(path, ROOT)
        return
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = [d for d in dirnames
                       if not ignored(os.path.relpath(os.path.join(dirpath, d), ROOT), patterns)]
        for name in filenames:
            f = os.path.relpath(os.path.join(dirpath, name), ROOT)
            if not ignored(f, patterns):
                yield f


def dockerfile(path, patterns, packages):
    """Checks one Dockerfile; returns its stages (image paths → where they come from)."""
    rel = os.path.relpath(path, ROOT)
    args, stages, order = {}, {}, []
    stage = None
    for kw, rest in instructions(path):
        if kw == "ARG" and stage is None:
            k, _, v = rest.partition("=")
            args[k] = v
            continue
        if kw == "FROM":
            words = rest.split()
            image = substitute(words[0], args)
            name = words[2] if len(words) > 2 and words[1].upper() == "AS" else f"#{len(order)}"
            if image in stages:
                base = dict(stages[image]["files"])
            else:
                base = {}
                if not pinned(image):
                    bad(f"{rel}: base image {image} has no version tag")
            stage = {"name": name, "image": image, "files": base, "workdir": "/", "env": {}, "user": None,
                     "run": [], "kw": []}
            stages[name] = stage
            order.append(name)
            continue
        if stage is None:
            continue
        stage["kw"].append((kw, rest))
        if kw == "WORKDIR":
            stage["workdir"] = os.path.join(stage["workdir"], rest)
        elif kw == "ENV":
            for k, v in re.findall(r'(\w+)=("[^"]*"|\S+)', rest):
                stage["env"][k] = v.strip('"')
        elif kw == "USER":
            stage["user"] = rest
        elif kw == "RUN":
            stage["run"].append(rest)
        elif kw in ("COPY", "ADD"):
            flags, sources, dest = copy_sources(rest)
            dest_abs = os.path.join(stage["workdir"], dest)
            into_dir = dest.endswith("/") or len(sources) > 1
            source_stage = flags.get("from")
            for src in sources:
                if source_stage is None:
                    matches = glob.glob(os.path.join(ROOT, src))
                    if not matches:
                        bad(f"{rel}: COPY {src}: no such path in the context")
                        continue
                    for match in matches:
                        if os.path.normpath(src) != "." and ignored(os.path.relpath(match, ROOT), patterns):
                            bad(f"{rel}: COPY {src}: excluded from the context by .dockerignore")
                            continue
                        for f in files_under(match, patterns):
                            if os.path.normpath(src) == ".":
                                target = os.path.join(dest_abs, f)
                            elif os.path.isdir(match):
                                target = os.path.join(dest_abs, os.path.relpath(os.path.join(ROOT, f), match))
                            else:
                                target = os.path.join(dest_abs, os.path.basename(f)) if into_dir else dest_abs
                            stage["files"][os.path.normpath(target)] = ("context", f)
                elif source_stage in stages:
                    src_abs = os.path.normpath(os.path.join("/", src))
                    found = False
                    for image_path, origin in list(stages[source_stage]["files"].items()):
                        if image_path == src_abs or image_path.startswith(src_abs + "/"):
                            tail = os.path.relpath(image_path, src_abs)
                            target = dest_abs if tail == "." else os.path.join(dest_abs, tail)
                            stage["files"][os.path.normpath(target)] = origin
                            found = True
                    for run in stages[source_stage]["run"]:
                        for built, out in re.findall(r"install\s+-D\s+-m\s+\d+\s+(\S+)\s+(\S+)", run):
                            if os.path.normpath(out) == src_abs:
                                stage["files"][os.path.normpath(dest_abs)] = ("built", built)
                                found = True
                    if not found and stages[source_stage]["image"] not in stages:
                        # Not made by the stage: a file of its base image.
                        stage["files"][os.path.normpath(dest_abs)] = ("base", stages[source_stage]["image"])
                    elif not found:
                        bad(f"{rel}: COPY --from={source_stage} {src}: that stage has no such file")
                else:
                    # A file of another image: only its pinning can be checked.
                    if not pinned(source_stage):
                        bad(f"{rel}: COPY --from={source_stage}: not a stage and not a pinned image")
    final = stages[order[-1]]

    # The cargo builds name workspace packages, with --locked, and what they
    # install is one of that package's binaries.
    for st in stages.values():
        for run in st["run"]:
            if "cargo build" not in run:
                continue
            names = re.findall(r"(?:-p|--package)\s+(\S+)", run)
            if not names:
                bad(f"{rel}: cargo build names no package")
            for n in names:
                if n not in packages:
                    bad(f"{rel}: cargo build -p {n}: no such workspace package ({', '.join(sorted(packages))})")
            if "--locked" not in run:
                bad(f"{rel}: cargo build without --locked")
            for built, _ in re.findall(r"install\s+-D\s+-m\s+\d+\s+(\S+)\s+(\S+)", run):
                m = re.fullmatch(r"target/release/([\w-]+)", built)
                if not m or not any(m.group(1) in packages[n] for n in names if n in packages):
                    bad(f"{rel}: installs {built}, not a binary of {', '.join(names)}")
            if "type=cache" not in run:
                bad(f"{rel}: cargo build without a BuildKit cache mount")

    # The final image: a non-root user, an entrypoint it holds, a volume, a health check.
    user = final["user"]
    if not user or user in ("root", "0") or user.startswith("0:"):
        bad(f"{rel}: the final image runs as root")
    kws = dict(final["kw"])
    entry = json.loads(kws.get("ENTRYPOINT", "[]") or "[]")
    if not entry:
        bad(f"{rel}: no ENTRYPOINT in exec form")
    elif final["files"].get(entry[0], (None,))[0] != "built":
        bad(f"{rel}: ENTRYPOINT {entry[0]} is not a binary the build installs")
    for kw in ("VOLUME", "EXPOSE", "HEALTHCHECK", "CMD"):
        if kw not in kws:
            bad(f"{rel}: no {kw}")
    return final, args


def check_dockerfiles():
    patterns = ignore_patterns()
    packages, members = workspace_packages()
    for path, why in ((".git/HEAD", "version control"), ("target/release/hoster", "build output"),
                      ("hoster/swarm/node_modules/hyperswarm/index.js", "installed Node packages"),
                      ("scripts/client/node_modules/x", "installed Node packages")):
        if not ignored(path, patterns):
            bad(f".dockerignore lets {path} ({why}) into the context")
    # What `COPY . .` must bring: every tracked file of the workspace's crates.
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, check=True).stdout.split()
    needed = [f for f in tracked if f in ("Cargo.toml", "Cargo.lock") or f.startswith(".cargo/")
              or any(f.startswith(m + "/") for m in members)]
    for f in needed:
        if ignored(f, patterns):
            bad(f".dockerignore leaves out {f}, which the build needs")
    finals = {}
    for name in ("node", "hoster"):
        path = os.path.join(ROOT, "deploy/docker", f"{name}.Dockerfile")
        finals[name] = dockerfile(path, patterns, packages)[0]
    # The hoster image: the swarm peer where HOSTER_SWARM_PEER says, with the
    # files it requires, its lock file, and Node.js where HOSTER_NODE says.
    hoster = finals["hoster"]
    peer = hoster["env"].get("HOSTER_SWARM_PEER")
    origin = hoster["files"].get(peer)
    if origin != ("context", "hoster/swarm/peer.js"):
        bad(f"hoster.Dockerfile: HOSTER_SWARM_PEER={peer} is not hoster/swarm/peer.js in the image ({origin})")
    else:
        peer_dir = os.path.dirname(peer)
        for image_path, (kind, src) in sorted(hoster["files"].items()):
            if kind != "context" or not src.endswith(".js") or not image_path.startswith(peer_dir + "/"):
                continue
            with open(os.path.join(ROOT, src)) as f:
                for req in re.findall(r"require\(\s*['\"](\.{1,2}/[^'\"]+)['\"]\s*\)", f.read()):
                    target = os.path.normpath(os.path.join(os.path.dirname(image_path), req))
                    if not any(p in hoster["files"] for p in (target, target + ".js", target + "/index.js")):
                        bad(f"hoster.Dockerfile: {src} requires {req}, which the image lacks")
        if (os.path.join(peer_dir, "package-lock.json")) not in hoster["files"]:
            bad("hoster.Dockerfile: the swarm peer's package-lock.json is not in the image (npm ci needs it)")
    node_bin = hoster["env"].get("HOSTER_NODE")
    if node_bin not in hoster["files"]:
        bad(f"hoster.Dockerfile: HOSTER_NODE={node_bin} is not a file the image copies in")
    done(f"Dockerfiles: base images pinned, COPY sources present and not ignored, packages {', '.join(sorted(packages))} known; "
         f".dockerignore keeps .git, target and node_modules out and every crate file in")


# --- compose.yaml ----------------------------------------------------------------
def check_compose():
    deploy = os.path.join(ROOT, "deploy")
    with open(os.path.join(deploy, "compose.yaml")) as f:
        compose = yaml.safe_load(f)
    services = compose.get("services") or {}
    declared = set((compose.get("volumes") or {}).keys())
    for want in ("node", "hoster", "prometheus"):
        if want not in services:
            bad(f"compose.yaml: no service {want}")
    mounts = {}
    for name, svc in services.items():
        build = svc.get("build")
        if build:
            context = os.path.normpath(os.path.join(deploy, build.get("context", ".")))
            if not os.path.isfile(os.path.join(context, "Cargo.toml")):
                bad(f"compose.yaml: {name}: build context {context} is not the workspace root")
            df = os.path.join(context, build.get("dockerfile", "Dockerfile"))
            if not os.path.isfile(df):
                bad(f"compose.yaml: {name}: no Dockerfile {df}")
        elif not pinned(svc.get("image", "")):
            bad(f"compose.yaml: {name}: image {svc.get('image')} is not pinned to a version")
        for vol in svc.get("volumes") or []:
            src, _, rest = vol.partition(":")
            target = rest.split(":")[0]
            if src.startswith((".", "/")):
                path = os.path.normpath(os.path.join(deploy, src))
                if not os.path.exists(path):
                    bad(f"compose.yaml: {name}: mounts {src}, which does not exist")
                mounts.setdefault(name, {})[target] = path
            elif src not in declared:
                bad(f"compose.yaml: {name}: volume {src} is not declared under volumes")
    def published(svc):
        out = []
        for p in svc.get("ports") or []:
            parts = str(p).split(":")
            host_ip = parts[0] if len(parts) == 3 else "0.0.0.0"
            out.append((host_ip, parts[-1].split("/")[0]))
        return out
    def env(svc):
        e = svc.get("environment") or {}
        if isinstance(e, list):
            e = dict(x.split("=", 1) for x in e)
        return {k: str(v) for k, v in e.items()}
    def command(svc):
        c = svc.get("command") or []
        return c.split() if isinstance(c, str) else [str(x) for x in c]
    def flag(cmd, name):
        return cmd[cmd.index(name) + 1] if name in cmd and cmd.index(name) + 1 < len(cmd) else None

    # Prometheus: its configuration is the mounted file, its targets are
    # services listening for metrics on that port, which is not published.
    prom = services.get("prometheus", {})
    config_file = next((a.split("=", 1)[1] for a in command(prom) if a.startswith("--config.file=")),
                       "/etc/prometheus/prometheus.yml")
    prom_yml = mounts.get("prometheus", {}).get(config_file)
    if prom_yml != os.path.join(deploy, "prometheus/prometheus.yml"):
        bad(f"compose.yaml: prometheus reads {config_file}, which is not deploy/prometheus/prometheus.yml ({prom_yml})")
    with open(os.path.join(deploy, "prometheus/prometheus.yml")) as f:
        prom_config = yaml.safe_load(f)
    jobs = {}
    for job in prom_config.get("scrape_configs", []):
        for sc in job.get("static_configs", []):
            for target in sc.get("targets", []):
                host, _, port = target.rpartition(":")
                jobs.setdefault(job["job_name"], []).append(target)
                svc = services.get(host)
                if svc is None:
                    bad(f"prometheus.yml: job {job['job_name']} scrapes {target}: no service {host} in compose.yaml")
                    continue
                exposed = {str(p) for p in svc.get("expose") or []} | {c for _, c in published(svc)}
                if port not in exposed:
                    bad(f"prometheus.yml: {target}: service {host} does not expose port {port}")
                cmd, e = command(svc), env(svc)
                listens = (flag(cmd, "--prometheus-port") == port and "--prometheus-external" in cmd) or \
                    e.get("HOSTER_METRICS_LISTEN") == f"0.0.0.0:{port}"
                if not listens:
                    bad(f"prometheus.yml: {target}: service {host} does not serve metrics on 0.0.0.0:{port}")
                if port in {c for _, c in published(svc)}:
                    bad(f"compose.yaml: {host} publishes its metrics port {port}")
    for job in ("hosting-node", "hoster"):
        if job not in jobs:
            bad(f"prometheus.yml: no job {job}")

    # The hoster's HOSTER_URL names the node service, whose RPC listens
    # beyond its container.
    url = env(services.get("hoster", {})).get("HOSTER_URL", "")
    m = re.fullmatch(r"wss?://([\w.-]+):(\d+)", url)
    if not m or m.group(1) not in services:
        bad(f"compose.yaml: hoster: HOSTER_URL={url} does not name a service")
    else:
        node = command(services[m.group(1)])
        if (flag(node, "--rpc-port") or "9944") != m.group(2) or "--rpc-external" not in node:
            bad(f"compose.yaml: HOSTER_URL={url}: {m.group(1)} does not serve RPC on 0.0.0.0:{m.group(2)}")
    if env(services.get("hoster", {})).get("HOSTER_METRICS_LISTEN", "").rpartition(":")[0] != "0.0.0.0":
        bad("compose.yaml: the hoster's metrics do not listen on the compose network (HOSTER_METRICS_LISTEN=0.0.0.0:PORT)")

    # Only the hoster's public API is published beyond loopback.
    for name, svc in services.items():
        for host_ip, port in published(svc):
            if host_ip != "127.0.0.1" and not (name == "hoster" and port == "8900"):
                bad(f"compose.yaml: {name} publishes port {port} on {host_ip}, not on loopback")

    # Grafana: the provider's path holds the mounted dashboard; the data
    # source is the prometheus service.
    if "grafana" in services:
        gm = mounts.get("grafana", {})
        prov = gm.get("/etc/grafana/provisioning")
        if not prov:
            bad("compose.yaml: grafana mounts no /etc/grafana/provisioning")
        else:
            for f in glob.glob(os.path.join(prov, "dashboards", "*.yaml")):
                for p in yaml.safe_load(open(f)).get("providers", []):
                    path = p.get("options", {}).get("path")
                    if not any(t.startswith(path.rstrip("/") + "/") and src.endswith(".json") for t, src in gm.items()):
                        bad(f"{os.path.relpath(f, ROOT)}: no dashboard is mounted under {path}")
            for f in glob.glob(os.path.join(prov, "datasources", "*.yaml")):
                for ds in yaml.safe_load(open(f)).get("datasources", []):
                    m = re.fullmatch(r"https?://([\w.-]+):(\d+)", ds.get("url", ""))
                    if not m or m.group(1) != "prometheus" or m.group(2) != "9090":
                        bad(f"{os.path.relpath(f, ROOT)}: data source {ds.get('url')} is not the prometheus service on 9090")
        if gm.get("/etc/grafana/dashboards/hosting-dashboard.json") != os.path.join(deploy, "grafana/hosting-dashboard.json"):
            bad("compose.yaml: grafana does not mount deploy/grafana/hosting-dashboard.json")
    done(f"compose.yaml: {len(services)} services, builds, mounts, volumes and images check out; "
         f"Prometheus scrapes {', '.join(t for ts in jobs.values() for t in ts)}, unpublished")


# --- the names the files use: HOSTER_ variables and node flags -----------------
def check_names(hoster_help, node_help):
    known_env = set(re.findall(r"\[env:\s+(HOSTER_\w+)", open(hoster_help).read()))
    node_flags = set(re.findall(r"(--[a-z0-9][a-z0-9-]*)", open(node_help).read()))
    files = [os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(ROOT, "deploy")) for f in fs
             if not f.endswith(".json")]
    used = 0
    for path in files:
        rel = os.path.relpath(path, ROOT)
        text = open(path).read()
        for var in sorted(set(re.findall(r"\bHOSTER_[A-Z_]+\b", text))):
            used += 1
            if var not in known_env:
                bad(f"{rel}: {var} is not a variable the hoster reads")
    # Node arguments: the compose command, the image's CMD, the unit's ExecStart.
    node_args = []
    with open(os.path.join(ROOT, "deploy/compose.yaml")) as f:
        node_args += [("deploy/compose.yaml", a) for a in yaml.safe_load(f)["services"]["node"].get("command", [])]
    for kw, rest in instructions(os.path.join(ROOT, "deploy/docker/node.Dockerfile")):
        if kw == "CMD":
            node_args += [("deploy/docker/node.Dockerfile", a) for a in json.loads(rest)]
    for line in open(os.path.join(ROOT, "deploy/systemd/hosting-node.service")):
        if line.startswith("ExecStart="):
            node_args += [("deploy/systemd/hosting-node.service", a) for a in line.split()[1:]]
    for line in open(os.path.join(ROOT, "deploy/systemd/hosting-node.env.example")):
        if line.startswith("HOSTING_NODE_ARGS="):
            node_args += [("deploy/systemd/hosting-node.env.example", a) for a in line.split("=", 1)[1].split()]
    flags = [(f, a) for f, a in node_args if str(a).startswith("--")]
    for f, a in flags:
        if a not in node_flags:
            bad(f"{f}: hosting-node has no flag {a}")
    done(f"names: {used} HOSTER_ variables and {len(flags)} node flags, all known to the binaries")


# --- the Grafana dashboard ---------------------------------------------------------
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
                "unless", "offset", "inf", "nan", "Inf", "NaN"}
# Series Prometheus makes itself for each target, not found in /metrics.
SCRAPE_SERIES = {"up"}
TARGET_LABELS = {"job", "instance"}


def parse_metrics(path):
    """{metric: [(labels dict, label text, value)]} of a /metrics text."""
    out = {}
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([A-Za-z_:][A-Za-z0-9_:]*)(\{(?:[^\"}]|\"(?:[^\"\\]|\\.)*\")*\})?\s+(\S+)", line)
        if not m:
            continue
        text = (m.group(2) or "{}")[1:-1]
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', text))
        try:
            value = float(m.group(3))
        except ValueError:
            continue
        out.setdefault(m.group(1), []).append((labels, text, value))
    return out


def metric_names(expr):
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    e = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    e = re.sub(r"\$\{?\w+\}?", " ", e)
    names = []
    for m in re.finditer(r"(?<![\w.])[A-Za-z_:][A-Za-z0-9_:]*", e):
        if e[m.end():].lstrip().startswith("(") or m.group(0) in PROMQL_WORDS:
            continue
        names.append(m.group(0))
    return names


def selectors(expr):
    """(metric, [label names matched]) of each `metric{...}` in expr."""
    out = []
    for m in re.finditer(r"([A-Za-z_:][A-Za-z0-9_:]*)\s*\{((?:[^\"}]|\"(?:[^\"\\]|\\.)*\")*)\}", expr):
        out.append((m.group(1), re.findall(r"(\w+)\s*(?:=~|!~|!=|=)\s*\"", m.group(2))))
    return out


def grouping_labels(expr):
    out = []
    for m in re.finditer(r"\b(?:by|without)\s*\(([^)]*)\)", expr):
        out += [l.strip() for l in m.group(1).split(",") if l.strip()]
    return out


def dashboard_queries(dash):
    """(where, expression) of every query: panel targets and variable queries."""
    out = []
    def walk(panels):
        for p in panels:
            for t in p.get("targets", []):
                if t.get("expr"):
                    out.append((f"panel {p.get('id')} \"{p.get('title')}\"", t["expr"]))
            walk(p.get("panels", []))
    walk(dash.get("panels", []))
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            q = v["query"]["query"] if isinstance(v.get("query"), dict) else v.get("query", "")
            m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\)\s*", q)
            if not m:
                out.append((f"variable {v['name']}", q))
            else:
                out.append((f"variable {v['name']}", m.group(1)))
                out.append((f"variable {v['name']} label", ("label", m.group(1), m.group(2))))
    return out


def check_dashboard(path, jobs_files, test_out):
    rel = os.path.relpath(path, ROOT)
    try:
        dash = json.load(open(path))
    except json.JSONDecodeError as e:
        bad(f"{rel}: not valid JSON: {e}")
        done("")
    # Structure: a uid, unique panel ids, the data source variable, every
    # variable a query uses defined, panels inside the 24-column grid.
    if not dash.get("uid") or not dash.get("title"):
        bad(f"{rel}: no uid or title")
    variables = {v["name"]: v for v in dash.get("templating", {}).get("list", [])}
    ds_vars = [n for n, v in variables.items() if v.get("type") == "datasource" and v.get("query") == "prometheus"]
    if not ds_vars and "__inputs" not in dash:
        bad(f"{rel}: no Prometheus data source variable or ${{DS_PROMETHEUS}} input")
    ids = set()
    def walk(panels):
        for p in panels:
            if p.get("id") in ids:
                bad(f"{rel}: panel id {p.get('id')} used twice")
            ids.add(p.get("id"))
            g = p.get("gridPos", {})
            if g.get("x", 0) + g.get("w", 0) > 24:
                bad(f"{rel}: panel {p.get('id')} overflows the grid")
            if p.get("type") != "row":
                uid = (p.get("datasource") or {}).get("uid", "")
                if uid.strip("${}") not in ds_vars:
                    bad(f"{rel}: panel {p.get('id')} does not use the data source variable")
                if not p.get("targets"):
                    bad(f"{rel}: panel {p.get('id')} has no query")
            walk(p.get("panels", []))
    walk(dash.get("panels", []))

    # The real metrics, labelled as Prometheus labels them: job and instance
    # from prometheus.yml.
    with open(os.path.join(ROOT, "deploy/prometheus/prometheus.yml")) as f:
        targets = {j["job_name"]: sc["targets"][0] for j in yaml.safe_load(f)["scrape_configs"]
                   for sc in j.get("static_configs", [])}
    series = {}
    for job, mfile in jobs_files:
        if job not in targets:
            bad(f"prometheus.yml: no job {job}")
            continue
        for name, rows in parse_metrics(mfile).items():
            for labels, text, value in rows:
                labels = dict(labels, job=job, instance=targets[job])
                series.setdefault(name, []).append((labels, value))
        series.setdefault("up", []).append(({"job": job, "instance": targets[job]}, 1.0))

    def substituted(expr):
        def var(m):
            name = m.group(1) or m.group(2)
            if name in ("__rate_interval", "__interval"):
                return "1m"
            if name == "__range":
                return "10m"
            if name not in variables:
                bad(f"{rel}: the query {expr!r} uses ${name}, which the dashboard does not define")
                return ".*"
            return variables[name].get("allValue") or ".*"
        return re.sub(r"\$\{(\w+)\}|\$(\w+)", var, expr)

    queries = dashboard_queries(dash)
    used_metrics, tests = set(), []
    for where, expr in queries:
        if isinstance(expr, tuple):
            _, sel, label = expr
            for name in metric_names(sel):
                if not any(label in l for l, _ in series.get(name, [])) and label not in TARGET_LABELS:
                    bad(f"{rel}: {where}: {name} has no label {label} in the real metrics")
            continue
        names = metric_names(expr)
        if not names:
            bad(f"{rel}: {where}: no metric found in {expr!r}")
        for name in names:
            used_metrics.add(name)
            if name not in series:
                bad(f"{rel}: {where}: {name} is not in the real /metrics of the node or the hoster")
        for name, labels in selectors(expr):
            for label in labels:
                if label not in TARGET_LABELS and not any(label in l for l, _ in series.get(name, [])):
                    bad(f"{rel}: {where}: {name} has no label {label} in the real metrics")
        for label in grouping_labels(expr):
            if label not in TARGET_LABELS and not any(label in l for n in names for l, _ in series.get(n, [])):
                bad(f"{rel}: {where}: no metric of {expr!r} has the label {label}")
        tests.append((where, substituted(expr)))
    # Every metric the hoster exports is on the dashboard.
    for name in sorted(series):
        if name.startswith("hoster_") and name not in used_metrics:
            bad(f"{rel}: the hoster exports {name}, which no panel shows")

    # The queries run (promtool's PromQL engine) on the real series, held
    # for 10 minutes: each must return something.
    def fmt(v):
        return "0" if math.isnan(v) or math.isinf(v) else repr(v)
    input_series = []
    for name in sorted(used_metrics & set(series)):
        for labels, value in series[name]:
            text = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
            input_series.append({"series": f"{name}{{{text}}}", "values": f"{fmt(value)}+0x40"})
    test = {"rule_files": [], "evaluation_interval": "15s", "tests": [{
        "interval": "15s", "input_series": input_series,
        "promql_expr_test": [{"expr": f"absent({e})", "eval_time": "10m", "exp_samples": []} for _, e in tests]}]}
    with open(test_out, "w") as f:
        yaml.safe_dump(test, f, sort_keys=False, width=1000)
    with open(test_out + ".where", "w") as f:
        for where, e in tests:
            f.write(f"{where}: {e}\n")
    done(f"dashboard: valid JSON, {len(ids)} panels, {len(queries)} queries on {len(used_metrics)} metrics, "
         f"all in the real /metrics, every hoster_* metric shown")


# --- a Dockerfile's HEALTHCHECK command, NUL-separated ---------------------------
def healthcheck(path):
    for kw, rest in instructions(path):
        if kw == "HEALTHCHECK":
            cmd = rest[rest.index("CMD") + 3:].strip()
            sys.stdout.write("\0".join(json.loads(cmd)) + "\0")
            return
    sys.exit(f"{path}: no HEALTHCHECK")


cmd = sys.argv[1]
if cmd == "dockerfiles":
    check_dockerfiles()
elif cmd == "compose":
    check_compose()
elif cmd == "names":
    check_names(sys.argv[2], sys.argv[3])
elif cmd == "dashboard":
    check_dashboard(sys.argv[2], [a.split("=", 1) for a in sys.argv[4:]], sys.argv[3])
elif cmd == "healthcheck":
    healthcheck(sys.argv[2])
else:
    sys.exit(f"unknown check {cmd}")
