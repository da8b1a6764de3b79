//! Publishing and updating feeds.

use super::*;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn publish_feed_verifies_the_signature_and_stores_the_feed() {
	ExtBuilder::default().build_and_execute(|| {
		let feed = TestFeed::new(1, 7);
		let id = feed.publish("Eve");
		let stored = Feeds::<Test>::get(id).unwrap();
		assert_eq!(
			(stored.key, stored.signer, stored.mode, stored.length),
			(feed.key, feed.key, KeyMode::Compat, 7)
		);
		assert_eq!(stored.roots, feed.roots());
		assert_eq!(stored.publisher, account("Eve"));
		System::assert_last_event(
			Event::FeedPublished { feed: id, key: feed.key, publisher: account("Eve"), length: 7 }
				.into(),
		);
	});
}

#[test]
fn publish_feed_accepts_a_manifest_mode_feed_from_the_js_reference() {
	#[derive(serde::Deserialize)]
	struct V {
		key: String,
		manifest: String,
		length: u64,
		fork: u64,
		roots: Vec<N>,
		signature: String,
	}
	#[derive(serde::Deserialize)]
	struct N {
		index: u64,
		size: u64,
		hash: String,
	}
	let v: V = serde_json::from_str(include_str!(
		"../../../../primitives/hypercore-verify/tests/vectors/v11-manifest-len131.json"
	))
	.unwrap();
	let b32 = |s: &str| -> [u8; 32] { hex::decode(s).unwrap().try_into().unwrap() };
	ExtBuilder::default().build_and_execute(|| {
		let roots: Vec<Node> = v
			.roots
			.iter()
			.map(|n| Node { index: n.index, size: n.size, hash: b32(&n.hash) })
			.collect();
		let args =
			(b32(&v.key), hex::decode(&v.manifest).unwrap(), hex::decode(&v.signature).unwrap());
		assert_ok!(Hosting::publish_feed(
			RuntimeOrigin::signed(account("Eve")),
			args.0,
			Some(args.1.clone().try_into().unwrap()),
			v.length,
			v.fork,
			roots.clone().try_into().unwrap(),
			args.2.clone().try_into().unwrap(),
		));
		let stored = Feeds::<Test>::get(0).unwrap();
		assert_eq!((stored.mode, stored.length), (KeyMode::Manifest, 131));
		assert_ne!(stored.signer, stored.key, "the signer is named by the manifest");
		// Another key with the same manifest does not hash to it.
		let mut other = args.0;
		other[0] ^= 1;
		assert_noop!(
			Hosting::publish_feed(
				RuntimeOrigin::signed(account("Eve")),
				other,
				Some(args.1.try_into().unwrap()),
				v.length,
				v.fork,
				roots.try_into().unwrap(),
				args.2.try_into().unwrap(),
			),
			Error::<Test>::InvalidManifest
		);
	});
}

#[test]
fn publish_feed_rejects_bad_input_and_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let feed = TestFeed::new(1, 7);
		let eve = || RuntimeOrigin::signed(account("Eve"));
		let mut bad_sig = feed.signature(0);
		bad_sig[5] ^= 1;
		assert_noop!(
			Hosting::publish_feed(eve(), feed.key, None, 7, 0, feed.roots(), bad_sig),
			Error::<Test>::InvalidFeedSignature
		);
		// Signed for fork 0, claimed at fork 1.
		assert_noop!(
			Hosting::publish_feed(eve(), feed.key, None, 7, 1, feed.roots(), feed.signature(0)),
			Error::<Test>::InvalidFeedSignature
		);
		assert_noop!(
			Hosting::publish_feed(eve(), feed.key, None, 8, 0, feed.roots(), feed.signature(0)),
			Error::<Test>::InvalidFeedRoots
		);
		assert_noop!(
			Hosting::publish_feed(
				eve(),
				feed.key,
				None,
				0,
				0,
				Default::default(),
				feed.signature(0)
			),
			Error::<Test>::EmptyFeed
		);
		assert_noop!(
			Hosting::publish_feed(
				eve(),
				feed.key,
				Some(vec![1, 0].try_into().unwrap()),
				7,
				0,
				feed.roots(),
				feed.signature(0)
			),
			Error::<Test>::InvalidManifest
		);
		assert_noop!(
			Hosting::publish_feed(
				RuntimeOrigin::none(),
				feed.key,
				None,
				7,
				0,
				feed.roots(),
				feed.signature(0)
			),
			DispatchError::BadOrigin
		);
		feed.publish("Eve");
		assert_noop!(
			Hosting::publish_feed(eve(), feed.key, None, 7, 0, feed.roots(), feed.signature(0)),
			Error::<Test>::FeedAlreadyPublished
		);
	});
}

