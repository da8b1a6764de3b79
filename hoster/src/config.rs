//! The optional config file: `hoster.toml` in the data directory, or the file
//! `--config PATH` (`HOSTER_CONFIG`) names.
//!
//! Its keys are the settings: the flags that have an environment variable,
//! each under its long name (`listen`, `metrics-listen`, `url`, `key-file`,
//! `bootstrap = ["host:port", ...]`, `swarm = true`, ...); the key is the
//! variable's name without `HOSTER_`, so the dashboard's `--listen` and `--dir`
//! (`HOSTER_DASHBOARD_LISTEN`, `HOSTER_DASHBOARD_DIR`) are `dashboard-listen`
//! and `dashboard-dir`. A value from the file counts below the flag on the
//! command line and the environment variable, and above the built-in default.
//!
//! How: before the command line is parsed, the file is found ([`locate`]),
//! read ([`read`]) and checked against the command's own definition
//! ([`settings`], [`parse`]): an unknown key, a value of the wrong type or one
//! its flag would refuse is an error naming the file and the key, before the
//! command does anything. Each value then becomes the default of its flags
//! ([`apply`]), so clap itself gives flag > environment > file > built-in
//! default, and `--help` shows the file's values as the defaults.
//!
//! Two keys are refused: `suri` (a secret does not go into a file of
//! settings, which gets copied and shown; `key-file` names a file of its own)
//! and `config`. `data` is only taken from a file named by `--config`: the
//! data directory's own `hoster.toml` cannot move the directory it is in.

use std::{
	any::TypeId,
	collections::BTreeMap,
	ffi::{OsStr, OsString},
	os::unix::ffi::OsStrExt,
	path::{Path, PathBuf},
};

use clap::{Arg, ArgAction, Command};

/// The config file's name in the data directory.
pub const FILE_NAME: &str = "hoster.toml";

/// The prefix of the hoster's environment variables, left out of the keys.
const ENV_PREFIX: &str = "HOSTER_";

/// Where the config file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
	/// The file.
	pub path: PathBuf,
	/// Named by `--config` or `HOSTER_CONFIG`: it must exist. Otherwise it is
	/// `DATA/hoster.toml`, read only if it exists.
	pub named: bool,
}

/// What is wrong with the config file. The command does nothing then.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
	/// A file named by `--config` or `HOSTER_CONFIG` cannot be read.
	#[error("cannot read the config file {}: {message}", .path.display())]
	Read {
		/// The file.
		path: PathBuf,
		/// Why.
		message: String,
	},
	/// Not TOML.
	#[error("config file {}: not valid TOML: {message}", .path.display())]
	Toml {
		/// The file.
		path: PathBuf,
		/// The parser's message, with the line and column.
		message: String,
	},
	/// A key that is no setting.
	#[error("config file {}: unknown key `{key}`{hint}", .path.display())]
	UnknownKey {
		/// The file.
		path: PathBuf,
		/// The key.
		key: String,
		/// A suggestion, or the list of keys.
		hint: String,
	},
	/// A value of the wrong TOML type.
	#[error("config file {}: key `{key}`: expected {expected}, found {found}", .path.display())]
	WrongType {
		/// The file.
		path: PathBuf,
		/// The key.
		key: String,
		/// What the flag takes.
		expected: &'static str,
		/// The TOML type found.
		found: &'static str,
	},
	/// A value the flag refuses.
	#[error("config file {}: key `{key}`: {message}", .path.display())]
	BadValue {
		/// The file.
		path: PathBuf,
		/// The key.
		key: String,
		/// Why, as the flag's parser says.
		message: String,
	},
	/// A key the file may not hold.
	#[error("config file {}: key `{key}`: {why}", .path.display())]
	NotInFile {
		/// The file.
		path: PathBuf,
		/// The key.
		key: String,
		/// Why, and what to do instead.
		why: &'static str,
	},
}

