//! The hoster's contact key: the Ed25519 key of its registration form, which
//! signs every proof of contact. Kept in `<data>/contact.key` (mode 0600).

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use ed25519_dalek::SigningKey;

use crate::store::{hex32, write_secret};

/// Loads the contact key, creating it on first use.
pub fn contact_key(data: &Path) -> Result<SigningKey> {
	std::fs::create_dir_all(data).with_context(|| format!("cannot create {}", data.display()))?;
	let path = data.join("contact.key");
	match std::fs::read_to_string(&path) {
		Ok(s) => Ok(SigningKey::from_bytes(&hex32(s.trim()).context("contact.key is damaged")?)),
		Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
			let mut seed = [0u8; 32];
			getrandom::getrandom(&mut seed).map_err(|e| anyhow!("no randomness: {e}"))?;
			write_secret(&path, &seed)?;
			Ok(SigningKey::from_bytes(&seed))
		},
		Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
	}
}
