/**
 * Members in, tar bytes out, on tar-stream's packer: one member at a time, each body streamed
 * through with backpressure, every output chunk handed to `sink` in order (and awaited), so
 * memory is bounded by a chunk whatever the member sizes.
 */
import { pack as createPack, type Pack } from 'tar-stream';
import { SourceError, UsageError } from '../errors.js';
import { checkMemberPath } from '../safety/member-path.js';
import { fileHeader } from './tar-header.js';
import { bodySize, type MemberInput } from '../artifact/member-input.js';
import { DeliveryTracker } from './delivery.js';

/**
 * Receives the archive's bytes in order. It may keep using a chunk after it returns, but only
 * until its next call returns (or the writer finishes): a file sink can write one chunk while the
 * next is being hashed. Bodies that recycle buffers rely on this.
 */
export type ChunkSink = (chunk: Uint8Array) => Promise<void> | void;

export interface TarWriteOptions {
  mtime?: Date;
}

/** Refuses names a careful extractor would refuse, and names that would not round-trip. */
export function checkWritableName(name: string): void {
  const problem = checkMemberPath(name);
  if (problem) throw new UsageError(problem.code, problem.message, { member: name });
  if (name.includes('\\') || name.split('/').some((s) => s === '' || s === '.')) {
    throw new UsageError('MEMBER_NAME_NOT_PLAIN', 'member name must be a plain relative path: "/"-separated, no empty, "." or "\\" parts', {
      member: name,
    });
  }
}

export async function writeTar(
  members: AsyncIterable<MemberInput> | Iterable<MemberInput>,
  sink: ChunkSink,
  options: TarWriteOptions = {},
): Promise<void> {
  const pack = createPack();
  const tracker = new DeliveryTracker();
  const produce = (async () => {
    const seen = new Set<string>();
    let index = 0;
    for await (const m of members) {
      checkWritableName(m.name);
      if (seen.has(m.name)) throw new UsageError('MEMBER_EXISTS', 'the same member name is given twice', { member: m.name });
      seen.add(m.name);
      await writeMember(pack, m, options.mtime, (end) => tracker.delivered(index, end));
      index++;
    }
    pack.finalize();
  })();
  // If producing fails, stop the packer so the consumer loop ends too.
  produce.catch((e: unknown) => pack.destroy(e instanceof Error ? e : new Error(String(e))));
  const consume = (async () => {
    for await (const chunk of pack as AsyncIterable<Uint8Array>) {
      tracker.seen(chunk);
      await sink(chunk);
      tracker.sank(chunk.length);
    }
  })();
  // However the output ends, a body waiting for delivery must not wait forever.
  consume.then(
    () => tracker.stop(new Error('the tar stream ended')),
    (e: unknown) => tracker.stop(e),
  );
  await Promise.all([produce, consume]);
}

/** Resolves once the sink is done with the member's data up to byte `end` (exclusive). */
type Delivered = (end: number) => Promise<void>;

async function writeMember(pack: Pack, m: MemberInput, mtime: Date | undefined, delivered: Delivered): Promise<void> {
  const size = bodySize(m.body);
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry(fileHeader(m.name, size, mtime), (err) => (err ? reject(err) : resolve()));
    // Failures arrive through the callback above; without a listener the stream would throw them again.
    entry.on('error', () => undefined);
    void feed(entry, m, size, delivered).catch(reject);
  });
}

type EntrySink = ReturnType<Pack['entry']>;

/**
 * Streams a body into its entry one chunk at a time, asking for the next chunk only once the sink
 * has returned for the call holding this chunk's last byte (so, by the sink's contract, it is done
 * with everything before): a body may reuse a chunk's buffer two chunks later
 * (recycledFileChunks does), and memory stays at a few chunks. Delivery is told by archive
 * position (DeliveryTracker), so it holds whatever tar-stream does with the chunk objects.
 */
async function feed(entry: EntrySink, m: MemberInput, size: number, delivered: Delivered): Promise<void> {
  if (m.body instanceof Uint8Array) {
    entry.end(m.body);
    return;
  }
  let written = 0;
  for await (const chunk of m.body.open()) {
    written += chunk.length;
    if (written > size) break;
    if (chunk.length === 0) continue;
    entry.write(chunk);
    await delivered(written);
  }
  if (written !== size) {
    throw new SourceError(
      'SIZE_CHANGED',
      `expected ${size} bytes, the source gave ${written > size ? 'more' : written}; did it change while being packed?`,
      {
        member: m.name,
      },
    );
  }
  entry.end(undefined);
}
