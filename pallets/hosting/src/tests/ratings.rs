//! Ratings: authorization before the pool, recording, batches.

use super::*;
use frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo};
use sp_core::Pair;
use sp_runtime::DispatchError;

/// `good` with another contact proof and Merkle path.
fn with_proof(
	good: &RatingOutcome,
	proof: ContactProof,
	inclusion: BlockInclusion,
) -> RatingOutcome {
	let RatingOutcome::Normal {
		latency_ms, bandwidth_bytes_per_sec, bytes, chunks_verified, ..
	} = good.clone()
	else {
		unreachable!()
	};
	RatingOutcome::Normal {
		latency_ms,
		bandwidth_bytes_per_sec,
		bytes,
		chunks_verified,
		contact_proof: proof,
		inclusion,
	}
}

#[test]
fn ratings_are_rejected_unless_everything_checks_out() {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us"), ("Charlie", "asia"), ("Ferdie", "eu")])
		.build_and_execute(|| {
			let (feed, _, id) = registered("Dave");
			let a = assigned(id)[0];
			let outsider = ["Alice", "Bob", "Charlie", "Ferdie"]
				.into_iter()
				.find(|n| !assigned(id).contains(n))
				.unwrap();
			let good = normal(&feed, "Dave", id, a, 50, 1_000_000);
			let stale = Err(TransactionValidityError::Invalid(InvalidTransaction::Stale));
			let bad_proof = Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof));

			// Unknown request.
			assert_eq!(rate(a, id + 100, good.clone()), stale);
			// Signed by an attestor not assigned.
			let not_assigned = rejected(crate::ratings::rejection::NOT_ASSIGNED);
			assert_eq!(
				rate(outsider, id, normal(&feed, "Dave", id, outsider, 50, 1)),
				Err(not_assigned)
			);
			let genesis = Hosting::genesis_hash();
			// Signed by another key than the attestor's registered one (its account key included).
			let (rating, _) = signed_rating(a, id, good.clone());
			for forger in [key_pair("Mallory"), pair(a)] {
				assert_eq!(
					submit(rating.clone(), forger.sign(&rating.signing_payload(&genesis))),
					bad_proof
				);
			}
			// A rating changed after signing.
			let (mut changed, sig) = signed_rating(a, id, good.clone());
			changed.outcome = RatingOutcome::Timeout;
			assert_eq!(submit(changed, sig), bad_proof);
			// A chunk seed not signed by the attestor's key over this request's nonce.
			let (mut reseeded, _) = signed_rating(a, id, good.clone());
			reseeded.chunk_seed = key_pair(a).sign(&chunk_seed_payload(&[9; 32]));
			let sig = key_pair(a).sign(&reseeded.signing_payload(&genesis));
			assert_eq!(submit(reseeded, sig), bad_proof);
			// A rating signed for another chain: its signature covers that chain's genesis hash.
			let (rating, _) = signed_rating(a, id, good.clone());
			let elsewhere =
				key_pair(a).sign(&rating.signing_payload(&sp_core::H256::repeat_byte(7)));
			assert_eq!(submit(rating, elsewhere), bad_proof);
			// A rating of another request that had this id (another fork): it names
			// another nonce, and is refused however well signed.
			let (mut replayed, _) = signed_rating(a, id, good.clone());
			replayed.nonce = [3; 32];
			let sig = key_pair(a).sign(&replayed.signing_payload(&genesis));
			assert_eq!(
				submit(replayed, sig),
				Err(rejected(crate::ratings::rejection::WRONG_NONCE))
			);
			// A contact proof by another key than the hoster's contact key.
			let RatingOutcome::Normal { contact_proof, inclusion, .. } = good.clone() else {
				unreachable!()
			};
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
			assert_eq!(rate(a, id, with_proof(&good, wrong_key, inclusion.clone())), bad_proof);
			// A block the attestor's chunk seed does not draw, however well proven.
			let drawn = chunks_for(a, id);
			let undrawn = (0..9).find(|c| !drawn.contains(c)).unwrap();
			let (proof, path) = served_block(&feed, "Dave", id, a, undrawn);
			assert_eq!(
				rate(a, id, with_proof(&good, proof, path)),
				Err(rejected(crate::ratings::rejection::WRONG_CHUNKS))
			);
			// More chunks verified than drawn.
			let RatingOutcome::Normal {
				latency_ms,
				bandwidth_bytes_per_sec,
				bytes,
				contact_proof,
				inclusion,
				..
			} = good.clone()
			else {
				unreachable!()
			};
			let inflated = RatingOutcome::Normal {
				latency_ms,
				bandwidth_bytes_per_sec,
				bytes,
				chunks_verified: drawn.len() as u32 + 1,
				contact_proof,
				inclusion: inclusion.clone(),
			};
			assert_eq!(
				rate(a, id, inflated),
				Err(rejected(crate::ratings::rejection::WRONG_CHUNKS))
			);
			// A block hash the hoster signed that is not in the feed: no Merkle path leads
			// from it to the request's tree hash (a hoster with no data and a friendly
			// attestor cannot fabricate a Normal rating).
			let fake_hash = [0xAB; 32];
			let message = hypercore_verify::contact_message(
				id,
				&r.nonce,
				&account_bytes(&account(a)),
				contact_proof.block_index,
				&fake_hash,
			);
			let fabricated = ContactProof {
				block_hash: fake_hash,
				signature: contact("Dave").sign(&message).0,
				..contact_proof
			};
			assert_eq!(rate(a, id, with_proof(&good, fabricated, inclusion.clone())), bad_proof);
			// A real block with a path cut short.
			let mut short = inclusion.clone();
			short.nodes.pop();
			assert_eq!(rate(a, id, with_proof(&good, contact_proof, short)), bad_proof);
			// A contact proof made for another attestor (a replayed proof).
			let other = assigned(id)[1];
			let RatingOutcome::Normal { contact_proof: others, inclusion: their_path, .. } =
				normal(&feed, "Dave", id, other, 50, 1)
			else {
				unreachable!()
			};
			assert!(rate(a, id, with_proof(&good, others, their_path)).is_err());
			// Nothing above changed any state.
			assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
			assert!(request(id).votes.is_empty());

			// The good rating goes through once; the same rating again is stale.
			assert_ok!(rate(a, id, good.clone()));
			assert_eq!(rate(a, id, good), stale);
			// Past the deadline the other attestor's rating is refused.
			let late = normal(&feed, "Dave", id, other, 50, 1);
			System::set_block_number(request(id).deadline + 1);
			assert_eq!(rate(other, id, late), stale);
		});
}

