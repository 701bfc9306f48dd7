/** The worker half of describeLocalInWorker: one describe pass, progress now and then, one answer. */
import { parentPort } from 'node:worker_threads';
import { toWire } from '../describe/worker-protocol.js';
import { describeLocalHere, WORKER_PROGRESS_EVERY, type FromDescribeWorker, type ToDescribeWorker } from './describe-local.js';

const port = parentPort!;
const send = (m: FromDescribeWorker) => port.postMessage(m);

port.once('message', ({ path, options }: ToDescribeWorker) => {
  let reported = 0;
  const onProgress = (done: number) => {
    if (done - reported < WORKER_PROGRESS_EVERY) return;
    reported = done;
    send({ progress: done });
  };
  describeLocalHere(path, { ...options, onProgress }).then(
    (result) => send({ result }),
    (e: unknown) => send({ error: toWire(e) }),
  );
});