/// The TOML type a setting takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
	/// A switch (`swarm = true`).
	Switch,
	/// A repeatable flag: an array of strings (`bootstrap = ["h:p"]`).
	List,
	/// Text: addresses, paths, URLs, names (`listen = "0.0.0.0:8900"`).
	Text,
	/// A number, or a string with a unit where the flag takes one
	/// (`max-connections = 100`, `chunk-size = "64KiB"`).
	Number,
}

impl Kind {
	fn expected(self) -> &'static str {
		match self {
			Kind::Switch => "true or false",
			Kind::List => "an array of strings",
			Kind::Text => "a string",
			Kind::Number => "a number (or a string such as \"64KiB\" or \"99.5\")",
		}
	}
}

/// A flag with an environment variable, as the config file names it.
#[derive(Debug, Clone)]
pub struct Setting {
	/// The key in the file.
	pub key: String,
	/// The environment variable.
	pub env: String,
	/// The flag's long name.
	pub long: String,
	/// The TOML type it takes.
	pub kind: Kind,
	/// Every flag it sets, by subcommand path and argument id (one variable
	/// may serve several subcommands: `HOSTER_URL`, `HOSTER_CHUNK_SIZE`, ...).
	pub places: Vec<(Vec<String>, String)>,
	/// The first of those flags, to check values with its own parser.
	arg: Arg,
}

/// The checked values of a config file, by key, each as the text its flag takes.
pub type Values = BTreeMap<String, Vec<String>>;

/// The key of an environment variable: `HOSTER_METRICS_LISTEN` → `metrics-listen`.
pub fn key_of(env: &str) -> String {
	env.strip_prefix(ENV_PREFIX)
		.unwrap_or(env)
		.to_ascii_lowercase()
		.replace('_', "-")
}

/// The value of `--NAME VALUE` or `--NAME=VALUE` on a command line (its
/// first item is the program), the last one given; nothing after `--`.
fn flag_value(args: &[OsString], name: &str) -> Option<OsString> {
	let flag = format!("--{name}");
	let with_value = format!("--{name}=");
	let mut found = None;
	let mut rest = args.iter().skip(1);
	while let Some(arg) = rest.next() {
		let bytes = arg.as_bytes();
		if bytes == b"--" {
			break;
		}
		if bytes == flag.as_bytes() {
			found = rest.next().cloned();
		} else if let Some(value) = bytes.strip_prefix(with_value.as_bytes()) {
			found = Some(OsStr::from_bytes(value).to_os_string());
		}
	}
	found
}

/// Finds the config file: `--config PATH`, else `HOSTER_CONFIG`, else
/// `hoster.toml` in the data directory (`--data`, else `HOSTER_DATA`, else
/// `default_data`). `var` reads an environment variable (an empty one counts
/// as unset, as for clap).
pub fn locate(
	args: &[OsString],
	var: impl Fn(&str) -> Option<OsString>,
	default_data: &Path,
) -> Location {
	let var = |name: &str| var(name).filter(|v| !v.is_empty());
	if let Some(path) = flag_value(args, "config").or_else(|| var("HOSTER_CONFIG")) {
		return Location { path: PathBuf::from(path), named: true };
	}
	let data = flag_value(args, "data")
		.or_else(|| var("HOSTER_DATA"))
		.map(PathBuf::from)
		.unwrap_or_else(|| default_data.to_path_buf());
	Location { path: data.join(FILE_NAME), named: false }
}

/// The file's text: `None` if the data directory has no `hoster.toml`; an
/// error if a named file cannot be read, or an unnamed one exists but cannot.
pub fn read(location: &Location) -> Result<Option<String>, ConfigError> {
	match std::fs::read_to_string(&location.path) {
		Ok(text) => Ok(Some(text)),
		Err(e) if e.kind() == std::io::ErrorKind::NotFound && !location.named => Ok(None),
		Err(e) => Err(ConfigError::Read { path: location.path.clone(), message: e.to_string() }),
	}
}

