//! The attestor (off-chain worker) against scripted hosters
//! ([`super::scripted_http`]); `sp_core::offchain::testing` provides the
//! transaction pool, a memory keystore holds the attestor key.

use std::{collections::HashMap, sync::Arc};

use codec::{Decode, Encode};
use frame_support::{
	assert_ok,
	traits::{Get, Hooks},
};
use hypercore_verify::{
	hashes, wire::CLIENT_HEADERS, BlockProof, ContactAnswer, ContactRequest, PureRust,
};
use sp_core::{
	offchain::{
		testing::{PoolState, TestTransactionPoolExt},
		OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
	},
	Pair,
};
use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};

use super::{scripted_http::*, *};
use crate::offchain::*;

/// An attestor node: Alice's key in the keystore, the scripted network, a test pool.
struct Node {
	ext: sp_io::TestExternalities,
	net: Scripted,
	pool: Arc<parking_lot::RwLock<PoolState>>,
}

/// Every test's node checks the pallet's invariants when the test is done
/// with it (unless the test already failed).
impl Drop for Node {
	fn drop(&mut self) {
		if !std::thread::panicking() {
			self.ext.execute_with(|| {
				Hosting::do_try_state().expect("the pallet's invariants hold after the test")
			});
		}
	}
}

fn node(attestors: &[(&'static str, &'static str)]) -> Node {
	let mut ext = ExtBuilder::default().attestors(attestors).build();
	let net = Scripted::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	let keystore = MemoryKeystore::new();
	keystore.sr25519_generate_new(KEY_TYPE, Some("//Alice//host")).unwrap();
	ext.register_extension(OffchainWorkerExt::new(net.clone()));
	ext.register_extension(OffchainDbExt::new(net.clone()));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt::new(keystore));
	Node { ext, net, pool: pool_state }
}

/// The rating calls the worker submitted, decoded.
fn calls(pool: &Arc<parking_lot::RwLock<PoolState>>) -> Vec<crate::Call<Test>> {
	pool.read()
		.transactions
		.iter()
		.map(|tx| match Extrinsic::decode(&mut &tx[..]).expect("an extrinsic").function {
			RuntimeCall::Hosting(call) => call,
			other => panic!("unexpected call {other:?}"),
		})
		.collect()
}

/// The ratings the worker submitted, in order, each with the signature that
/// covers it (a batch's one signature for each of its ratings).
fn submitted(
	pool: &Arc<parking_lot::RwLock<PoolState>>,
) -> Vec<(Rating<AccountId, Signature>, Signature)> {
	calls(pool)
		.into_iter()
		.flat_map(|call| match call {
			crate::Call::performance_benchmark_response { rating, signature } => {
				vec![(rating, signature)]
			},
			crate::Call::performance_benchmark_responses { attestor, ratings, signature } => {
				assert!(ratings.len() > 1, "a single rating goes alone");
				ratings.into_iter().map(|r| (r.rated_by(attestor), signature)).collect()
			},
			other => panic!("unexpected call {other:?}"),
		})
		.collect()
}

/// How many ratings each submitted call carries.
fn batch_sizes(pool: &Arc<parking_lot::RwLock<PoolState>>) -> Vec<usize> {
	calls(pool)
		.iter()
		.map(|call| match call {
			crate::Call::performance_benchmark_responses { ratings, .. } => ratings.len(),
			_ => 1,
		})
		.collect()
}

/// What the hoster serves for block `index` of request `id`'s feed, at its length.
fn served(feed: &TestFeed, id: RequestId, index: u64) -> BlockProof {
	let r = request(id);
	feed.tree.proof(index, r.length, feed.blocks[index as usize].clone()).unwrap()
}

/// The name of the hoster request `id` measures.
fn hoster_of(id: RequestId) -> &'static str {
	name_of(&request(id).hoster)
}

/// The URL the worker must request for chunk `index` of request `id`, spelled
/// out here as the hoster API documents it (`hypercore_verify::wire`), so a
/// worker that builds any other URL finds no scripted answer: the hoster's
/// endpoint, the feed, the block and the length, and nothing else.
fn url(feed: &TestFeed, id: RequestId, index: u64) -> String {
	let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
	format!(
		"{}/feeds/{}/blocks/{index}?length={}",
		endpoint_of(hoster_of(id)),
		hex(&feed.key),
		request(id).length
	)
}

/// Where `hoster` takes contact requests.
fn contact_url(hoster: &str) -> String {
	format!("{}/contact", endpoint_of(hoster))
}

/// A hoster answering contact requests after `first_byte_ms`: `sign` makes
/// the answer from the request (it may refuse, with a status).
fn answering(
	first_byte_ms: u64,
	sign: impl Fn(&ContactRequest) -> Result<ContactAnswer, u16> + Send + Sync + 'static,
) -> Reply {
	Reply::Answer(Answerer(Arc::new(move |body: &[u8]| {
		match ContactRequest::decode(&mut &body[..]).map_err(|_| 400).and_then(|r| sign(&r)) {
			Ok(answer) => {
				Reply::Serve { status: 200, body: answer.encode(), first_byte_ms, body_ms: 0 }
			},
			Err(status) => Reply::Serve { status, body: b"{}".to_vec(), first_byte_ms, body_ms: 0 },
		}
	})))
}

