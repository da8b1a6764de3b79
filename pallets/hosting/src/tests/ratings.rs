//! Ratings: authorization before the pool, recording, batches.

use super::*;
use frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo};
use sp_core::Pair;
use sp_runtime::DispatchError;

#[test]
fn ratings_are_rejected_unless_everything_checks_out() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		let a = assigned(id)[0];
		let outsider = ["Alice", "Bob", "Charlie"]
			.into_iter()
			.find(|n| !assigned(id).contains(n))
			.unwrap();
		let good = normal(&feed, "Dave", id, a, 50, 1_000_000);
		let stale = Err(TransactionValidityError::Invalid(InvalidTransaction::Stale));
		let bad_proof = Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof));

		// Unknown request.
		assert_eq!(rate(a, id + 100, good), stale);
		// Signed by an attestor not assigned.
		let not_assigned = rejected(crate::ratings::rejection::NOT_ASSIGNED);
		assert_eq!(
			rate(outsider, id, normal(&feed, "Dave", id, outsider, 50, 1)),
			Err(not_assigned)
		);
		// Signed by someone else than the rating's attestor.
		let (rating, _) = signed_rating(a, id, good);
		let forged = pair("Ferdie").sign(&rating.signing_payload());
		assert_eq!(submit(rating.clone(), forged), bad_proof);
		// A rating changed after signing.
		let (mut changed, sig) = signed_rating(a, id, good);
		changed.outcome = RatingOutcome::Timeout;
		assert_eq!(submit(changed, sig), bad_proof);
		// A contact proof by another key than the hoster's contact key.
		let RatingOutcome::Normal { contact_proof, .. } = good else { unreachable!() };
		let r = request(id);
		let message = hypercore_verify::contact_message(
			id,
			&r.nonce,
			&account_bytes(&account(a)),
			contact_proof.block_index,
			&contact_proof.block_hash,
		);
		let wrong_key =
			ContactProof { signature: contact("Mallory").sign(&message).0, ..contact_proof };
		let with = |p: ContactProof| match good {
			RatingOutcome::Normal {
				latency_ms,
				bandwidth_bytes_per_sec,
				bytes,
				chunks_verified,
				..
			} => RatingOutcome::Normal {
				latency_ms,
				bandwidth_bytes_per_sec,
				bytes,
				chunks_verified,
				contact_proof: p,
			},
			_ => unreachable!(),
		};
		assert_eq!(rate(a, id, with(wrong_key)), bad_proof);
		// A contact proof for a chunk that was not asked.
		let unasked = (0..9).find(|c| !r.chunks.contains(c)).unwrap();
		assert_eq!(
			rate(a, id, with(ContactProof { block_index: unasked, ..contact_proof })),
			bad_proof
		);
		// A contact proof made for another attestor (a replayed proof).
		let other = assigned(id)[1];
		let RatingOutcome::Normal { contact_proof: others, .. } =
			normal(&feed, "Dave", id, other, 50, 1)
		else {
			unreachable!()
		};
		assert_eq!(rate(a, id, with(others)), bad_proof);
		// Nothing above changed any state.
		assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
		assert!(request(id).answered.is_empty());

		// The good rating goes through once; the same rating again is stale.
		assert_ok!(rate(a, id, good));
		assert_eq!(rate(a, id, good), stale);
		// Past the deadline the other attestor's rating is refused.
		run_to_block(1 + RESPONSE_WINDOW);
		let late = normal(&feed, "Dave", id, other, 50, 1);
		System::set_block_number(2 + RESPONSE_WINDOW);
		assert_eq!(rate(other, id, late), stale);
	});
}

#[test]
fn authorized_ratings_provide_one_tag_per_request_and_attestor_and_live_until_the_deadline() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		let [a, b] = [assigned(id)[0], assigned(id)[1]];
		let validity = |attestor| {
			let (rating, signature) =
				signed_rating(attestor, id, normal(&feed, "Dave", id, attestor, 50, 1));
			crate::Call::<Test>::performance_benchmark_response { rating, signature }
				.authorize(TransactionSource::External)
				.unwrap()
				.unwrap()
				.0
		};
		let (va, vb) = (validity(a), validity(b));
		assert_eq!(va.provides.len(), 1);
		assert_ne!(va.provides, vb.provides);
		// Created at block 1 with a window of 5: valid through block 6.
		assert_eq!(va.longevity, RESPONSE_WINDOW + 1);
		assert_eq!(va.priority, 1 << 20);
	});
}