/// The settings of a command and its subcommands, by key: every flag with a
/// long name and an environment variable.
pub fn settings(cmd: &Command) -> BTreeMap<String, Setting> {
	fn walk(cmd: &Command, path: &mut Vec<String>, out: &mut BTreeMap<String, Setting>) {
		for arg in cmd.get_arguments() {
			let (Some(env), Some(long)) = (arg.get_env().and_then(OsStr::to_str), arg.get_long())
			else {
				continue;
			};
			let key = key_of(env);
			out.entry(key.clone())
				.or_insert_with(|| Setting {
					key,
					env: env.to_owned(),
					long: long.to_owned(),
					kind: kind_of(arg),
					places: Vec::new(),
					arg: arg.clone(),
				})
				.places
				.push((path.clone(), arg.get_id().to_string()));
		}
		for sub in cmd.get_subcommands() {
			path.push(sub.get_name().to_owned());
			walk(sub, path, out);
			path.pop();
		}
	}
	let mut out = BTreeMap::new();
	walk(cmd, &mut Vec::new(), &mut out);
	out
}

/// The TOML type a flag takes, from its action and parser.
fn kind_of(arg: &Arg) -> Kind {
	let parser = arg.get_value_parser();
	match arg.get_action() {
		ArgAction::SetTrue | ArgAction::SetFalse => Kind::Switch,
		ArgAction::Append => Kind::List,
		_ if parser.possible_values().is_some_and(|mut values| values.next().is_some()) => {
			Kind::Text
		},
		_ if [TypeId::of::<String>(), TypeId::of::<PathBuf>(), TypeId::of::<OsString>()]
			.iter()
			.any(|id| parser.type_id() == *id) =>
		{
			Kind::Text
		},
		_ => Kind::Number,
	}
}

/// The name of a TOML value's type, for errors.
fn type_name(value: &toml::Value) -> &'static str {
	match value {
		toml::Value::String(_) => "a string",
		toml::Value::Integer(_) => "an integer",
		toml::Value::Float(_) => "a float",
		toml::Value::Boolean(_) => "a boolean",
		toml::Value::Datetime(_) => "a date",
		toml::Value::Array(_) => "an array",
		toml::Value::Table(_) => "a table",
	}
}

/// A value as the text its flag takes, if it is of the kind's type.
fn as_text(value: &toml::Value, kind: Kind) -> Option<Vec<String>> {
	match (kind, value) {
		(Kind::Switch, toml::Value::Boolean(b)) => Some(vec![b.to_string()]),
		(Kind::List, toml::Value::Array(items)) => items
			.iter()
			.map(|item| item.as_str().map(str::to_owned))
			.collect::<Option<Vec<_>>>(),
		(Kind::Text | Kind::Number, toml::Value::String(s)) => Some(vec![s.clone()]),
		(Kind::Number, toml::Value::Integer(n)) => Some(vec![n.to_string()]),
		(Kind::Number, toml::Value::Float(f)) => Some(vec![f.to_string()]),
		_ => None,
	}
}

/// Checks one value with the flag's own parser (range, unit, address, enum),
/// as if given as `--LONG=VALUE`.
fn check_value(arg: &Arg, value: &str) -> Result<(), String> {
	let long = arg.get_long().unwrap_or_default();
	let mut cmd = Command::new(FILE_NAME)
		.no_binary_name(true)
		.disable_help_flag(true)
		.disable_version_flag(true)
		.arg(arg.clone().required(false).global(false));
	match cmd.try_get_matches_from_mut([format!("--{long}={value}")]) {
		Ok(_) => Ok(()),
		Err(e) => {
			let mut message = format!("invalid value {value:?}");
			if let Some(source) = std::error::Error::source(&e) {
				message.push_str(&format!(": {source}"));
			} else if let Some(clap::error::ContextValue::Strings(valid)) =
				e.get(clap::error::ContextKind::ValidValue)
			{
				message.push_str(&format!(": expected one of {}", valid.join(", ")));
			}
			Err(message)
		},
	}
}

