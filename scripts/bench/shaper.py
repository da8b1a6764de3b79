#!/usr/bin/env python3
"""A small TCP shaping proxy for tests (the kernel here has no netem).

Forwards 127.0.0.1:LISTEN to TARGET. Bytes flowing back from the target (the
responses) are held for DELAY milliseconds and then released no faster than
RATE megabits per second, shared by all connections (one link). Requests pass
unshaped. Stops on SIGTERM/SIGINT.

    shaper.py --listen 9001 --target 127.0.0.1:8900 --delay-ms 50 --rate-mbit 20
"""
import argparse
import asyncio
import signal
import socket
import time


def no_delay(writer):
    """Small segments must leave at once (no Nagle), as on a real link."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class Link:
    """A token bucket shared by all connections: RATE bits per second, small burst."""

    def __init__(self, rate_mbit):
        self.rate = rate_mbit * 1_000_000 / 8 if rate_mbit > 0 else None  # bytes per second
        self.next_free = time.monotonic()
        self.lock = asyncio.Lock()

    async def send_slot(self, size):
        """Waits until a segment of `size` bytes may start on the link; the link is
        then busy for size / rate seconds (the next segment waits for that)."""
        if self.rate is None:
            return
        async with self.lock:
            now = time.monotonic()
            start = max(now, self.next_free)
            self.next_free = start + size / self.rate
        if start > now:
            await asyncio.sleep(start - now)


async def pipe(reader, writer, delay, link):
    """Copies reader to writer; with a delay, each piece leaves `delay` s after it arrived."""
    queue = asyncio.Queue()

    async def pump():
        while True:
            data = await reader.read(16384)
            await queue.put((time.monotonic(), data))
            if not data:
                return

    task = asyncio.create_task(pump())
    try:
        while True:
            arrived, data = await queue.get()
            if not data:
                break
            wait = arrived + delay - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if link is None or link.rate is None:
                # No rate cap: forward the piece whole (the proxy's own CPU must
                # not become the bottleneck of a run with hundreds of transfers).
                writer.write(data)
                await writer.drain()
                continue
            # Paced in 4 KiB segments, so a transfer ends within one segment's time of the cap.
            for i in range(0, len(data), 4096):
                segment = data[i:i + 4096]
                if link:
                    await link.send_slot(len(segment))
                writer.write(segment)
                await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        task.cancel()
        try:
            writer.close()
        except Exception:
            pass


async def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--listen", type=int, required=True)
    p.add_argument("--target", required=True)
    p.add_argument("--delay-ms", type=float, default=0)
    p.add_argument("--rate-mbit", type=float, default=0, help="0: no cap")
    a = p.parse_args()
    host, port = a.target.rsplit(":", 1)
    link = Link(a.rate_mbit)

    async def handle(client_reader, client_writer):
        try:
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        no_delay(client_writer)
        no_delay(up_writer)
        try:
            await asyncio.gather(
                pipe(client_reader, up_writer, 0, None),
                pipe(up_reader, client_writer, a.delay_ms / 1000, link),
            )
        except asyncio.CancelledError:
            # The proxy is stopping (the next grid point): drop the connection quietly.
            for w in (client_writer, up_writer):
                w.close()

    server = await asyncio.start_server(handle, "127.0.0.1", a.listen)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