#[test]
fn a_request_is_not_rated_before_its_committee_is_drawn() {
	ExtBuilder::default().build_and_execute(|| {
		let feed = TestFeed::new(7, 9);
		let (_, id) = register_on(&feed, "Dave");
		assert_eq!(
			rate("Alice", id, RatingOutcome::Timeout),
			Err(rejected(crate::ratings::rejection::NOT_ASSIGNED_YET))
		);
		// Once drawn, a rating naming an account that is no attestor at all is not assigned.
		next_block();
		assert_eq!(
			rate("Eve", id, RatingOutcome::Timeout),
			Err(rejected(crate::ratings::rejection::NOT_ASSIGNED))
		);
	});
}

#[test]
fn authorized_ratings_provide_one_tag_per_request_and_attestor_and_live_until_the_deadline() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		let [a, b] = [assigned(id)[0], assigned(id)[1]];
		let validity = |attestor: &str| {
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
		// Assigned at block 2 with a window of 5: valid through block 7.
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
	let feed = TestFeed::new(7, 9);
	let feed_id = feed.publish("Eve");
	for hoster in ["Dave", "Ferdie"] {
		assert_ok!(Hosting::register_hoster(
			RuntimeOrigin::signed(account(hoster)),
			form(hoster),
			feed_id
		));
	}
	let ferdie = NextRequestId::<Test>::get() - 1;
	next_block();
	assert_eq!(assigned(ferdie - 1).len(), 2);
	(feed, [ferdie - 1, ferdie])
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
				.flat_map(|(id, outcome)| {
					let (rating, signature) = signed_rating("Alice", *id, outcome.clone());
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
			// It is weighed as two ratings that both close their request (and a
			// batch's base more, for a batch of both kinds); neither closes here (Bob has not rated), so the
			// closes' weight is refunded, and so are the reads of the two requests,
			// which the batch's authorization read just before.
			type W = <Test as Config>::WeightInfo;
			let reads = |n| <Test as frame_system::Config>::DbWeight::get().reads(n);
			assert_eq!(
				call.get_dispatch_info().call_weight,
				W::performance_benchmark_responses_closing(2)
					.saturating_add(W::performance_benchmark_responses_joining(1))
			);
			let applied = call
				.clone()
				.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into())
				.expect("a valid batch");
			assert_eq!(
				applied.actual_weight,
				Some(W::performance_benchmark_responses_joining(2).saturating_sub(reads(2)))
			);
			assert!(reads(2).ref_time() > 0);
			assert!(
				W::performance_benchmark_responses_joining(2).ref_time()
					< W::performance_benchmark_responses_closing(2).ref_time()
			);
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
			// Both requests wait for Bob now; the hosters' figures wait for the close.
			for id in [dave, ferdie] {
				assert!(request(id).has_voted(&account("Alice")));
				assert_eq!(request(id).votes.len(), 1);
			}
			assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
			assert_eq!(Attestors::<Test>::get(account("Alice")).unwrap().answered, 2);
			// Bob's batch closes both: each hoster has its one verdict and is Active.
			let bobs = [
				(dave, normal(&feed, "Dave", dave, "Bob", 70, 900_000)),
				(ferdie, normal(&feed, "Ferdie", ferdie, "Bob", 80, 900_000)),
			];
			let closing = batch_call("Bob", "Bob", &bobs);
			closing.authorize(TransactionSource::External).unwrap().expect("valid");
			let applied = closing
				.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into())
				.expect("a valid batch");
			// Alice's batch wrote both requests in this block: their removal is
			// merged with that write, and refunded.
			let writes = |n| <Test as frame_system::Config>::DbWeight::get().writes(n);
			assert_eq!(
				applied.actual_weight,
				Some(
					W::performance_benchmark_responses_closing(2)
						.saturating_sub(reads(2))
						.saturating_sub(writes(2))
				)
			);
			for hoster in ["Dave", "Ferdie"] {
				assert_eq!(HosterFigures::<Test>::get(account(hoster)).unwrap().overall.samples, 1);
				assert_eq!(
					Hosters::<Test>::get(account(hoster)).unwrap().status,
					HosterStatus::Active
				);
			}
			// A close that leaves the hoster's status alone does not write its
			// record: that write is refunded.
			let feed_id = Hosters::<Test>::get(account("Dave")).unwrap().registration_feed;
			assert_ok!(Hosting::request_performance_benchmark(
				RuntimeOrigin::signed(account("Eve")),
				account("Dave"),
				feed_id
			));
			let periodic = NextRequestId::<Test>::get() - 1;
			next_block();
			assert_ok!(rate(
				"Alice",
				periodic,
				normal(&feed, "Dave", periodic, "Alice", 70, 900_000)
			));
			let bobs = [
				(periodic, normal(&feed, "Dave", periodic, "Bob", 70, 900_000)),
				(dave, RatingOutcome::Timeout),
			];
			let applied = batch_call("Bob", "Bob", &bobs)
				.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into())
				.expect("a valid batch");
			let write = <Test as frame_system::Config>::DbWeight::get().writes(1);
			// The second rating is stale (Dave's registration closed): weighed as one that joined.
			assert_eq!(
				applied.actual_weight,
				Some(
					W::performance_benchmark_responses_joining(1)
						.saturating_add(W::performance_benchmark_responses_closing(1))
						.saturating_sub(write)
						.saturating_sub(reads(2))
				)
			);
			assert!(write.ref_time() > 0);
			assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Active);
		});
}