/// `signer`'s contact signature over each block the request names.
fn signed_by(signer: &'static str, request: &ContactRequest) -> ContactAnswer {
	let signatures: Vec<[u8; 64]> = request
		.blocks
		.iter()
		.map(|b| contact(signer).sign(&request.message(b)).0)
		.collect();
	ContactAnswer { signatures: signatures.try_into().unwrap() }
}

/// `hoster` signing contact requests as the protocol says: only for blocks of
/// `feed` with their true leaf hashes (else 403), with its own contact key.
fn honest_contact(hoster: &'static str, feed: &TestFeed) -> Reply {
	let leaves: Vec<[u8; 32]> = feed.blocks.iter().map(|b| hashes::leaf::<PureRust>(b)).collect();
	let key = feed.key;
	answering(1, move |request| {
		let true_leaf = |b: &hypercore_verify::ReceivedBlock| {
			leaves.get(b.index as usize) == Some(&b.leaf_hash)
		};
		if request.feed != key || !request.blocks.iter().all(true_leaf) {
			return Err(403);
		}
		Ok(signed_by(hoster, request))
	})
}

/// Scripts every block of request `id`'s feed for Alice with `reply(index)`
/// (the chunks she asks for are drawn from her own signature, which the test
/// learns only from her rating, [`drawn`]), and the hoster's contact requests
/// with [`honest_contact`].
fn script(net: &Scripted, feed: &TestFeed, id: RequestId, reply: impl Fn(u64) -> Reply) {
	for index in 0..request(id).length {
		net.route(url(feed, id, index), reply(index));
	}
	let hoster = hoster_of(id);
	net.route(contact_url(hoster), honest_contact(hoster, feed));
}

/// The chunks a submitted rating's seed draws (what its attestor asked for).
fn drawn(rating: &Rating<AccountId, Signature>) -> Chunks {
	let length = BenchmarkRequests::<Test>::get(rating.request_id).map(|r| r.length).unwrap();
	chunks_of(&rating.chunk_seed, rating.request_id, length, 4)
}

fn ok(feed: &TestFeed, id: RequestId, index: u64, first_byte_ms: u64, body_ms: u64) -> Reply {
	Reply::Serve { status: 200, body: served(feed, id, index).encode(), first_byte_ms, body_ms }
}

/// Registers Dave (hosting a feed) with only Alice and Bob attesting; both get the request.
fn setup(n: &mut Node) -> (TestFeed, RequestId) {
	n.ext.execute_with(|| {
		let (feed, _, id) = registered("Dave");
		assert!(assigned(id).contains(&"Alice"));
		(feed, id)
	})
}

fn two_attestors() -> Node {
	node(&[("Alice", "eu"), ("Bob", "us")])
}

/// Runs the worker at the current block and returns the one rating it sent.
fn run_once(n: &mut Node) -> RatingOutcome {
	let pool = n.pool.clone();
	n.ext.execute_with(|| {
		Hosting::offchain_worker(System::block_number());
		let ratings = submitted(&pool);
		assert_eq!(ratings.len(), 1, "one rating per request");
		ratings[0].0.outcome.clone()
	})
}

