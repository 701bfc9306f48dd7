import type { Command } from '../args/command.js';

type Register = (program: Command) => void;

/**
 * Every subcommand by name, one line per command module. Loaded on demand: a run loads only the
 * module of the command it names (start-up is paid by every command; bench/startup.mjs).
 */
export const commandLoaders: ReadonlyMap<string, () => Promise<Register>> = new Map<string, () => Promise<Register>>([
  ['inspect', async () => (await import('./inspect.js')).registerInspect],
  ['index', async () => (await import('./index-cmd.js')).registerIndex],
  ['cat', async () => (await import('./cat.js')).registerCat],
  ['download', async () => (await import('./download.js')).registerDownload],
  ['extract', async () => (await import('./extract.js')).registerExtract],
  ['validate', async () => (await import('./validate.js')).registerValidate],
  ['pack', async () => (await import('./pack.js')).registerPack],
  ['describe', async () => (await import('./describe.js')).registerDescribe],
  ['verify', async () => (await import('./verify.js')).registerVerify],
  ['append-meta', async () => (await import('./append-meta.js')).registerAppendMeta],
  ['patch-manifest', async () => (await import('./patch-manifest.js')).registerPatchManifest],
  ['card', async () => (await import('./card.js')).registerCard],
  ['new', async () => (await import('./new.js')).registerNew],
  ['upload', async () => (await import('./upload.js')).registerUpload],
  ['page', async () => (await import('./page.js')).registerPage],
  ['diff', async () => (await import('./diff.js')).registerDiff],
]);
