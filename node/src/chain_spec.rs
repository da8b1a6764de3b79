//! Chain specs built from the runtime's genesis presets (and, for a network of
//! the operator's own, from its file: [`crate::network`]).

use hosting_runtime::WASM_BINARY;
use sc_service::ChainType;

/// The chain spec type of this node.
pub type ChainSpec = sc_service::GenericChainSpec;

fn properties() -> sc_chain_spec::Properties {
	let mut p = sc_chain_spec::Properties::new();
	p.insert("tokenSymbol".into(), "HOST".into());
	p.insert("tokenDecimals".into(), 12.into());
	p.insert("ss58Format".into(), 42.into());
	p
}

/// A chain spec builder with the runtime's wasm and the token's properties.
pub(crate) fn builder() -> Result<sc_chain_spec::ChainSpecBuilder<Option<()>>, String> {
	let wasm = WASM_BINARY.ok_or_else(|| "the runtime's wasm was not built".to_string())?;
	Ok(ChainSpec::builder(wasm, None).with_properties(properties()))
}

/// `--dev`: Alice validates alone and attests from region `local`.
pub fn development() -> Result<ChainSpec, String> {
	Ok(builder()?
		.with_name("Hosting Development")
		.with_id("hosting_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.build())
}

/// `--chain local`: Alice, Bob, Charlie and Dave validate; Alice, Bob and
/// Charlie attest (see the runtime's presets for why four validators).
pub fn local_testnet() -> Result<ChainSpec, String> {
	Ok(builder()?
		.with_name("Hosting Local Testnet")
		.with_id("hosting_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.build())
}