#[test]
fn normal_rating_with_exact_figures_that_the_chain_accepts() {
	let mut n = two_attestors();
	let (feed, id) = setup(&mut n);
	// Small test blocks: a 2 ms body keeps the bandwidth above Dave's promised 100 kB/s.
	n.ext.execute_with(|| script(&n.net, &feed, id, |i| ok(&feed, id, i, 20, 2)));
	let outcome = run_once(&mut n);
	let RatingOutcome::Normal {
		latency_ms,
		bandwidth_bytes_per_sec,
		bytes,
		chunks_verified,
		contact_proof,
		inclusion,
	} = outcome
	else {
		panic!("expected Normal, got {outcome:?}")
	};
	n.ext.execute_with(|| {
		let (rating, signature) = submitted(&n.pool).remove(0);
		let chunks = drawn(&rating);
		assert_eq!(chunks_verified, chunks.len() as u32);
		assert_eq!(latency_ms, 20, "time to first byte, polled every {POLL_MS} ms");
		// All chunks in flight together: bodies from 20 ms to 22 ms.
		let expected_bytes: u64 =
			chunks.iter().map(|&i| served(&feed, id, i).encode().len() as u64).sum();
		assert_eq!(bytes, expected_bytes);
		assert_eq!(bandwidth_bytes_per_sec, expected_bytes * 1000 / 2);
		assert!(chunks.contains(&contact_proof.block_index));
		assert_eq!(inclusion.size, feed.blocks[contact_proof.block_index as usize].len() as u64);
		// It asked for exactly the chunks its seed draws.
		let mut asked: Vec<u64> = n
			.net
			.requested()
			.iter()
			.map(|url| {
				url.split("/blocks/")
					.nth(1)
					.unwrap()
					.split('?')
					.next()
					.unwrap()
					.parse()
					.unwrap()
			})
			.collect();
		asked.sort();
		assert_eq!(asked, chunks.to_vec());
		// Each fetch is what any client sends: the block URL and the client headers, no body.
		let started = n.net.started();
		for get in started.iter().filter(|r| r.method == "GET") {
			let client: Vec<(String, String)> =
				CLIENT_HEADERS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
			assert_eq!(get.headers, client, "{}", get.url);
			assert!(get.body.is_empty());
		}
		// Then one contact request, naming the challenge and every block received.
		let posts: Vec<_> = started.iter().filter(|r| r.method == "POST").collect();
		assert_eq!(posts.len(), 1);
		assert_eq!(posts[0].url, "http://127.0.0.1:8900/contact");
		let asked = ContactRequest::decode(&mut &posts[0].body[..]).unwrap();
		let r = request(id);
		assert_eq!(
			(asked.request, asked.nonce, asked.attestor, asked.feed, asked.length),
			(id, r.nonce, account_bytes(&account("Alice")), feed.key, r.length)
		);
		let named: Vec<(u64, [u8; 32])> =
			asked.blocks.iter().map(|b| (b.index, b.leaf_hash)).collect();
		let received: Vec<(u64, [u8; 32])> = chunks
			.iter()
			.map(|&i| (i, hashes::leaf::<PureRust>(&feed.blocks[i as usize])))
			.collect();
		assert_eq!(named, received);
		assert_eq!((contact_proof.block_index, contact_proof.block_hash), received[0]);
		// The rating the worker signed goes through the chain's checks; with Bob's, Dave is Active.
		assert_eq!(rating.attestor, account("Alice"));
		assert_eq!(submit(rating, signature), Ok(()));
		assert_ok!(rate("Bob", id, normal(&feed, "Dave", id, "Bob", 20, 1_000_000)));
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Active);
	});
}

#[test]
fn a_silent_hoster_is_rated_timeout_at_the_deadline() {
	let mut n = two_attestors();
	let (feed, id) = setup(&mut n);
	n.ext.execute_with(|| script(&n.net, &feed, id, |_| Reply::Silent));
	assert_eq!(run_once(&mut n), RatingOutcome::Timeout);
	assert_eq!(n.net.elapsed(), 5000, "the clock was advanced to the 5 s deadline");
	// A body that arrives too slowly is a timeout too.
	let mut n = two_attestors();
	let (feed, id) = setup(&mut n);
	n.ext.execute_with(|| script(&n.net, &feed, id, |i| ok(&feed, id, i, 10, 6000)));
	assert_eq!(run_once(&mut n), RatingOutcome::Timeout);
}

#[test]
fn each_error_kind_is_reported() {
	type Script = Box<dyn Fn(&TestFeed, RequestId, u64) -> Reply>;
	let cases: Vec<(&str, Script, RatingOutcome)> = vec![
		(
			"unreachable",
			Box::new(|_, _, _| Reply::Unreachable),
			RatingOutcome::Error(MeasurementFailure::Unreachable),
		),
		(
			"http status",
			Box::new(|_, _, _| Reply::Serve {
				status: 503,
				body: b"busy".to_vec(),
				first_byte_ms: 3,
				body_ms: 0,
			}),
			RatingOutcome::Error(MeasurementFailure::Http(503)),
		),
		(
			"not SCALE",
			Box::new(|_, _, _| Reply::Serve {
				status: 200,
				body: b"{\"json\": 1}".to_vec(),
				first_byte_ms: 3,
				body_ms: 1,
			}),
			RatingOutcome::Error(MeasurementFailure::Encoding),
		),
		(
			"one byte short",
			Box::new(|f, id, i| {
				let mut body = served(f, id, i).encode();
				body.pop();
				Reply::Serve { status: 200, body, first_byte_ms: 3, body_ms: 1 }
			}),
			RatingOutcome::Error(MeasurementFailure::Encoding),
		),
		(
			"one byte too many",
			Box::new(|f, id, i| {
				let mut body = served(f, id, i).encode();
				body.push(0);
				Reply::Serve { status: 200, body, first_byte_ms: 3, body_ms: 1 }
			}),
			RatingOutcome::Error(MeasurementFailure::Encoding),
		),
		(
			"flipped byte in the block",
			Box::new(|f, id, i| {
				let mut s = served(f, id, i);
				let mut value = s.value.to_vec();
				value[0] ^= 1;
				s.value = value.try_into().unwrap();
				Reply::Serve { status: 200, body: s.encode(), first_byte_ms: 3, body_ms: 1 }
			}),
			RatingOutcome::Error(MeasurementFailure::Integrity),
		),
		(
			"the wrong block",
			Box::new(|f, id, i| {
				let other = (i + 1) % f.length();
				let s = served(f, id, other);
				Reply::Serve { status: 200, body: s.encode(), first_byte_ms: 3, body_ms: 1 }
			}),
			RatingOutcome::Error(MeasurementFailure::Integrity),
		),
		(
			"a body over the cap",
			Box::new(|_, _, _| Reply::Serve {
				status: 200,
				body: vec![0; MAX_BODY_BYTES + 1],
				first_byte_ms: 3,
				body_ms: 1,
			}),
			RatingOutcome::Error(MeasurementFailure::Encoding),
		),
	];
	for (name, reply, expected) in cases {
		let mut n = two_attestors();
		let (feed, id) = setup(&mut n);
		n.ext.execute_with(|| script(&n.net, &feed, id, |i| reply(&feed, id, i)));
		assert_eq!(run_once(&mut n), expected, "{name}");
		// Every error rating is one the chain accepts (signed, assigned, in time).
		let (rating, signature) = submitted(&n.pool).remove(0);
		n.ext.execute_with(|| assert_eq!(submit(rating, signature), Ok(()), "{name}"));
		// A rating that is an error whatever the hoster signs asks for no contact proof.
		assert!(n.net.started().iter().all(|r| r.method == "GET"), "{name}");
	}
}

