/**
 * Promise forms of the file-system calls the read path makes (inspect, validate, describe, cat…),
 * on node:fs's callbacks. Why not node:fs/promises: loading it costs every command ~0.8 ms of
 * start-up (it brings readline and the file watchers along; bench/startup.mjs), and a pre-upload
 * hook runs one command per artifact. Plain wrappers rather than util.promisify, whose wrappers
 * cost start-up too. Writers keep node:fs/promises: they start no faster for it and use its
 * FileHandle.
 */
import {
  close,
  closeSync,
  fstat,
  fstatSync,
  lstat,
  open,
  openSync,
  read,
  readdir,
  readFile,
  readSync,
  stat,
  statSync,
  type Dirent,
  type Stats,
} from 'node:fs';

type Callback<T> = (e: NodeJS.ErrnoException | null, value: T) => void;

function settle<T>(start: (done: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => start((e, value) => (e ? reject(e) : resolve(value))));
}

export const statAsync = (path: string) => settle<Stats>((done) => stat(path, done));
export const lstatAsync = (path: string) => settle<Stats>((done) => lstat(path, done));
export const fstatAsync = (fd: number) => settle<Stats>((done) => fstat(fd, done));
export const openAsync = (path: string, flags: string | number) => settle<number>((done) => open(path, flags, done));
export const closeAsync = (fd: number) => settle<void>((done) => close(fd, (e) => done(e, undefined)));
export const readdirAsync = (path: string) => settle<string[]>((done) => readdir(path, done));
/** Names with the types the directory itself records (d_type): no stat per entry. */
export const readdirTypedAsync = (path: string) => settle<Dirent[]>((done) => readdir(path, { withFileTypes: true }, done));
export function readFileAsync(path: string): Promise<Buffer>;
export function readFileAsync(path: string, encoding: 'utf8'): Promise<string>;
export function readFileAsync(path: string, encoding?: 'utf8'): Promise<Buffer | string> {
  return encoding ? settle<string>((done) => readFile(path, encoding, done)) : settle<Buffer>((done) => readFile(path, done));
}
/** pread: `length` bytes at `position` into `buffer` from `offset`. */
export const readAsync = (fd: number, buffer: Uint8Array, offset: number, length: number, position: number) =>
  settle<{ bytesRead: number }>((done) => read(fd, buffer, offset, length, position, (e, bytesRead) => done(e, { bytesRead })));

/** The calls a local file source makes (FileSource, openStore), in one of two modes. */
export interface FileCalls {
  open(path: string, flags: number): Promise<number>;
  fstat(fd: number): Promise<Stats>;
  stat(path: string): Promise<Stats>;
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(fd: number): Promise<void>;
}

/** On the thread pool: the caller's event loop runs on meanwhile (the library's default). */
const threadPoolCalls: FileCalls = { open: openAsync, fstat: fstatAsync, stat: statAsync, read: readAsync, close: closeAsync };

/** The calls of one mode: `blocking` for a caller with nothing else to run (see blockingCalls). */
export function fileCalls(blocking = false): FileCalls {
  return blocking ? blockingCalls : threadPoolCalls;
}

/**
 * Blocking calls never return to the event loop by themselves: a long run of them would hold off
 * signal handlers (Ctrl-C, src/cli/interrupt.ts) and timers until the whole command is done. So
 * after every YIELD_BYTES of blocking I/O the loop gets a turn (one macrotask: microseconds).
 */
const YIELD_BYTES = 64 << 20;

/** A counter of blocking I/O that resolves through a loop turn once YIELD_BYTES have passed since the last. */
export function loopTurns(): (bytes: number) => Promise<void> | undefined {
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < YIELD_BYTES) return undefined;
    since = 0;
    return new Promise((resolve) => setImmediate(resolve));
  };
}

const readTurns = loopTurns();

/**
 * Blocking the calling thread: no thread-pool round trip per call, each of which waits for the
 * main thread to be scheduled again. For a caller with nothing else to run (the CLI, whose reads
 * of a small artifact are a dozen calls of microseconds each).
 */
const blockingCalls: FileCalls = {
  open: async (path, flags) => openSync(path, flags),
  fstat: async (fd) => fstatSync(fd),
  stat: async (path) => statSync(path),
  read: async (fd, buffer, offset, length, position) => {
    const bytesRead = readSync(fd, buffer, offset, length, position);
    await readTurns(bytesRead);
    return { bytesRead };
  },
  close: async (fd) => closeSync(fd),
};