/// The database sees a request once a block however many batches change it:
/// a batch that rates a request an earlier batch of the same block wrote is
/// refunded that write, and its authorization the read; a batch of the next
/// block pays in full again.
#[test]
fn a_request_written_by_an_earlier_batch_of_the_block_is_charged_once() {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us")])
		.build_and_execute(|| {
			type W = <Test as Config>::WeightInfo;
			let db = <Test as frame_system::Config>::DbWeight::get();
			let (feed, [dave, ferdie]) = two_requests();
			let authorize = |call: &crate::Call<Test>| {
				call.authorize(TransactionSource::External).unwrap().expect("valid").1
			};
			let apply = |call: crate::Call<Test>| {
				call.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into())
					.expect("a valid batch")
					.actual_weight
					.expect("a batch states its weight")
			};
			assert_eq!(RequestsWrittenInBlock::<Test>::get(), None);
			// Alice's batch is the block's first: its call is refunded only the
			// reads its own authorization made of the two requests.
			let alices = batch_call(
				"Alice",
				"Alice",
				&[
					(dave, normal(&feed, "Dave", dave, "Alice", 50, 1_000_000)),
					(ferdie, normal(&feed, "Ferdie", ferdie, "Alice", 60, 1_000_000)),
				],
			);
			// (Its two ratings share a round: the second chunk seed is refunded.)
			assert_eq!(
				authorize(&alices),
				Hosting::authorize_batch_weight(2, 2)
					.saturating_sub(Hosting::authorize_batch_weight(2, 1))
			);
			assert_eq!(
				apply(alices),
				W::performance_benchmark_responses_joining(2).saturating_sub(db.reads(2))
			);
			let written = RequestsWrittenInBlock::<Test>::get().expect("noted");
			assert!(written.contains(dave) && written.contains(ferdie));
			assert_eq!(written.len(), 2);
			// Bob closes Dave's request in the same block: its read and its removal
			// merge with Alice's write.
			let bobs = batch_call(
				"Bob",
				"Bob",
				&[(dave, normal(&feed, "Dave", dave, "Bob", 70, 900_000))],
			);
			assert_eq!(authorize(&bobs), db.reads(1));
			assert_eq!(
				apply(bobs),
				W::performance_benchmark_responses_closing(1)
					.saturating_sub(db.reads(1))
					.saturating_sub(db.writes(1))
			);
			assert!(!BenchmarkRequests::<Test>::contains_key(dave));
			// The block ends: the next one starts with nothing noted, and Bob's
			// close of Ferdie's request pays its removal.
			next_block();
			assert_eq!(RequestsWrittenInBlock::<Test>::get(), None);
			let bobs = batch_call(
				"Bob",
				"Bob",
				&[(ferdie, normal(&feed, "Ferdie", ferdie, "Bob", 80, 900_000))],
			);
			assert_eq!(authorize(&bobs), frame_support::weights::Weight::zero());
			assert_eq!(
				apply(bobs),
				W::performance_benchmark_responses_closing(1).saturating_sub(db.reads(1))
			);
			for hoster in ["Dave", "Ferdie"] {
				assert_eq!(HosterFigures::<Test>::get(account(hoster)).unwrap().overall.samples, 1);
			}
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
				check("Alice", "Alice", &[good.clone(), (dave, RatingOutcome::Timeout)]),
				Err(rejected(crate::ratings::rejection::DUPLICATE_RATING))
			);
			// Signed by someone else than the batch's attestor.
			assert_eq!(
				check("Alice", "Bob", &[good.clone(), (ferdie, RatingOutcome::Timeout)]),
				bad_proof
			);
			// Changed after signing.
			let crate::Call::performance_benchmark_responses { attestor, mut ratings, signature } =
				batch_call("Alice", "Alice", &[good.clone(), (ferdie, RatingOutcome::Timeout)])
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
			assert_eq!(check("Alice", "Alice", &[good.clone(), wrong_hoster]), bad_proof);
			// Only unknown (closed) requests: nothing left to rate.
			assert_eq!(
				check(
					"Alice",
					"Alice",
					&[
						(ferdie + 100, RatingOutcome::Timeout),
						(ferdie + 101, RatingOutcome::Timeout)
					]
				),
				stale
			);
			// An account that does not attest here (Charlie is no attestor in this test).
			assert_eq!(
				check(
					"Charlie",
					"Charlie",
					&[(ferdie, RatingOutcome::Timeout), (dave, RatingOutcome::Timeout)]
				),
				Err(rejected(crate::ratings::rejection::NOT_ATTESTOR))
			);
			assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
			assert!(request(dave).votes.is_empty());

			// Every rating already recorded: the batch is stale.
			assert_ok!(rate("Alice", dave, RatingOutcome::Timeout));
			assert_ok!(rate("Alice", ferdie, RatingOutcome::Timeout));
			assert_eq!(check("Alice", "Alice", &[(ferdie, RatingOutcome::Timeout), good]), stale);
		});
}

