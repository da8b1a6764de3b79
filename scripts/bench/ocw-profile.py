#!/usr/bin/env python3
"""Where the attestor's off-chain worker spends its CPU, per chunk.

Reads `perf script -F tid,time,ip,sym,dso` output (samples with call chains
of the node's `offchain-worker` threads, the node run with
`WASMTIME_PROFILING_STRATEGY=perfmap` so runtime functions have names) on
standard input; takes the worker's measured CPU time in milliseconds and the
number of chunks of the run. Prints each kind of work's share of the samples
and its cost in microseconds a chunk (the share of the measured CPU time).

The kinds, decided in this order from each sample's call chain:
  keystore  the keystore deriving a key from its stored phrase (BIP-39's
            PBKDF2, SHA-512) for every signature: per run, not per chunk
  hash      BLAKE2b in the node (`sp_io::hashing::blake2_256`): the floor
  crypto    signatures made and checked (chunk seed, contact proof, the
            pool's validation of the rating batch): per benchmark
  memory    page faults: the wasm instance's memory is fresh at every run
  copies    the host copying slices into and out of the runtime's memory
  runtime   the runtime's own code (wasm)
  host      the rest: HTTP API bookkeeping, allocator, dispatch, scheduler
Usage: perf script ... | ocw-profile.py CPU_MS CHUNKS
"""
import collections
import re
import sys

KINDS = [
    ('keystore', ('sha512', 'bip39', 'pbkdf2')),
    ('hash', ('blake2b', 'blake2_256', 'Blake2')),
    ('crypto', ('curve25519', 'schnorrkel', 'ed25519', 'merlin', 'sr25519', 'zebra')),
    ('memory', ('asm_exc_page_fault',)),
]


def kind(frames):
    chain = ' '.join(frames)
    for name, marks in KINDS:
        if any(mark in chain for mark in marks):
            return name
    leaf = frames[0]
    if 'perf-' in leaf:
        return 'runtime'
    if re.search(r'mem(move|cpy)|read_memory_into|write_memory_from', leaf):
        return 'copies'
    return 'host'


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    cpu_ms, chunks = float(sys.argv[1]), int(sys.argv[2])
    if cpu_ms <= 0 or chunks <= 0:
        sys.exit('ocw-profile.py: CPU_MS and CHUNKS must be positive')
    counts = collections.Counter()
    for sample in sys.stdin.read().strip().split('\n\n'):
        lines = sample.strip().splitlines()
        frames = [line.strip() for line in lines[1:] if line.strip()]
        if frames:
            counts[kind(frames)] += 1
    total = sum(counts.values())
    if total == 0:
        sys.exit('ocw-profile.py: no samples of the off-chain worker')
    print(f'{total} samples of the off-chain worker, {cpu_ms} ms of CPU, {chunks} chunks')
    for name in [name for name, _ in KINDS] + ['copies', 'runtime', 'host']:
        n = counts[name]
        print(f'  {name:9} {100 * n / total:5.1f}%  {cpu_ms * 1000 * n / total / chunks:6.1f} us a chunk')


if __name__ == '__main__':
    main()
