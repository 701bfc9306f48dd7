/**
 * The worker half of describeBlob: chunks arrive transferred (not copied), go through the
 * builder's Describer in order, and each buffer is sent back to be filled again.
 */
import { Describer } from '../describe/descriptor.js';
import { wasmHasher } from '../hash/wasm-hasher.js';
import { toWire, type FromWorker, type ToWorker } from './describe-protocol.js';

const scope = globalThis as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorker>) => void): void;
};

let describer: Describer | undefined;
let failed = false;
let queue: Promise<void> = Promise.resolve();

scope.addEventListener('message', (e) => {
  queue = queue
    .then(() => handle(e.data))
    .catch((err: unknown) => {
      failed = true;
      scope.postMessage({ error: toWire(err) });
    });
});

async function handle(msg: ToWorker): Promise<void> {
  if (failed) return;
  if ('start' in msg) {
    describer = await Describer.create({ fileName: msg.start.fileName, hasher: wasmHasher });
  } else if ('chunk' in msg) {
    describer!.push(new Uint8Array(msg.chunk, 0, msg.length));
    // The buffer goes back to the reader's pool: the Describer copies what it keeps.
    scope.postMessage({ consumed: msg.length, buffer: msg.chunk }, [msg.chunk]);
  } else {
    scope.postMessage({ result: await describer!.finish() });
  }
}