#[test]
fn a_rating_gone_stale_is_passed_over_but_a_bad_one_still_voids_the_batch() {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us")])
		.build_and_execute(|| {
			let (feed, [dave, ferdie]) = two_requests();
			// Alice already rated Dave's request alone; a batch carrying it and Ferdie's is
			// valid for Ferdie's only: it provides Ferdie's tag alone.
			assert_ok!(rate("Alice", dave, RatingOutcome::Timeout));
			let call = batch_call(
				"Alice",
				"Alice",
				&[
					(dave, RatingOutcome::Timeout),
					(ferdie, normal(&feed, "Ferdie", ferdie, "Alice", 50, 1_000_000)),
				],
			);
			let (valid, _) = call.authorize(TransactionSource::External).unwrap().unwrap();
			let (rating, signature) = signed_rating(
				"Alice",
				ferdie,
				normal(&feed, "Ferdie", ferdie, "Alice", 50, 1_000_000),
			);
			let alone = crate::Call::<Test>::performance_benchmark_response { rating, signature }
				.authorize(TransactionSource::External)
				.unwrap()
				.unwrap()
				.0;
			assert_eq!(valid.provides, alone.provides);
			// A stale rating next to a forged one: the forgery still voids the batch.
			let forged = (ferdie, normal(&feed, "Dave", ferdie, "Alice", 50, 1_000_000));
			assert_eq!(
				batch_call("Alice", "Alice", &[(dave, RatingOutcome::Timeout), forged])
					.authorize(TransactionSource::External)
					.unwrap()
					.map(|_| ()),
				Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof))
			);
		});
}