#[test]
fn every_failed_contact_request_is_a_contact_proof_error_with_the_figures_unchanged() {
	let wrong_count = |r: &ContactRequest| {
		let mut answer = signed_by("Dave", r);
		answer.signatures.pop();
		Ok(answer)
	};
	let for_bob = |r: &ContactRequest| {
		let mut r = r.clone();
		r.attestor = account_bytes(&account("Bob"));
		Ok(signed_by("Dave", &r))
	};
	let other_block = |r: &ContactRequest| {
		let mut r = r.clone();
		r.blocks[0].index += 1;
		Ok(signed_by("Dave", &r))
	};
	let cases: Vec<(&str, Reply)> = vec![
		("signed with another key", answering(1, |r| Ok(signed_by("Mallory", r)))),
		("signed for another attestor", answering(1, for_bob)),
		("signed for another block", answering(1, other_block)),
		("one signature short", answering(1, wrong_count)),
		("refused", answering(1, |_| Err(403))),
		("a server error", answering(1, |_| Err(500))),
		("garbage", Reply::Serve { status: 200, body: vec![9; 100], first_byte_ms: 1, body_ms: 0 }),
		(
			"an answer over the cap",
			Reply::Serve {
				status: 200,
				body: vec![0; hypercore_verify::contact::MAX_CONTACT_ANSWER_BYTES + 1],
				first_byte_ms: 1,
				body_ms: 0,
			},
		),
		("no answer", Reply::Silent),
		("no server", Reply::Unreachable),
	];
	for (name, contact_reply) in cases {
		let mut n = two_attestors();
		let (feed, id) = setup(&mut n);
		n.ext.execute_with(|| {
			script(&n.net, &feed, id, |i| ok(&feed, id, i, 20, 2));
			n.net.route(contact_url("Dave"), contact_reply);
		});
		assert_eq!(
			run_once(&mut n),
			RatingOutcome::Error(MeasurementFailure::ContactProof),
			"{name}"
		);
		// No answer: the contact request gave up CONTACT_WINDOW_MS after it was sent.
		if name == "no answer" {
			assert_eq!(n.net.elapsed(), 22 + CONTACT_WINDOW_MS, "{name}");
		}
		let (rating, signature) = submitted(&n.pool).remove(0);
		n.ext.execute_with(|| assert_eq!(submit(rating, signature), Ok(()), "{name}"));
	}
}

#[test]
fn the_contact_request_does_not_change_the_measured_figures() {
	for contact_ms in [1, 1_500] {
		let mut n = two_attestors();
		let (feed, id) = setup(&mut n);
		n.ext.execute_with(|| {
			script(&n.net, &feed, id, |i| ok(&feed, id, i, 20, 2));
			n.net
				.route(contact_url("Dave"), answering(contact_ms, |r| Ok(signed_by("Dave", r))));
		});
		let RatingOutcome::Normal { latency_ms, bandwidth_bytes_per_sec, bytes, .. } =
			run_once(&mut n)
		else {
			panic!("{contact_ms} ms: expected Normal")
		};
		assert_eq!(latency_ms, 20, "{contact_ms} ms");
		assert_eq!(bandwidth_bytes_per_sec, bytes * 1000 / 2, "{contact_ms} ms");
	}
}

#[test]
fn blocks_larger_than_the_first_read_buffer_are_read_whole_and_verify() {
	// 200 KiB blocks get their whole buffer at once; 300 KiB ones grow as they come.
	for size in [200 * 1024, 300 * 1024] {
		blocks_of_size_are_read_whole_and_verify(size);
	}
}