/// Reads and checks the file's text against the settings: every key a
/// setting, every value of its type and accepted by its flag's parser.
pub fn parse(
	text: &str,
	location: &Location,
	settings: &BTreeMap<String, Setting>,
) -> Result<Values, ConfigError> {
	let path = || location.path.clone();
	let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError::Toml {
		path: path(),
		message: e.to_string().trim_end().to_owned(),
	})?;
	let mut values = Values::new();
	for (key, value) in table {
		let not_in_file = |why| ConfigError::NotInFile { path: path(), key: key.clone(), why };
		match key.as_str() {
			"suri" => {
				return Err(not_in_file(
					"a secret is not kept in the config file; put the secret URI alone in a \
					 file of its own (chmod 600) and name that file with `key-file = \"PATH\"`, \
					 or give it in HOSTER_SURI",
				))
			},
			"config" => {
				return Err(not_in_file("a config file cannot name another config file"));
			},
			"data" if !location.named => {
				return Err(not_in_file(
					"the data directory's own hoster.toml cannot name another data directory; \
					 name a config file with --config to set `data`",
				))
			},
			_ => {},
		}
		let Some(setting) = settings.get(&key) else {
			return Err(ConfigError::UnknownKey { path: path(), hint: hint(&key, settings), key });
		};
		let texts = as_text(&value, setting.kind).ok_or_else(|| ConfigError::WrongType {
			path: path(),
			key: key.clone(),
			expected: setting.kind.expected(),
			found: type_name(&value),
		})?;
		if setting.kind != Kind::Switch {
			for text in &texts {
				check_value(&setting.arg, text).map_err(|message| ConfigError::BadValue {
					path: path(),
					key: key.clone(),
					message,
				})?;
			}
		}
		values.insert(key, texts);
	}
	Ok(values)
}

/// The suggestion for an unknown key: the key it resembles, or every key.
fn hint(key: &str, settings: &BTreeMap<String, Setting>) -> String {
	let dashed = key.trim_start_matches('-').replace('_', "-").to_ascii_lowercase();
	if settings.contains_key(&dashed) {
		return format!(" (did you mean `{dashed}`?)");
	}
	let keys: Vec<&str> = settings
		.keys()
		.map(String::as_str)
		.filter(|k| !matches!(*k, "suri" | "config"))
		.collect();
	format!(
		"; the keys are the long names of the flags that have an environment variable: {}",
		keys.join(", ")
	)
}