#[test]
fn a_rating_that_went_stale_before_inclusion_is_skipped_and_the_rest_recorded() {
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
				call.clone().dispatch_bypass_filter(RuntimeOrigin::signed(account("Alice"))),
				DispatchError::BadOrigin
			);
			assert_ok!(call.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into()));
			// Ferdie's rating is recorded; Dave's is skipped, counted once, not twice.
			assert!(request(ferdie).has_voted(&account("Alice")));
			assert_eq!(request(dave).votes.len(), 1);
			System::assert_has_event(
				Event::RatingSkipped {
					request: dave,
					attestor: account("Alice"),
					reason: StaleRating::AlreadyRated,
				}
				.into(),
			);
			assert_eq!(Attestors::<Test>::get(account("Alice")).unwrap().answered, 2);
		});
}

#[test]
fn hosters_moving_during_a_batch_spoil_no_rating_of_it() {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us")])
		.build_and_execute(|| {
			let feed = TestFeed::new(7, 9);
			let feed_id = feed.publish("Eve");
			let hosters = ["Dave", "Ferdie", "Charlie"];
			for hoster in hosters {
				assert_ok!(Hosting::register_hoster(
					RuntimeOrigin::signed(account(hoster)),
					form(hoster),
					feed_id
				));
			}
			let last = NextRequestId::<Test>::get() - 1;
			let ids = [last - 2, last - 1, last];
			next_block();
			// Alice rates all three; her batch waits in the pool.
			let ratings: Vec<(RequestId, RatingOutcome)> = ids
				.iter()
				.zip(hosters)
				.map(|(id, hoster)| (*id, normal(&feed, hoster, *id, "Alice", 50, 1_000_000)))
				.collect();
			let call = batch_call("Alice", "Alice", &ratings);
			// Meanwhile Dave changes its contact key and Ferdie leaves.
			let mut new_form = form("Dave");
			new_form.contact_key = contact("Dave2").public().0;
			assert_ok!(Hosting::update_registration(
				RuntimeOrigin::signed(account("Dave")),
				new_form
			));
			assert_ok!(Hosting::unregister_hoster(RuntimeOrigin::signed(account("Ferdie"))));
			// The batch is still valid whole and every rating is recorded.
			let (valid, _) = call.authorize(TransactionSource::External).unwrap().unwrap();
			assert_eq!(valid.provides.len(), 3);
			assert_ok!(call.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into()));
			for id in ids {
				assert!(request(id).has_voted(&account("Alice")));
			}
			let alice = Attestors::<Test>::get(account("Alice")).unwrap();
			assert_eq!((alice.answered, alice.missed), (3, 0));
		});
}

