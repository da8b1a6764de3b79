//! Genesis: feeds, hosters and attestors from the chain spec.

use super::*;
use sp_core::Pair;
use sp_runtime::Perbill;

/// The genesis entry of `feed` (6 blocks), published by Eve.
fn genesis_feed(feed: &TestFeed) -> GenesisFeed<AccountId> {
	GenesisFeed {
		publisher: account("Eve"),
		key: feed.key,
		manifest: None,
		length: 6,
		fork: 0,
		roots: feed.roots().iter().map(|n| (n.index, n.size, n.hash)).collect(),
		signature: feed.signature(0).to_vec(),
	}
}

/// Dave, hosting genesis feed 0 at `endpoint`.
fn genesis_hoster(endpoint: &str) -> GenesisHoster<AccountId> {
	GenesisHoster {
		account: account("Dave"),
		endpoint: endpoint.as_bytes().to_vec(),
		region: b"eu".to_vec(),
		availability: Perbill::from_percent(90),
		latency_ms: 100,
		bandwidth_bytes_per_sec: 1_000_000,
		capacity_bytes: 1 << 30,
		contact_key: contact("Dave").public().0,
		feed: 0,
	}
}

#[test]
fn genesis_registers_feeds_hosters_and_attestors() {
	let feed = TestFeed::new(11, 6);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	use sp_runtime::BuildStorage;
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(account("Alice"), ENDOWMENT)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	crate::GenesisConfig::<Test> {
		attestors: vec![(account("Alice"), b"eu".to_vec(), key_account("Alice"))],
		feeds: vec![genesis_feed(&feed)],
		hosters: vec![genesis_hoster("http://127.0.0.1:8900")],
		allow_local_endpoints: true,
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		assert_eq!(Feeds::<Test>::get(0).unwrap().key, feed.key);
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Active);
		assert!(Hostings::<Test>::contains_key(account("Dave"), 0));
		assert!(Attestors::<Test>::contains_key(account("Alice")));
		assert!(AllowLocalEndpoints::<Test>::get());
		assert_eq!(held("Alice"), BOND, "a genesis attestor's bond is held");
		Hosting::do_try_state().expect("genesis state keeps the pallet's invariants");
	});
}

#[test]
#[should_panic(expected = "genesis feed does not verify")]
fn genesis_refuses_an_invalid_feed() {
	let feed = TestFeed::new(11, 6);
	let mut signature = feed.signature(0).to_vec();
	signature[0] ^= 1;
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	use sp_runtime::BuildStorage;
	let _ = crate::GenesisConfig::<Test> {
		attestors: vec![],
		feeds: vec![GenesisFeed { signature, ..genesis_feed(&feed) }],
		hosters: vec![],
		allow_local_endpoints: false,
	}
	.assimilate_storage(&mut storage);
}

#[test]
#[should_panic(expected = "genesis hoster form")]
fn genesis_refuses_a_local_endpoint_unless_the_chain_allows_them() {
	let feed = TestFeed::new(11, 6);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	use sp_runtime::BuildStorage;
	let _ = crate::GenesisConfig::<Test> {
		attestors: vec![],
		feeds: vec![genesis_feed(&feed)],
		hosters: vec![genesis_hoster("http://192.168.1.20:8900")],
		allow_local_endpoints: false,
	}
	.assimilate_storage(&mut storage);
}