fn blocks_of_size_are_read_whole_and_verify(size: usize) {
	let mut n = two_attestors();
	let (feed, id) = n.ext.execute_with(|| {
		// Each body is read in several steps.
		let feed = TestFeed::with_blocks(9, (0..4u8).map(|i| vec![i ^ 0x5a; size]).collect());
		let (_, id) = register_on(&feed, "Dave");
		next_block();
		assert!(assigned(id).contains(&"Alice"));
		(feed, id)
	});
	n.ext.execute_with(|| script(&n.net, &feed, id, |i| ok(&feed, id, i, 10, 20)));
	let RatingOutcome::Normal { chunks_verified, bytes, .. } = run_once(&mut n) else {
		panic!("expected Normal")
	};
	n.ext.execute_with(|| {
		let chunks = drawn(&submitted(&n.pool)[0].0);
		assert_eq!(chunks_verified, chunks.len() as u32);
		let expected: u64 =
			chunks.iter().map(|&i| served(&feed, id, i).encode().len() as u64).sum();
		assert!(expected > (chunks.len() * size) as u64);
		assert_eq!(bytes, expected);
	});
}

#[test]
fn some_chunks_late_means_a_normal_rating_with_fewer_verified() {
	let mut n = two_attestors();
	// A feed of four blocks: every attestor asks for all four.
	let (feed, id) = n.ext.execute_with(|| {
		let feed = TestFeed::new(3, 4);
		let (_, id) = register_on(&feed, "Dave");
		next_block();
		(feed, id)
	});
	n.ext.execute_with(|| {
		script(&n.net, &feed, id, |i| if i == 0 { ok(&feed, id, i, 5, 5) } else { Reply::Silent })
	});
	let RatingOutcome::Normal { chunks_verified, latency_ms, .. } = run_once(&mut n) else {
		panic!("Normal")
	};
	// The first chunk is the oldest request awaited: the worker slept on its
	// headers, so they were timed when they came.
	assert_eq!((chunks_verified, latency_ms), (1, 5));
	n.ext
		.execute_with(|| assert_eq!(drawn(&submitted(&n.pool)[0].0).to_vec(), vec![0, 1, 2, 3]));
}

#[test]
fn requests_for_other_attestors_are_ignored() {
	let mut n = node(&[("Alice", "eu"), ("Bob", "us"), ("Charlie", "asia")]);
	n.ext.execute_with(|| {
		// Alice is the hoster: only Bob and Charlie can measure her.
		let (_, _, id) = registered("Alice");
		let mut committee = assigned(id);
		committee.sort();
		assert_eq!(committee, vec!["Bob", "Charlie"]);
		Hosting::offchain_worker(System::block_number());
	});
	assert!(n.net.requested().is_empty());
	assert!(submitted(&n.pool).is_empty());
}

#[test]
fn a_request_is_rated_once_across_runs_with_one_retry_if_it_stays_open() {
	let mut n = two_attestors();
	let (feed, id) = setup(&mut n);
	n.ext.execute_with(|| script(&n.net, &feed, id, |i| ok(&feed, id, i, 1, 1)));
	let pool = n.pool.clone();
	n.ext.execute_with(|| {
		let start = System::block_number();
		Hosting::offchain_worker(start);
		// A second run at the same block (or a re-org back to it) does nothing.
		Hosting::offchain_worker(start);
		run_to_block(start + RETRY_AFTER as u64 - 1);
		Hosting::offchain_worker(System::block_number());
		assert_eq!(submitted(&pool).len(), 1);
		assert_eq!(n.net.requested().len(), drawn(&submitted(&pool)[0].0).len());
		// Still open RETRY_AFTER blocks later: the rating was lost; one retry.
		run_to_block(start + RETRY_AFTER as u64);
		Hosting::offchain_worker(System::block_number());
		assert_eq!(submitted(&pool).len(), 2);
		// Never a third time, though still open.
		run_to_block(start + 1 + RETRY_AFTER as u64);
		assert!(Hosting::unanswered_requests(&account("Alice")).any(|(i, _)| i == id));
		Hosting::offchain_worker(System::block_number());
		assert_eq!(submitted(&pool).len(), 2);
		// The two are for the same (request, attestor): the pool keeps one, the chain accepts one.
		let mut ratings = submitted(&pool);
		let (second, sig2) = ratings.pop().unwrap();
		let (first, sig1) = ratings.pop().unwrap();
		assert_eq!((first.request_id, &first.attestor), (second.request_id, &second.attestor));
		assert_eq!(submit(first, sig1), Ok(()));
		assert!(submit(second, sig2).is_err());
	});
	// The claim survives in persistent storage (as across a node restart).
	let key = claim_key(id, &account("Alice"));
	assert!(n.net.0.lock().unwrap().storage.contains_key(&key));
}

