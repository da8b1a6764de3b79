//! The attestor key: sr25519 with key type [`KEY_TYPE`](crate::KEY_TYPE), the
//! key an attestor's off-chain worker signs ratings with.

use crate::KEY_TYPE;
use sp_application_crypto::sr25519;
use sp_runtime::{MultiSignature, MultiSigner};

sp_application_crypto::app_crypto!(sr25519, KEY_TYPE);

/// Ties the app key to the runtime's signature types for the off-chain worker.
pub struct AttestorAuthId;

impl frame_system::offchain::AppCrypto<MultiSigner, MultiSignature> for AttestorAuthId {
	type RuntimeAppPublic = Public;
	type GenericSignature = sp_core::sr25519::Signature;
	type GenericPublic = sp_core::sr25519::Public;
}

impl frame_system::offchain::AppCrypto<sp_core::sr25519::Public, sp_core::sr25519::Signature>
	for AttestorAuthId
{
	type RuntimeAppPublic = Public;
	type GenericSignature = sp_core::sr25519::Signature;
	type GenericPublic = sp_core::sr25519::Public;
}

/// The attestor key is a session key: `--dev`/`--alice` nodes and
/// `author_rotateKeys` put it into the keystore with Aura's and GRANDPA's.
impl<T: crate::Config> sp_runtime::BoundToRuntimeAppPublic for crate::Pallet<T> {
	type Public = Public;
}