#[test]
fn the_call_itself_rechecks_the_state() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		let a = assigned(id)[0];
		let (rating, signature) = signed_rating(a, id, normal(&feed, "Dave", id, a, 50, 1));
		let call = crate::Call::<Test>::performance_benchmark_response { rating, signature };
		assert_ok!(call.clone().dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into()));
		// Both were valid when authorized; the second in the same block finds it answered.
		assert_noop!(
			call.clone().dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into()),
			Error::<Test>::AlreadyAnswered
		);
		// Only the Authorized origin may call it.
		assert_noop!(
			call.dispatch_bypass_filter(RuntimeOrigin::signed(account(a))),
			DispatchError::BadOrigin
		);
	});
}

/// Two registrations (Dave, Ferdie) with Alice and Bob attesting: both are assigned both requests.
fn two_requests() -> (TestFeed, [RequestId; 2]) {
	let (feed, feed_id, dave) = registered("Dave");
	assert_ok!(Hosting::register_hoster(
		RuntimeOrigin::signed(account("Ferdie")),
		form("Ferdie"),
		feed_id
	));
	let ferdie = NextRequestId::<Test>::get() - 1;
	assert_eq!(assigned(dave).len(), 2);
	(feed, [dave, ferdie])
}

#[test]
fn a_batch_of_ratings_is_checked_and_applied_like_single_ratings() {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us")])
		.build_and_execute(|| {
			let (feed, [dave, ferdie]) = two_requests();
			let ratings = [
				(dave, normal(&feed, "Dave", dave, "Alice", 50, 1_000_000)),
				(ferdie, normal(&feed, "Ferdie", ferdie, "Alice", 60, 1_000_000)),
			];
			let call = batch_call("Alice", "Alice", &ratings);
			let (valid, _) = call.authorize(TransactionSource::External).unwrap().unwrap();
			// The same tags as the two ratings alone: the pool never holds one twice.
			let single_tags: Vec<_> = ratings
				.iter()
				.flat_map(|&(id, outcome)| {
					let (rating, signature) = signed_rating("Alice", id, outcome);
					crate::Call::<Test>::performance_benchmark_response { rating, signature }
						.authorize(TransactionSource::External)
						.unwrap()
						.unwrap()
						.0
						.provides
				})
				.collect();
			assert_eq!(valid.provides, single_tags);
			assert_eq!(valid.longevity, RESPONSE_WINDOW + 1);
			// Its weight is that of two ratings in a batch, as the benchmarks measured.
			assert_eq!(
				call.get_dispatch_info().call_weight,
				<() as crate::weights::WeightInfo>::performance_benchmark_responses(2)
			);

			assert_ok!(submit_call(call));
			let rated: Vec<(RequestId, AccountId)> = System::events()
				.into_iter()
				.filter_map(|e| match e.event {
					RuntimeEvent::Hosting(Event::BenchmarkRated { request, attestor, .. }) => {
						Some((request, attestor))
					},
					_ => None,
				})
				.collect();
			assert_eq!(rated, vec![(dave, account("Alice")), (ferdie, account("Alice"))]);
			// Both requests wait for Bob now; each hoster has its one sample and is Active.
			for (id, hoster) in [(dave, "Dave"), (ferdie, "Ferdie")] {
				assert_eq!(request(id).answered.to_vec(), vec![account("Alice")]);
				assert_eq!(HosterFigures::<Test>::get(account(hoster)).unwrap().overall.samples, 1);
				assert_eq!(
					Hosters::<Test>::get(account(hoster)).unwrap().status,
					HosterStatus::Active
				);
			}
			assert_eq!(Attestors::<Test>::get(account("Alice")).unwrap().answered, 2);
		});
}

