import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from '../args/command.js';
import { newHexId } from '../../append/ids.js';
import { ioError } from '../../node/file-source.js';
import { UsageError } from '../../errors.js';
import type { CardFile } from '../../node/card-zip.js';
import { printAppendResult } from '../render/append-text.js';
import { writeOut } from '../stdout.js';
import { collectRepeated, DROP_TRAILING_HELP, openFromCli, withSourceOptions, type SourceOptions } from '../common.js';
import { progressBar } from '../progress.js';
import { withDeadline } from '../network-options.js';

const PRODUCER = { name: 'fnnx-kit', version: '0.1.0' };

/** Reads a card file in chunks, reporting each, so a large asset shows progress. */
async function cardFile(name: string, path: string, onBytes: (n: number) => void): Promise<CardFile> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      parts.push(chunk as Buffer);
      onBytes((chunk as Buffer).length);
    }
  } catch (e) {
    throw ioError(e, path);
  }
  return { name, bytes: new Uint8Array(Buffer.concat(parts)) };
}

/** The card files' total size, for the progress bar (a file that cannot be stat'ed fails when read). */
async function totalSize(paths: string[]): Promise<number> {
  const sizes = await Promise.all(
    paths.map((p) =>
      stat(p).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

export function registerCard(program: Command): void {
  const card = program
    .command('card')
    .description('HTML model cards, laid out as the registry reads them (meta_artifacts/<id>/model_card.zip)');
  card
    .command('add')
    .description(
      'append a model card: model_card.zip (index.html + assets, deflated) and a sidecar entry tagged dataforce.studio::model_card:v1',
    )
    .argument('<artifact>', 'a tar artifact file, or a directory-form artifact')
    .argument('<card.html>', 'the card page; stored as index.html')
    .option('--asset <path>', 'a file the page refers to, stored beside index.html under its base name; repeatable', collectRepeated)
    .option('--drop-trailing', DROP_TRAILING_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (target: string, html: string, opts: { asset?: string[]; json?: boolean; quiet?: boolean; dropTrailing?: boolean }) => {
      const { cardAppendMembers } = await import('../../append/card.js');
      const { appendToArtifact } = await import('../../node/append-file.js');
      const { buildCardZip } = await import('../../node/card-zip.js');
      const { checkedPlanner } = await import('../../append/checked.js');
      const bar = progressBar('card add: reading', await totalSize([html, ...(opts.asset ?? [])]), { quiet: opts.quiet });
      let read = 0;
      const onBytes = (n: number) => bar.update((read += n));
      const files: CardFile[] = [];
      try {
        files.push(await cardFile('index.html', html, onBytes));
        for (const a of opts.asset ?? []) {
          const name = basename(a);
          if (files.some((f) => f.name === name)) throw new UsageError('DUPLICATE_ASSET', `two card files would be named "${name}"`);
          files.push(await cardFile(name, a, onBytes));
        }
      } finally {
        bar.finish();
      }
      const zip = await buildCardZip(files);
      const plan = checkedPlanner(async () => cardAppendMembers(zip, newHexId(), PRODUCER), target, { file: html, as: 'the card page' });
      const result = await appendToArtifact(target, plan, { dropTrailing: opts.dropTrailing === true });
      await printAppendResult(result, opts.json === true);
    });
  withSourceOptions(
    card
      .command('show')
      .description("print the newest model card's index.html (read by byte range: works on URLs without downloading the artifact)")
      .argument('<artifact>', 'a tar artifact file, a directory, or an http(s) URL'),
  ).action(async (target: string, opts: SourceOptions) => {
    const { streamNewestCard } = await import('../../node/card-zip.js');
    await withDeadline(opts, async (signal) => {
      const store = await openFromCli(target, opts, signal);
      try {
        for await (const chunk of streamNewestCard(store, opts.limit)) await writeOut(chunk);
      } finally {
        await store.close();
      }
    });
  });
}