#[test]
fn claims_are_forgotten_once_their_deadline_has_passed() {
	let mut n = two_attestors();
	let (feed, id) = setup(&mut n);
	n.ext.execute_with(|| script(&n.net, &feed, id, |i| ok(&feed, id, i, 1, 1)));
	let key = claim_key(id, &account("Alice"));
	let stored = |net: &Scripted, key: &[u8]| net.0.lock().unwrap().storage.contains_key(key);
	let deadline = n.ext.execute_with(|| {
		Hosting::offchain_worker(System::block_number());
		request(id).deadline
	});
	assert!(stored(&n.net, &key));
	assert!(stored(&n.net, &claims_due_key(deadline)));
	// Up to its deadline the request may still be retried: the claim stays.
	n.ext.execute_with(|| {
		run_to_block(deadline);
		Hosting::offchain_worker(deadline);
	});
	assert!(stored(&n.net, &key));
	// Once the deadline has passed, the claim and the list it was noted in are gone.
	n.ext.execute_with(|| {
		run_to_block(deadline + 1);
		Hosting::offchain_worker(deadline + 1);
	});
	assert!(!stored(&n.net, &key));
	assert!(!stored(&n.net, &claims_due_key(deadline)));
	assert!(stored(&n.net, CLAIMS_FORGOTTEN_THROUGH));
}

#[test]
fn no_retry_when_the_deadline_is_too_close() {
	let mut n = two_attestors();
	let (feed, id) = setup(&mut n);
	n.ext.execute_with(|| script(&n.net, &feed, id, |i| ok(&feed, id, i, 1, 1)));
	let pool = n.pool.clone();
	n.ext.execute_with(|| {
		Hosting::offchain_worker(System::block_number());
		let deadline = request(id).deadline;
		run_to_block(deadline);
		Hosting::offchain_worker(deadline);
		assert_eq!(submitted(&pool).len(), 1);
	});
}

#[test]
fn the_requests_of_a_run_are_in_flight_together() {
	let mut n = two_attestors();
	let (feed, ids) = n.ext.execute_with(|| {
		let (feed, feed_id, first) = registered("Dave");
		for _ in 0..2 {
			assert_ok!(Hosting::request_performance_benchmark(
				RuntimeOrigin::signed(account("Eve")),
				account("Dave"),
				feed_id
			));
		}
		let ids: Vec<RequestId> = (first..NextRequestId::<Test>::get()).collect();
		next_block();
		assert!(ids.iter().all(|id| assigned(*id).contains(&"Alice")));
		(feed, ids)
	});
	n.ext.execute_with(|| {
		for &id in &ids {
			script(&n.net, &feed, id, |i| ok(&feed, id, i, 100, 50));
		}
		Hosting::offchain_worker(System::block_number());
	});
	let total: usize = n
		.ext
		.execute_with(|| submitted(&n.pool).iter().map(|(r, _)| drawn(r).len()).sum());
	let state = n.net.0.lock().unwrap();
	// Every chunk of every request was sent before the first wait, and the
	// waits for headers covered them all.
	let gets = state.requests.iter().filter(|r| r.method == "GET").count();
	assert_eq!(gets, total);
	assert_eq!(state.waits[0].2, total);
	assert!(state.waits.iter().any(|w| w.0 == total));
	// Then one contact request per benchmark.
	assert_eq!(state.requests.len(), total + ids.len());
	assert!(state.requests[total..].iter().all(|r| r.method == "POST"));
	let deadlines: std::collections::BTreeSet<_> = state.send_deadlines[..total].iter().collect();
	// Each benchmark's deadline is 5 s after its first request; all were sent at once.
	assert_eq!(deadlines.len(), 1, "the benchmarks' deadlines");
	assert_eq!(deadlines.into_iter().next().unwrap().unwrap(), START_MS + 5000);
	// Three benchmarks took about as long as one: 100 ms to first byte + 50 ms of body.
	assert!(state.now - START_MS <= 150 * 2, "took {} ms", state.now - START_MS);
	drop(state);
	// Alice's three ratings went in one transaction, signed once, which the chain accepts whole.
	assert_eq!(batch_sizes(&n.pool), vec![ids.len()]);
	let rated: Vec<RequestId> = submitted(&n.pool).iter().map(|(r, _)| r.request_id).collect();
	assert_eq!(rated, ids);
	let call = calls(&n.pool).remove(0);
	n.ext.execute_with(|| {
		assert_eq!(submit_call(call), Ok(()));
		for &id in &ids {
			assert!(!Hosting::unanswered_requests(&account("Alice")).any(|(i, _)| i == id));
		}
	});
}