/// Makes each value the default of its flags, wherever in the command tree
/// they are; a flag that was required is satisfied by it.
pub fn apply(mut cmd: Command, values: &Values, settings: &BTreeMap<String, Setting>) -> Command {
	fn set(cmd: Command, path: &[String], id: &str, values: &[&'static str]) -> Command {
		match path.split_first() {
			None => {
				let values = values.to_vec();
				cmd.mut_arg(id, move |arg| arg.default_values(values).required(false))
			},
			Some((sub, rest)) => cmd.mut_subcommand(sub, |c| set(c, rest, id, values)),
		}
	}
	for (key, texts) in values {
		let Some(setting) = settings.get(key) else { continue };
		// A default is `'static` text; the process sets these once, at its start.
		let texts: Vec<&'static str> =
			texts.iter().map(|t| &*Box::leak(t.clone().into_boxed_str())).collect();
		for (path, id) in &setting.places {
			cmd = set(cmd, path, id, &texts);
		}
	}
	cmd
}

/// The command with the config file's values as defaults: finds, reads,
/// checks and applies the file ([`locate`], [`read`], [`parse`], [`apply`]).
/// Without a file, the command as it was.
pub fn with_config(
	cmd: Command,
	args: &[OsString],
	var: impl Fn(&str) -> Option<OsString>,
	default_data: &Path,
) -> Result<Command, ConfigError> {
	let location = locate(args, var, default_data);
	let Some(text) = read(&location)? else { return Ok(cmd) };
	let settings = settings(&cmd);
	let values = parse(&text, &location, &settings)?;
	Ok(apply(cmd, &values, &settings))
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A command shaped like the hoster's: a global flag, a subcommand with
	/// a switch, a list, a number with a range, a path and an enum, and a
	/// required flag.
	fn command() -> Command {
		Command::new("test")
			.arg(
				Arg::new("data")
					.long("data")
					.env("HOSTER_TEST_DATA")
					.global(true)
					.value_parser(clap::value_parser!(PathBuf))
					.default_value("/default"),
			)
			.subcommand(
				Command::new("serve")
					.arg(
						Arg::new("listen")
							.long("listen")
							.env("HOSTER_TEST_LISTEN")
							.default_value("127.0.0.1:1"),
					)
					.arg(
						Arg::new("swarm")
							.long("swarm")
							.env("HOSTER_TEST_SWARM")
							.action(ArgAction::SetTrue),
					)
					.arg(
						Arg::new("bootstrap")
							.long("bootstrap")
							.env("HOSTER_TEST_BOOTSTRAP")
							.action(ArgAction::Append)
							.value_delimiter(','),
					)
					.arg(
						Arg::new("max")
							.long("max")
							.env("HOSTER_TEST_MAX")
							.value_parser(clap::value_parser!(u32).range(1..))
							.default_value("10"),
					)
					.arg(
						Arg::new("mode")
							.long("mode")
							.env("HOSTER_TEST_MODE")
							.value_parser(["compat", "manifest"]),
					)
					.arg(Arg::new("once").long("once").action(ArgAction::SetTrue)),
			)
			.subcommand(
				Command::new("register").arg(
					Arg::new("region").long("region").env("HOSTER_TEST_REGION").required(true),
				),
			)
	}

	fn at(named: bool) -> Location {
		Location { path: PathBuf::from("/etc/hoster.toml"), named }
	}

	fn load(text: &str) -> Result<Command, ConfigError> {
		let cmd = command();
		let settings = settings(&cmd);
		Ok(apply(cmd.clone(), &parse(text, &at(true), &settings)?, &settings))
	}

	fn args(list: &[&str]) -> Vec<OsString> {
		list.iter().map(OsString::from).collect()
	}

	/// `listen` of `serve` as parsed from `argv`.
	fn listen(cmd: Command, argv: &[&str]) -> String {
		let matches = cmd.try_get_matches_from(argv).unwrap();
		matches
			.subcommand_matches("serve")
			.unwrap()
			.get_one::<String>("listen")
			.unwrap()
			.clone()
	}

	#[test]
	fn keys_come_from_the_variables_and_name_every_place() {
		let settings = settings(&command());
		let keys: Vec<&str> = settings.keys().map(String::as_str).collect();
		// The variables' names without the prefix: here `HOSTER_TEST_...`.
		assert_eq!(
			keys,
			[
				"test-bootstrap",
				"test-data",
				"test-listen",
				"test-max",
				"test-mode",
				"test-region",
				"test-swarm"
			]
		);
		assert_eq!(key_of("HOSTER_METRICS_LISTEN"), "metrics-listen");
		assert_eq!(key_of("HOSTER_DASHBOARD_DIR"), "dashboard-dir");
		let kinds: Vec<(&str, Kind)> =
			settings.values().map(|s| (s.long.as_str(), s.kind)).collect();
		assert_eq!(
			kinds,
			[
				("bootstrap", Kind::List),
				("data", Kind::Text),
				("listen", Kind::Text),
				("max", Kind::Number),
				("mode", Kind::Text),
				("region", Kind::Text),
				("swarm", Kind::Switch),
			]
		);
		assert_eq!(
			settings["test-listen"].places,
			[(vec!["serve".to_owned()], "listen".to_owned())]
		);
		assert_eq!(settings["test-data"].places, [(vec![], "data".to_owned())]);
	}

	#[test]
	fn flag_beats_environment_beats_file_beats_default() {
		// `listen` under a variable of this test's own: the other tests parse
		// `serve` at the same time.
		let own = || {
			command().mut_subcommand("serve", |s| {
				s.mut_arg("listen", |a| a.env("HOSTER_TEST_PRECEDENCE"))
			})
		};
		let load = |text: &str| {
			let settings = settings(&own());
			apply(own(), &parse(text, &at(true), &settings).unwrap(), &settings)
		};
		let file = "test-precedence = \"file:3\"";
		// Built-in default, without a file.
		assert_eq!(listen(own(), &["t", "serve"]), "127.0.0.1:1");
		// The file's value over the default.
		assert_eq!(listen(load(file), &["t", "serve"]), "file:3");
		// A flag over the file.
		assert_eq!(listen(load(file), &["t", "serve", "--listen", "flag:4"]), "flag:4");
		// The environment over the file, and the flag over the environment.
		std::env::set_var("HOSTER_TEST_PRECEDENCE", "env:5");
		let from_env = listen(load(file), &["t", "serve"]);
		let from_flag = listen(load(file), &["t", "serve", "--listen=flag:4"]);
		std::env::remove_var("HOSTER_TEST_PRECEDENCE");
		assert_eq!(from_env, "env:5");
		assert_eq!(from_flag, "flag:4");
	}

	#[test]
	fn switches_lists_numbers_and_required_flags_take_the_file() {
		let cmd = load(
			"test-swarm = true\ntest-bootstrap = [\"a:1\", \"b:2\"]\ntest-max = 7\n\
			 test-mode = \"compat\"\ntest-region = \"eu\"\ntest-data = \"/from/file\"",
		)
		.unwrap();
		let matches = cmd.clone().try_get_matches_from(["t", "serve"]).unwrap();
		assert_eq!(matches.get_one::<PathBuf>("data").unwrap(), Path::new("/from/file"));
		let serve = matches.subcommand_matches("serve").unwrap();
		assert!(serve.get_flag("swarm"));
		assert_eq!(
			serve.get_many::<String>("bootstrap").unwrap().collect::<Vec<_>>(),
			["a:1", "b:2"]
		);
		assert_eq!(serve.get_one::<u32>("max"), Some(&7));
		assert_eq!(serve.get_one::<String>("mode").unwrap(), "compat");
		// A flag that was required is satisfied by the file, and still wins over it.
		let matches = cmd.clone().try_get_matches_from(["t", "register"]).unwrap();
		assert_eq!(
			matches
				.subcommand_matches("register")
				.unwrap()
				.get_one::<String>("region")
				.unwrap(),
			"eu"
		);
		let matches = cmd.try_get_matches_from(["t", "register", "--region", "us"]).unwrap();
		assert_eq!(
			matches
				.subcommand_matches("register")
				.unwrap()
				.get_one::<String>("region")
				.unwrap(),
			"us"
		);
		// A flag on the command line adds to no list of the file: it replaces it.
		let matches = load("test-bootstrap = [\"a:1\"]")
			.unwrap()
			.try_get_matches_from(["t", "serve", "--bootstrap", "c:3"])
			.unwrap();
		let serve = matches.subcommand_matches("serve").unwrap();
		assert_eq!(serve.get_many::<String>("bootstrap").unwrap().collect::<Vec<_>>(), ["c:3"]);
	}

	#[test]
	fn an_unknown_key_is_refused_with_the_file_and_the_keys() {
		let err = load("test-listen = \"a:1\"\nlisten-on = \"b:2\"").unwrap_err();
		let text = err.to_string();
		assert!(
			text.starts_with("config file /etc/hoster.toml: unknown key `listen-on`"),
			"{text}"
		);
		assert!(text.contains("test-listen") && text.contains("test-swarm"), "{text}");
		// A flag without a variable is not a setting.
		assert!(matches!(load("once = true"), Err(ConfigError::UnknownKey { .. })));
		let err = load("test_max = 3").unwrap_err();
		assert!(
			err.to_string().ends_with("unknown key `test_max` (did you mean `test-max`?)"),
			"{err}"
		);
		// A table is no key either.
		assert!(matches!(
			load("[serve]\ntest-listen = \"a:1\""),
			Err(ConfigError::UnknownKey { .. })
		));
	}

	#[test]
	fn a_wrong_type_names_the_key_and_what_it_takes() {
		for (text, key, expected, found) in [
			("test-listen = 8900", "test-listen", "a string", "an integer"),
			("test-swarm = \"yes\"", "test-swarm", "true or false", "a string"),
			("test-bootstrap = \"a:1\"", "test-bootstrap", "an array of strings", "a string"),
			("test-bootstrap = [1, 2]", "test-bootstrap", "an array of strings", "an array"),
			("test-max = true", "test-max", "a number", "a boolean"),
			("test-max = [1]", "test-max", "a number", "an array"),
		] {
			let err = load(text).unwrap_err();
			assert!(
				matches!(&err, ConfigError::WrongType { key: k, expected: e, found: f, .. }
					if k == key && e.starts_with(expected) && *f == found),
				"{text}: {err}"
			);
			assert!(err
				.to_string()
				.starts_with(&format!("config file /etc/hoster.toml: key `{key}`: expected")));
		}
	}

	#[test]
	fn a_value_its_flag_refuses_is_refused() {
		let err = load("test-max = 0").unwrap_err().to_string();
		assert!(
			err.starts_with("config file /etc/hoster.toml: key `test-max`: invalid value \"0\""),
			"{err}"
		);
		let err = load("test-max = 1.5").unwrap_err().to_string();
		assert!(err.contains("invalid value \"1.5\""), "{err}");
		let err = load("test-mode = \"v9\"").unwrap_err().to_string();
		assert!(err.ends_with("invalid value \"v9\": expected one of compat, manifest"), "{err}");
		// A string where a number with a unit is taken is checked too.
		assert!(load("test-max = \"12\"").is_ok());
		assert!(load("test-max = \"twelve\"").is_err());
	}

	#[test]
	fn unparsable_toml_names_the_file_and_line() {
		let err = load("test-listen = \"a:1\"\ntest-max = \n").unwrap_err().to_string();
		assert!(err.starts_with("config file /etc/hoster.toml: not valid TOML"), "{err}");
		assert!(err.contains("line 2"), "{err}");
		assert!(load("test-listen = \"a\"\ntest-listen = \"b\"").is_err(), "a key given twice");
	}

	#[test]
	fn secrets_and_the_files_own_location_are_refused() {
		let cmd = command().arg(Arg::new("suri").long("suri").env("HOSTER_SURI"));
		let settings = settings(&cmd);
		let err = parse("suri = \"//Alice\"", &at(true), &settings).unwrap_err().to_string();
		assert!(err.contains("key `suri`: a secret is not kept in the config file"), "{err}");
		assert!(err.contains("key-file"), "{err}");
		// `data` moves the data directory only from a file named by --config.
		let data = "test-data = \"/elsewhere\"";
		assert!(parse(data, &at(true), &settings).is_ok());
		let settings = settings_with_data();
		assert!(parse("data = \"/x\"", &at(true), &settings).is_ok());
		let err = parse("data = \"/x\"", &at(false), &settings).unwrap_err().to_string();
		assert!(err.contains("cannot name another data directory"), "{err}");
		let err = parse("config = \"/x\"", &at(true), &settings).unwrap_err().to_string();
		assert!(err.contains("cannot name another config file"), "{err}");
	}

	fn settings_with_data() -> BTreeMap<String, Setting> {
		settings(
			&Command::new("t")
				.arg(Arg::new("data").long("data").env("HOSTER_DATA"))
				.arg(Arg::new("config").long("config").env("HOSTER_CONFIG")),
		)
	}

	#[test]
	fn the_file_is_named_by_flag_then_variable_else_it_is_in_the_data_directory() {
		let none = |_: &str| None;
		let env = |name: &str| match name {
			"HOSTER_CONFIG" => Some(OsString::from("/env/c.toml")),
			"HOSTER_DATA" => Some(OsString::from("/env/data")),
			_ => None,
		};
		let data_only = |name: &str| (name == "HOSTER_DATA").then(|| OsString::from("/env/data"));
		let default = Path::new("/home/h/.local/share/hoster");
		let named = |p: &str| Location { path: PathBuf::from(p), named: true };
		let in_data = |p: &str| Location { path: Path::new(p).join(FILE_NAME), named: false };
		assert_eq!(
			locate(&args(&["hoster", "serve"]), none, default),
			in_data(default.to_str().unwrap())
		);
		assert_eq!(locate(&args(&["hoster", "serve"]), data_only, default), in_data("/env/data"));
		assert_eq!(locate(&args(&["hoster", "serve"]), env, default), named("/env/c.toml"));
		assert_eq!(
			locate(&args(&["hoster", "--data", "/d", "serve"]), data_only, default),
			in_data("/d")
		);
		assert_eq!(
			locate(&args(&["hoster", "serve", "--data=/d2"]), none, default),
			in_data("/d2")
		);
		assert_eq!(
			locate(&args(&["hoster", "--config", "/c.toml", "--data", "/d"]), env, default),
			named("/c.toml")
		);
		assert_eq!(
			locate(&args(&["hoster", "serve", "--config=/c2.toml"]), none, default),
			named("/c2.toml")
		);
		// After `--`, nothing is a flag; an empty variable is unset.
		assert_eq!(
			locate(&args(&["hoster", "feed", "create", "--", "--data", "/x"]), none, default),
			in_data(default.to_str().unwrap())
		);
		let empty = |_: &str| Some(OsString::new());
		assert_eq!(locate(&args(&["hoster"]), empty, default), in_data(default.to_str().unwrap()));
	}

	#[test]
	fn a_named_file_must_exist_and_the_data_directorys_may_not() {
		let dir = tempfile::tempdir().unwrap();
		let missing = dir.path().join(FILE_NAME);
		assert_eq!(read(&Location { path: missing.clone(), named: false }), Ok(None));
		let err = read(&Location { path: missing.clone(), named: true }).unwrap_err().to_string();
		assert!(
			err.starts_with(&format!("cannot read the config file {}:", missing.display())),
			"{err}"
		);
		std::fs::write(&missing, "test-listen = \"a:1\"").unwrap();
		assert_eq!(
			read(&Location { path: missing.clone(), named: false }).unwrap().unwrap(),
			"test-listen = \"a:1\""
		);
		// A directory where the file should be is an error, named or not.
		let as_dir = dir.path().join("d");
		std::fs::create_dir_all(as_dir.join(FILE_NAME)).unwrap();
		assert!(read(&Location { path: as_dir.join(FILE_NAME), named: false }).is_err());
		// End to end: the file of the data directory is read; without one, the command is unchanged.
		let argv = args(&["t", "--data", dir.path().to_str().unwrap(), "serve"]);
		let cmd = with_config(command(), &argv, |_| None, Path::new("/none")).unwrap();
		assert_eq!(listen(cmd, &["t", "serve"]), "a:1");
		let empty = tempfile::tempdir().unwrap();
		let argv = args(&["t", "--data", empty.path().to_str().unwrap(), "serve"]);
		let cmd = with_config(command(), &argv, |_| None, Path::new("/none")).unwrap();
		assert_eq!(listen(cmd, &["t", "serve"]), "127.0.0.1:1");
		let argv = args(&["t", "--config", missing.with_extension("nope").to_str().unwrap()]);
		assert!(matches!(
			with_config(command(), &argv, |_| None, Path::new("/none")),
			Err(ConfigError::Read { .. })
		));
	}
}