#[test]
fn one_bad_rating_makes_the_whole_batch_invalid_and_changes_nothing() {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us")])
		.build_and_execute(|| {
			let (feed, [dave, ferdie]) = two_requests();
			let good = (dave, normal(&feed, "Dave", dave, "Alice", 50, 1_000_000));
			let stale = Err(TransactionValidityError::Invalid(InvalidTransaction::Stale));
			let bad_proof = Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof));
			let check = |attestor: &str, signer: &str, ratings: &[(RequestId, RatingOutcome)]| {
				batch_call(attestor, signer, ratings)
					.authorize(TransactionSource::External)
					.unwrap()
					.map(|_| ())
			};

			// Empty.
			assert_eq!(
				check("Alice", "Alice", &[]),
				Err(rejected(crate::ratings::rejection::EMPTY_BATCH))
			);
			// The same request twice, even with different outcomes.
			assert_eq!(
				check("Alice", "Alice", &[good, (dave, RatingOutcome::Timeout)]),
				Err(rejected(crate::ratings::rejection::DUPLICATE_RATING))
			);
			// Signed by someone else than the batch's attestor.
			assert_eq!(check("Alice", "Bob", &[good, (ferdie, RatingOutcome::Timeout)]), bad_proof);
			// Changed after signing.
			let crate::Call::performance_benchmark_responses { attestor, mut ratings, signature } =
				batch_call("Alice", "Alice", &[good, (ferdie, RatingOutcome::Timeout)])
			else {
				unreachable!()
			};
			ratings[1].outcome = RatingOutcome::Error(MeasurementFailure::Unreachable);
			let changed = crate::Call::<Test>::performance_benchmark_responses {
				attestor,
				ratings,
				signature,
			};
			assert_eq!(
				changed.authorize(TransactionSource::External).unwrap().map(|_| ()),
				bad_proof
			);
			// A contact proof made by another hoster.
			let wrong_hoster = (ferdie, normal(&feed, "Dave", ferdie, "Alice", 50, 1));
			assert_eq!(check("Alice", "Alice", &[good, wrong_hoster]), bad_proof);
			// An unknown request.
			assert_eq!(
				check("Alice", "Alice", &[good, (ferdie + 100, RatingOutcome::Timeout)]),
				stale
			);
			// An attestor not assigned (Charlie does not attest here).
			assert_eq!(
				check(
					"Charlie",
					"Charlie",
					&[(ferdie, RatingOutcome::Timeout), (dave, RatingOutcome::Timeout)]
				),
				Err(rejected(crate::ratings::rejection::NOT_ASSIGNED))
			);
			assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
			assert!(request(dave).answered.is_empty());

			// One rating already recorded alone makes a batch carrying it stale.
			assert_ok!(rate("Alice", dave, RatingOutcome::Timeout));
			assert_eq!(check("Alice", "Alice", &[(ferdie, RatingOutcome::Timeout), good]), stale);
			assert_eq!(request(dave).answered.to_vec(), vec![account("Alice")]);
			assert!(request(ferdie).answered.is_empty());
		});
}

#[test]
fn a_batch_that_went_stale_before_inclusion_is_reverted_whole() {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us")])
		.build_and_execute(|| {
			let (_, [dave, ferdie]) = two_requests();
			let call = batch_call(
				"Alice",
				"Alice",
				&[(ferdie, RatingOutcome::Timeout), (dave, RatingOutcome::Timeout)],
			);
			assert_ok!(call.authorize(TransactionSource::External).unwrap());
			// An earlier transaction of the block answers Dave's request for Alice.
			assert_ok!(rate("Alice", dave, RatingOutcome::Timeout));
			assert_noop!(
				call.clone().dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into()),
				Error::<Test>::AlreadyAnswered
			);
			// Ferdie's rating, first in the batch, was rolled back with it.
			assert!(request(ferdie).answered.is_empty());
			assert_noop!(
				call.dispatch_bypass_filter(RuntimeOrigin::signed(account("Alice"))),
				DispatchError::BadOrigin
			);
		});
}
