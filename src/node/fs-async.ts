/**
 * Promise forms of the file-system calls the read path makes (inspect, validate, describe, cat…),
 * on node:fs's callbacks. Why not node:fs/promises: loading it costs every command ~0.8 ms of
 * start-up (it brings readline and the file watchers along; bench/startup.mjs), and a pre-upload
 * hook runs one command per artifact. Writers keep node:fs/promises: they start no faster for it
 * and use its FileHandle.
 */
import { close, fstat, lstat, open, read, readdir, readFile, stat } from 'node:fs';
import { promisify } from 'node:util';

export const statAsync = promisify(stat);
export const lstatAsync = promisify(lstat);
export const fstatAsync = promisify(fstat);
export const openAsync = promisify(open);
export const readAsync = promisify(read);
export const closeAsync = promisify(close);
export const readdirAsync = promisify(readdir);
export const readFileAsync = promisify(readFile);
