/**
 * The worker half of describeBlob: reads the File it is sent and runs it through the Describer,
 * reporting progress, so the page's thread stays free while a large file is hashed.
 */
import { wasmHasher } from '../hash/wasm-hasher.js';
import { describeBlobHere } from './blob-describer.js';
import { toWire, type FromWorker, type ToWorker } from '../describe/worker-protocol.js';

const scope = globalThis as unknown as {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorker>) => void): void;
};

scope.addEventListener('message', (e) => {
  const { blob, fileName } = e.data.describe;
  describeBlobHere(blob, fileName, { hasher: wasmHasher, onProgress: (done) => scope.postMessage({ progress: done }) }).then(
    (result) => scope.postMessage({ result }),
    (err: unknown) => scope.postMessage({ error: toWire(err) }),
  );
});
