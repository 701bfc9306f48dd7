import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type PythonListing =
  | { ok: true; members: Array<[name: string, kind: string, offset: number, offsetData: number, size: number]> }
  | { ok: false; error: string };

/**
 * One long-lived python3 running tarfile over archives sent to it in turn (uncompressed mode
 * "r:", as the kit reads), so hundreds of property-test cases cost one interpreter start.
 */
export class PythonTarLister {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<{ resolve: (listing: PythonListing) => void; reject: (e: Error) => void }> = [];

  constructor() {
    this.child = spawn('python3', [fileURLToPath(new URL('./python-tar-list.py', import.meta.url))]);
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.resolve(JSON.parse(line) as PythonListing));
    // A crashed helper fails the waiting cases at once instead of leaving them to the test timeout.
    const fail = (e: Error) => {
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    this.child.on('error', fail);
    this.child.on('exit', (code) => fail(new Error(`python3 tarfile helper exited (${code})`)));
  }

  list(bytes: Uint8Array): Promise<PythonListing> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${Buffer.from(bytes).toString('base64')}\n`);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }
}
