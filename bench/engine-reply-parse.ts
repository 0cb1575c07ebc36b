// Benchmark (not a test): how fast the engine's ReplyReader turns realistic SMTP server traffic
// into replies. Target (DESIGN.md, performance): >= 200 MB/s in one process.
//
// The stream repeats a session-shaped block (greeting, 10-line EHLO reply, 250/550/454 replies)
// to about 64 MB, and hands it to the reader in chunks of mixed sizes (1460 = a typical TCP
// segment, plus odd and large ones) so replies and lines straddle chunk boundaries.
//
// Run: node --import tsx bench/engine-reply-parse.ts
// The engine is not exported from its package index yet, so this imports the source file.
import { pathToFileURL } from 'node:url';
import type { ReplyReader as ReplyReaderClass } from '@relayprobe/engine';

// Loaded with import() so the engine runs as the ES module it is (the bench folder is CommonJS
// under tsx, and a static import would route every engine call through CJS interop getters).
type ReaderModule = { ReplyReader: typeof ReplyReaderClass };

const TARGET_BYTES = 64e6;
const CHUNK_SIZES = [1460, 1460, 1460, 517, 4096, 65536, 1460, 333];
const RUNS = 5;

const SESSION = [
  '220 mx.example.com ESMTP Postfix (Debian/GNU)',
  '250-mx.example.com',
  '250-PIPELINING',
  '250-SIZE 10240000',
  '250-VRFY',
  '250-ETRN',
  '250-STARTTLS',
  '250-ENHANCEDSTATUSCODES',
  '250-8BITMIME',
  '250-DSN',
  '250 CHUNKING',
  '250 2.0.0 Ok',
  '250 2.1.0 Ok',
  '554 5.7.1 <relayprobe-3f9a2c@example.net>: Relay access denied',
  '250 2.0.0 Ok',
  '250 2.1.0 Ok',
  '454 4.7.1 <relayprobe-3f9a2c@example.net>: Relay access denied',
  '250 2.0.0 Ok',
  '550 5.1.1 <random-nonexistent@mx.example.com>: Recipient address rejected: User unknown in local recipient table',
  '250 2.1.5 Ok',
  '221 2.0.0 Bye',
];

function buildStream(): { chunks: Uint8Array[]; bytes: number; replies: number } {
  const block = new TextEncoder().encode(SESSION.map((line) => `${line}\r\n`).join(''));
  const repeats = Math.floor(TARGET_BYTES / block.length);
  const stream = new Uint8Array(block.length * repeats);
  for (let i = 0; i < repeats; i++) stream.set(block, i * block.length);
  const chunks: Uint8Array[] = [];
  for (let offset = 0, i = 0; offset < stream.length; i++) {
    const size = CHUNK_SIZES[i % CHUNK_SIZES.length]!;
    chunks.push(stream.subarray(offset, offset + size));
    offset += size;
  }
  // Replies per block: every line but the 9 EHLO continuations ends a reply.
  return { chunks, bytes: stream.length, replies: repeats * (SESSION.length - 9) };
}

function parseOnce({ ReplyReader }: ReaderModule, chunks: Uint8Array[]): number {
  const reader = new ReplyReader({ maxSessionBytes: Number.MAX_SAFE_INTEGER });
  let replies = 0;
  for (const chunk of chunks) {
    const result = reader.push(chunk);
    if (result.error !== undefined) throw new Error(`benchmark stream rejected: ${result.error.message}`);
    replies += result.replies.length;
  }
  return replies;
}

/** Measure reply parsing throughput and print one line. */
export async function run(): Promise<void> {
  const engine = (await import('@relayprobe/engine')) as ReaderModule;
  const { chunks, bytes, replies } = buildStream();
  // Warm-up, and a check that the stream parses to what it holds.
  if (parseOnce(engine, chunks) !== replies) throw new Error('benchmark parsed the wrong number of replies');
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    parseOnce(engine, chunks);
    best = Math.min(best, performance.now() - start);
  }
  const mb = bytes / 1e6;
  console.log(`engine reply parsing: ${(mb / (best / 1000)).toFixed(1)} MB/s (${mb.toFixed(1)} MB, best of ${RUNS})`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