#[test]
fn a_slow_benchmark_in_the_same_run_does_not_skew_a_fast_ones_figures() {
	let mut n = two_attestors();
	let (fast_feed, fast, slow_feed, slow) = n.ext.execute_with(|| {
		let (fast_feed, slow_feed) = (TestFeed::new(7, 9), TestFeed::new(8, 9));
		let (_, fast) = register_on(&fast_feed, "Dave");
		let (_, slow) = register_on(&slow_feed, "Ferdie");
		next_block();
		assert!(assigned(fast).contains(&"Alice") && assigned(slow).contains(&"Alice"));
		(fast_feed, fast, slow_feed, slow)
	});
	n.ext.execute_with(|| {
		// Off the 2 ms poll grid, so a figure taken at a poll instead of when
		// things happened would show.
		script(&n.net, &fast_feed, fast, |i| ok(&fast_feed, fast, i, 7, 5));
		script(&n.net, &slow_feed, slow, |i| ok(&slow_feed, slow, i, 300, 4));
		Hosting::offchain_worker(System::block_number());
	});
	let ratings: HashMap<RequestId, RatingOutcome> =
		submitted(&n.pool).into_iter().map(|(r, _)| (r.request_id, r.outcome)).collect();
	let figures = |id| match ratings[&id].clone() {
		RatingOutcome::Normal { latency_ms, bandwidth_bytes_per_sec, bytes, .. } => {
			(latency_ms, bandwidth_bytes_per_sec, bytes)
		},
		other => panic!("request {id}: expected Normal, got {other:?}"),
	};
	let (fast_latency, fast_bandwidth, fast_bytes) = figures(fast);
	// The worker slept on the oldest awaited header (the fast one's), so its
	// headers were timed when they came, not at the next poll.
	assert_eq!(fast_latency, 7);
	// The fast bodies were read and verified while the slow headers were
	// awaited, and the worker slept on the body it was reading, not on the slow
	// headers: its transfer window is exactly its own 5 ms, not the ~290 ms
	// until the slow benchmark's headers came nor 5 ms rounded to a poll.
	assert_eq!(
		fast_bandwidth,
		fast_bytes * 1000 / 5,
		"{fast_bandwidth} B/s for {fast_bytes} bytes"
	);
	assert_eq!(figures(slow).0, 300);
}