#[test]
fn a_round_shares_one_nonce_and_its_chunk_seed_is_verified_once_per_batch() {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us")])
		.build_and_execute(|| {
			let (feed, [dave, ferdie]) = two_requests();
			// Assigned in one block: one nonce, so Alice signs one chunk seed for both.
			assert_eq!(request(dave).nonce, request(ferdie).nonce);
			assert_ne!(request(dave).nonce, [0; 32]);
			assert_eq!(chunk_seed("Alice", dave), chunk_seed("Alice", ferdie));
			let ratings = [
				(dave, normal(&feed, "Dave", dave, "Alice", 50, 1_000_000)),
				(ferdie, normal(&feed, "Ferdie", ferdie, "Alice", 60, 1_000_000)),
			];
			let call = batch_call("Alice", "Alice", &ratings);
			// Charged as two seeds, it verified one: the other's weight is refunded.
			assert_eq!(call.weight_of_authorize(), Hosting::authorize_batch_weight(2, 2));
			let (_, unspent) = call.authorize(TransactionSource::External).unwrap().unwrap();
			let refund = Hosting::authorize_batch_weight(2, 2)
				.saturating_sub(Hosting::authorize_batch_weight(2, 1));
			assert!(refund.ref_time() > 0);
			assert_eq!(unspent, refund);
			// A seed that verified for one request of the round is no pass for a forged one.
			let forged = [
				(dave, normal(&feed, "Dave", dave, "Alice", 50, 1_000_000)),
				(ferdie, normal(&feed, "Ferdie", ferdie, "Alice", 60, 1_000_000)),
			];
			let mut call = batch_call("Alice", "Alice", &forged);
			if let crate::Call::<Test>::performance_benchmark_responses {
				ratings, signature, ..
			} = &mut call
			{
				ratings[1].chunk_seed = key_pair("Alice").sign(&chunk_seed_payload(&[9; 32]));
				*signature = key_pair("Alice").sign(&batch_signing_payload(
					&Hosting::genesis_hash(),
					&account("Alice"),
					ratings,
				));
			}
			assert_eq!(
				call.authorize(TransactionSource::External).unwrap(),
				Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof))
			);
		});
}

#[test]
fn one_chunk_seed_draws_different_chunks_for_each_request_of_its_round() {
	let seed = [7u8; 64];
	let length = 1 << 20;
	assert_eq!(chunks_of(&seed, 1, length, 4), chunks_of(&seed, 1, length, 4));
	assert_ne!(chunks_of(&seed, 1, length, 4), chunks_of(&seed, 2, length, 4));
	assert_ne!(chunks_of(&seed, 1, length, 4), chunks_of(&[8u8; 64], 1, length, 4));
}

#[test]
fn a_hoster_changing_its_contact_key_in_flight_does_not_void_ratings() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		let [a, b, ..] = assigned(id)[..] else { panic!("a committee of three") };
		let mut new_form = form("Dave");
		new_form.contact_key = contact("Dave2").public().0;
		assert_ok!(Hosting::update_registration(RuntimeOrigin::signed(account("Dave")), new_form));
		// The request keeps the key Dave had when its committee was drawn.
		assert_eq!(request(id).contact_key, contact("Dave").public().0);
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		// A proof by the new key is not what this request asked for.
		assert_eq!(
			rate(b, id, normal(&feed, "Dave2", id, b, 50, 1_000_000)),
			Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof))
		);
	});
}

#[test]
fn ratings_of_a_hoster_that_left_in_flight_stay_valid_and_record_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		let committee = assigned(id);
		assert_ok!(Hosting::unregister_hoster(RuntimeOrigin::signed(account("Dave"))));
		// The attestors are not blamed for a hoster that left: their ratings still go in.
		for a in &committee {
			assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		}
		assert!(BenchmarkRequests::<Test>::get(id).is_none());
		assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
		for a in &committee {
			let record = Attestors::<Test>::get(account(a)).unwrap();
			assert_eq!((record.answered, record.missed, record.disagreed), (1, 0, 0));
		}
	});
}