#[test]
fn update_feed_accepts_only_a_longer_signed_state_of_the_same_key() {
	ExtBuilder::default().build_and_execute(|| {
		let mut feed = TestFeed::new(2, 5);
		let id = feed.publish("Eve");
		let (old_roots, old_sig) = (feed.roots(), feed.signature(0));
		feed.grow(3);
		let update = |who: &str, length, fork, roots: Roots, sig: FeedSignature| {
			Hosting::update_feed(RuntimeOrigin::signed(account(who)), id, length, fork, roots, sig)
		};
		assert_noop!(update("Eve", 5, 0, old_roots, old_sig), Error::<Test>::FeedNotLonger);
		// Another key's valid signature over the same roots is not the feed's.
		let other = TestFeed::new(3, 8);
		assert_noop!(
			update("Eve", 8, 0, feed.roots(), other.signature(0)),
			Error::<Test>::InvalidFeedSignature
		);
		let mut bad = feed.signature(0);
		bad[0] ^= 1;
		assert_noop!(update("Eve", 8, 0, feed.roots(), bad), Error::<Test>::InvalidFeedSignature);
		assert_noop!(
			Hosting::update_feed(
				RuntimeOrigin::signed(account("Eve")),
				99,
				8,
				0,
				feed.roots(),
				feed.signature(0)
			),
			Error::<Test>::UnknownFeed
		);
		assert_ok!(update("Eve", 8, 0, feed.roots(), feed.signature(0)));
		assert_eq!(Feeds::<Test>::get(id).unwrap().length, 8);
		System::assert_last_event(Event::FeedUpdated { feed: id, length: 8, fork: 0 }.into());
		// A later update may not take the fork id back.
		feed.grow(1);
		assert_ok!(update("Eve", 9, 2, feed.roots(), feed.signature(2)));
		feed.grow(1);
		assert_noop!(
			update("Eve", 10, 1, feed.roots(), feed.signature(1)),
			Error::<Test>::ForkWentBack
		);
	});
}

#[test]
fn a_feed_published_by_someone_else_first_is_still_updated_by_its_owner() {
	ExtBuilder::default().build_and_execute(|| {
		// Eve takes Dave's signed state from any hoster and publishes it first.
		let mut daves = TestFeed::new(4, 5);
		let id = daves.publish("Eve");
		assert_eq!(Feeds::<Test>::get(id).unwrap().publisher, account("Eve"));
		// Dave cannot publish it again: it is known by its key, whoever sent it.
		assert_noop!(
			Hosting::publish_feed(
				RuntimeOrigin::signed(account("Dave")),
				daves.key,
				None,
				5,
				0,
				daves.roots(),
				daves.signature(0)
			),
			Error::<Test>::FeedAlreadyPublished
		);
		// But every longer state his key signs updates it, sent by him ...
		daves.grow(3);
		assert_ok!(Hosting::update_feed(
			RuntimeOrigin::signed(account("Dave")),
			id,
			8,
			0,
			daves.roots(),
			daves.signature(0)
		));
		// ... or by anyone who carries it, and Eve cannot hold it back.
		daves.grow(2);
		assert_ok!(Hosting::update_feed(
			RuntimeOrigin::signed(account("Ferdie")),
			id,
			10,
			0,
			daves.roots(),
			daves.signature(0)
		));
		let stored = Feeds::<Test>::get(id).unwrap();
		assert_eq!((stored.length, stored.roots), (10, daves.roots()));
		// Nor can Eve push a state Dave's key did not sign.
		let eves = TestFeed::new(5, 12);
		assert_noop!(
			Hosting::update_feed(
				RuntimeOrigin::signed(account("Eve")),
				id,
				12,
				0,
				eves.roots(),
				eves.signature(0)
			),
			Error::<Test>::InvalidFeedSignature
		);
	});
}