/// What a misbehaving hoster sends for every chunk, and the rating it earns.
/// A misbehaviour's name, its replies, the rating it earns, and the
/// `Content-Length` its replies declare when it is not their own length.
type Misbehaviour =
	(&'static str, Box<dyn Fn(&TestFeed, RequestId, u64) -> Reply>, RatingOutcome, Option<usize>);

#[test]
fn a_misbehaving_hoster_changes_only_its_own_rating() {
	// Each answers its headers (3 ms) before the healthy hoster (7 ms), so the
	// worker has its bodies to read, or sleep on, while the healthy one's come.
	let cases: Vec<Misbehaviour> = vec![
		(
			"headers, half a body, then nothing",
			Box::new(|f, id, i| {
				let body = served(f, id, i).encode();
				Reply::Stall {
					status: 200,
					partial: body[..body.len() / 2].to_vec(),
					first_byte_ms: 3,
				}
			}),
			RatingOutcome::Timeout,
			None,
		),
		(
			"a body trickled over a minute",
			Box::new(|f, id, i| Reply::Serve {
				status: 200,
				body: served(f, id, i).encode(),
				first_byte_ms: 3,
				body_ms: 60_000,
			}),
			RatingOutcome::Timeout,
			None,
		),
		(
			"an endless body",
			Box::new(|_, _, _| Reply::Stall {
				status: 200,
				partial: vec![7; 4 * MAX_BODY_BYTES],
				first_byte_ms: 3,
			}),
			RatingOutcome::Error(MeasurementFailure::Encoding),
			None,
		),
		(
			"an oversized body at once",
			Box::new(|_, _, _| Reply::Serve {
				status: 200,
				body: vec![7; MAX_BODY_BYTES + 1],
				first_byte_ms: 3,
				body_ms: 0,
			}),
			RatingOutcome::Error(MeasurementFailure::Encoding),
			None,
		),
		(
			"a redirect",
			Box::new(|_, _, _| Reply::Serve {
				status: 302,
				body: Vec::new(),
				first_byte_ms: 3,
				body_ms: 0,
			}),
			RatingOutcome::Error(MeasurementFailure::Http(302)),
			None,
		),
		(
			"garbage",
			Box::new(|_, _, i| Reply::Serve {
				status: 200,
				body: (0..3000u32).map(|b| (b * 31 + i as u32) as u8).collect(),
				first_byte_ms: 3,
				body_ms: 2,
			}),
			RatingOutcome::Error(MeasurementFailure::Encoding),
			None,
		),
		(
			"a body longer than its Content-Length says",
			Box::new(|f, id, i| ok(f, id, i, 3, 2)),
			RatingOutcome::Error(MeasurementFailure::Encoding),
			Some(100),
		),
	];
	for (name, misbehave, expected, declared) in cases {
		let mut n = two_attestors();
		let (healthy_feed, healthy, bad_feed, bad) = n.ext.execute_with(|| {
			let healthy_feed = TestFeed::new(7, 9);
			let bad_feed = TestFeed::new(8, 9);
			let (_, healthy) = register_on(&healthy_feed, "Dave");
			let (_, bad) = register_on(&bad_feed, "Ferdie");
			next_block();
			assert!(assigned(healthy).contains(&"Alice") && assigned(bad).contains(&"Alice"));
			(healthy_feed, healthy, bad_feed, bad)
		});
		n.ext.execute_with(|| {
			script(&n.net, &healthy_feed, healthy, |i| ok(&healthy_feed, healthy, i, 7, 5));
			script(&n.net, &bad_feed, bad, |i| misbehave(&bad_feed, bad, i));
			for i in 0..declared.map_or(0, |_| bad_feed.length()) {
				n.net.declare_length(url(&bad_feed, bad, i), declared.unwrap_or_default());
			}
			Hosting::offchain_worker(System::block_number());
		});
		let ratings: HashMap<RequestId, RatingOutcome> =
			submitted(&n.pool).into_iter().map(|(r, _)| (r.request_id, r.outcome)).collect();
		assert_eq!(ratings[&bad], expected, "{name}");
		let RatingOutcome::Normal {
			latency_ms,
			bandwidth_bytes_per_sec,
			bytes,
			chunks_verified,
			..
		} = ratings[&healthy].clone()
		else {
			panic!("{name}: the healthy hoster got {:?}", ratings[&healthy])
		};
		// Its own figures, to the millisecond: headers at 7 ms, bodies over 5 ms.
		assert_eq!((latency_ms, chunks_verified), (7, 4), "{name}");
		assert_eq!(bandwidth_bytes_per_sec, bytes * 1000 / 5, "{name}");
		// Both ratings went in one batch, which the chain accepts.
		assert_eq!(batch_sizes(&n.pool), vec![2], "{name}");
		let call = calls(&n.pool).remove(0);
		n.ext.execute_with(|| {
			assert_eq!(submit_call(call), Ok(()), "{name}");
			for id in [healthy, bad] {
				assert!(request(id).has_voted(&account("Alice")), "{name}: request {id}");
			}
		});
	}
}

#[test]
fn ratings_beyond_the_batch_limit_go_in_several_transactions() {
	let max = <<Test as Config>::MaxRatingsPerBatch as Get<u32>>::get() as usize;
	let mut n = two_attestors();
	let (feed, ids) = n.ext.execute_with(|| {
		let (feed, feed_id, first) = registered("Dave");
		// Three hosters, each with as many on-demand requests open as it may
		// have, `MaxOnDemandPerBlock` a block, until one more than a batch holds.
		let hosters = ["Dave", "Ferdie", "Charlie"];
		for name in &hosters[1..] {
			assert_ok!(Hosting::register_hoster(
				RuntimeOrigin::signed(account(name)),
				form(name),
				feed_id
			));
		}
		let mut turn = 0;
		while NextRequestId::<Test>::get() - first <= max as u64 {
			let hoster = account(hosters[turn % hosters.len()]);
			turn += 1;
			if Hosting::request_performance_benchmark(
				RuntimeOrigin::signed(account("Eve")),
				hoster,
				feed_id,
			)
			.is_err()
			{
				next_block();
			}
		}
		next_block();
		(feed, (first..NextRequestId::<Test>::get()).collect::<Vec<RequestId>>())
	});
	let pool = n.pool.clone();
	n.ext.execute_with(|| {
		for &id in &ids {
			script(&n.net, &feed, id, |i| ok(&feed, id, i, 5, 5));
		}
		Hosting::offchain_worker(System::block_number());
		// The one left over goes alone, as `performance_benchmark_response`.
		assert_eq!(batch_sizes(&pool), vec![max, 1]);
		let rated: Vec<RequestId> = submitted(&pool).iter().map(|(r, _)| r.request_id).collect();
		assert_eq!(rated, ids);
	});
}

#[test]
fn a_hoster_that_left_is_rated_unreachable_without_fetching() {
	let mut n = two_attestors();
	let (_, id) = setup(&mut n);
	n.ext.execute_with(|| {
		assert_ok!(Hosting::unregister_hoster(RuntimeOrigin::signed(account("Dave"))));
		assert!(BenchmarkRequests::<Test>::get(id).is_some());
	});
	assert_eq!(run_once(&mut n), RatingOutcome::Error(MeasurementFailure::Unreachable));
	assert!(n.net.requested().is_empty());
}

#[test]
fn a_hoster_that_moves_after_its_committee_is_drawn_is_measured_where_it_was() {
	let mut n = two_attestors();
	let (feed, id) = setup(&mut n);
	n.ext.execute_with(|| {
		// Dave moves its endpoint and its contact key after the committee was drawn.
		let mut moved = form("Dave");
		moved.endpoint = b"http://203.0.113.9:8900".to_vec().try_into().unwrap();
		moved.contact_key = contact("Dave2").public().0;
		assert_ok!(Hosting::update_registration(RuntimeOrigin::signed(account("Dave")), moved));
		// Only the endpoint and key it had then answer (script routes them).
		script(&n.net, &feed, id, |i| ok(&feed, id, i, 20, 2));
	});
	assert!(matches!(run_once(&mut n), RatingOutcome::Normal { .. }));
	assert!(n.net.started().iter().all(|r| r.url.starts_with("http://127.0.0.1:8900/")));
	let (rating, signature) = submitted(&n.pool).remove(0);
	n.ext.execute_with(|| assert_eq!(submit(rating, signature), Ok(())));
}
