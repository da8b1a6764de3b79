//! Storage deposits: held for each feed, hoster and hosting while it lives,
//! released when it goes; refused, with nothing changed, when the account
//! cannot cover them; and `unpublish_feed`.

use super::*;
use crate::deposits::{feed_footprint, hoster_footprint, hosting_footprint};
use codec::MaxEncodedLen;
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectHold, Mutate},
		Footprint,
	},
};

/// What the mock holds for a footprint.
fn price(footprint: Footprint) -> u64 {
	DEPOSIT_BASE + footprint.size * DEPOSIT_PER_BYTE
}

/// What is held from `who` for `reason`.
fn on_hold(reason: HoldReason, who: &str) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::Hosting(reason), &account(who))
}

fn hoster_price(who: &str) -> u64 {
	price(hoster_footprint::<Test>(&Hosters::<Test>::get(account(who)).unwrap()))
}

fn signed(who: &str) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(who))
}

/// Closes every open request and moves past the block its feed is used until.
fn close_everything() {
	let until = FeedUsage::<Test>::iter_values().map(|u| u.requests_until).max().unwrap_or(0);
	run_to_block(until.max(System::block_number()) + 1);
}

#[test]
fn each_item_holds_its_deposit_while_it_lives_and_gives_it_back_when_it_goes() {
	ExtBuilder::default().build_and_execute(|| {
		// Eve publishes: the feed's record priced at its most roots.
		let feed = TestFeed::new(7, 9);
		let id = feed.publish("Eve");
		let feed_price = price(feed_footprint::<Test>(&Feeds::<Test>::get(id).unwrap()));
		assert!(feed_price > Roots::max_encoded_len() as u64);
		assert_eq!(on_hold(HoldReason::FeedDeposit, "Eve"), feed_price);
		assert_eq!(Balances::balance(&account("Eve")), ENDOWMENT - feed_price);

		// An update by someone else does not touch Eve's deposit.
		let mut longer = TestFeed::new(7, 9);
		longer.grow(4);
		assert_ok!(Hosting::update_feed(
			signed("Ferdie"),
			id,
			13,
			0,
			longer.roots(),
			longer.signature(0)
		));
		assert_eq!(on_hold(HoldReason::FeedDeposit, "Eve"), feed_price);
		assert_eq!(on_hold(HoldReason::FeedDeposit, "Ferdie"), 0);

		// Dave registers on it: his record and figures, and one hosting.
		assert_ok!(Hosting::register_hoster(signed("Dave"), form("Dave"), id));
		let hosting_price = price(hosting_footprint::<Test>());
		assert_eq!(on_hold(HoldReason::HosterDeposit, "Dave"), hoster_price("Dave"));
		assert_eq!(on_hold(HoldReason::HostingDeposit, "Dave"), hosting_price);
		let request = NextRequestId::<Test>::get() - 1;
		next_block();
		rate_all(&longer, "Dave", request, 20, 1_000_000);
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Active);

		// A second hosting holds a second deposit; stopping it gives it back.
		let other = TestFeed::new(8, 4).publish("Eve");
		assert_ok!(Hosting::offer_hosting(signed("Dave"), other));
		assert_eq!(on_hold(HoldReason::HostingDeposit, "Dave"), 2 * hosting_price);
		assert_ok!(Hosting::stop_hosting(signed("Dave"), other));
		assert_eq!(on_hold(HoldReason::HostingDeposit, "Dave"), hosting_price);

		// A longer endpoint is a larger record: the deposit follows it.
		let before = on_hold(HoldReason::HosterDeposit, "Dave");
		let mut bigger = form("Dave");
		bigger.endpoint =
			b"http://a-much-longer-host-name.example.org:8900".to_vec().try_into().unwrap();
		assert_ok!(Hosting::update_registration(signed("Dave"), bigger.clone()));
		let after = on_hold(HoldReason::HosterDeposit, "Dave");
		assert_eq!(after, hoster_price("Dave"));
		assert_eq!(after - before, (bigger.endpoint.len() - form("Dave").endpoint.len()) as u64);

		// Leaving gives everything back.
		assert_ok!(Hosting::unregister_hoster(signed("Dave")));
		assert_eq!(on_hold(HoldReason::HosterDeposit, "Dave"), 0);
		assert_eq!(on_hold(HoldReason::HostingDeposit, "Dave"), 0);
		assert_eq!(Balances::balance(&account("Dave")), ENDOWMENT);
		assert!(HosterDeposits::<Test>::get(account("Dave")).is_none());

		// Once the requests on them have closed, Eve takes both feeds back.
		close_everything();
		assert_ok!(Hosting::unpublish_feed(signed("Eve"), id));
		assert_ok!(Hosting::unpublish_feed(signed("Eve"), other));
		assert_eq!(on_hold(HoldReason::FeedDeposit, "Eve"), 0);
		assert_eq!(Balances::balance(&account("Eve")), ENDOWMENT);
	});
}

