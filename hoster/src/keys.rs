//! The hoster's contact key: the Ed25519 key of its registration form, which
//! signs every proof of contact. Kept in `<data>/contact.key` (mode 0600).

use std::path::Path;

use ed25519_dalek::SigningKey;

use crate::store::{hex32, random_seed, write_secret, StoreError};

/// Loads the contact key, creating it on first use.
pub fn contact_key(data: &Path) -> Result<SigningKey, StoreError> {
	std::fs::create_dir_all(data)
		.map_err(|source| StoreError::CreateDir { path: data.to_path_buf(), source })?;
	let path = data.join("contact.key");
	match std::fs::read_to_string(&path) {
		Ok(s) => {
			let seed = hex32(s.trim())
				.map_err(|source| StoreError::DamagedKey { file: "contact.key", source })?;
			Ok(SigningKey::from_bytes(&seed))
		},
		Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
			let seed = random_seed()?;
			write_secret(&path, &seed)?;
			Ok(SigningKey::from_bytes(&seed))
		},
		Err(source) => Err(StoreError::ReadFile { path, source }),
	}
}