#[test]
fn an_account_that_cannot_cover_a_deposit_is_refused_and_nothing_changes() {
	ExtBuilder::default().build_and_execute(|| {
		let feed = TestFeed::new(7, 9);
		// Ferdie can pay for a little, not for a feed.
		Balances::set_balance(&account("Ferdie"), 100);
		assert_noop!(
			Hosting::publish_feed(
				signed("Ferdie"),
				feed.key,
				None,
				9,
				0,
				feed.roots(),
				feed.signature(0)
			),
			Error::<Test>::CannotAffordDeposit
		);
		let id = feed.publish("Eve");
		// Nor for a hoster's record.
		assert_noop!(
			Hosting::register_hoster(signed("Ferdie"), form("Ferdie"), id),
			Error::<Test>::CannotAffordDeposit
		);
		// Dave can pay for his record but not for the hosting that comes with it.
		let record = price(hoster_footprint::<Test>(&Hoster {
			form: form("Dave"),
			status: HosterStatus::Pending,
			registered_at: 1,
			hostings: 0,
			registration_feed: id,
		}));
		Balances::set_balance(&account("Dave"), record + 1 + 5);
		assert_noop!(
			Hosting::register_hoster(signed("Dave"), form("Dave"), id),
			Error::<Test>::CannotAffordDeposit
		);
		// A hoster whose form grows past what it can hold keeps its old form.
		Balances::set_balance(&account("Dave"), ENDOWMENT);
		assert_ok!(Hosting::register_hoster(signed("Dave"), form("Dave"), id));
		let request = NextRequestId::<Test>::get() - 1;
		next_block();
		rate_all(&feed, "Dave", request, 20, 1_000_000);
		let other = TestFeed::new(8, 4).publish("Eve");
		// What Dave holds stays held; his free balance is down to 1.
		Balances::set_balance(&account("Dave"), 1);
		assert_noop!(
			Hosting::offer_hosting(signed("Dave"), other),
			Error::<Test>::CannotAffordDeposit
		);
		let mut bigger = form("Dave");
		bigger.endpoint =
			b"http://a-much-longer-host-name.example.org:8900".to_vec().try_into().unwrap();
		assert_noop!(
			Hosting::update_registration(signed("Dave"), bigger),
			Error::<Test>::CannotAffordDeposit
		);
	});
}

#[test]
fn only_the_publisher_unpublishes_and_only_a_feed_nothing_uses() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, id, _) = registered("Dave");
		assert_noop!(Hosting::unpublish_feed(signed("Eve"), 99), Error::<Test>::UnknownFeed);
		assert_noop!(Hosting::unpublish_feed(signed("Dave"), id), Error::<Test>::NotPublisher);
		// Dave hosts it.
		assert_noop!(Hosting::unpublish_feed(signed("Eve"), id), Error::<Test>::FeedInUse);
		// Dave stops hosting it (he leaves), but his registration request on it is open.
		assert_ok!(Hosting::unregister_hoster(signed("Dave")));
		assert_eq!(FeedUsage::<Test>::get(id).hostings, 0);
		assert_noop!(Hosting::unpublish_feed(signed("Eve"), id), Error::<Test>::FeedInUse);
		close_everything();
		assert_ok!(Hosting::unpublish_feed(signed("Eve"), id));
		System::assert_last_event(
			Event::FeedUnpublished { feed: id, key: feed.key, publisher: account("Eve") }.into(),
		);
		assert!(Feeds::<Test>::get(id).is_none() && FeedByKey::<Test>::get(feed.key).is_none());
		assert!(FeedDeposits::<Test>::get(id).is_none());
		assert_eq!(FeedUsage::<Test>::iter().count(), 0);
		// Its key is free: anyone may publish it again (as a new feed).
		let again = feed.publish("Ferdie");
		assert_ne!(again, id);
		assert_eq!(
			on_hold(HoldReason::FeedDeposit, "Ferdie"),
			price(feed_footprint::<Test>(&Feeds::<Test>::get(again).unwrap()))
		);
	});
}
