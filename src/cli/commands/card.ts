import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { newHexId } from '../../append/ids.js';
import { ioError } from '../../node/file-source.js';
import { UsageError } from '../../errors.js';
import type { CardFile } from '../../node/card-zip.js';
import { collectLimit, limitsHelp } from '../limits-option.js';
import { printAppendResult } from '../render/append-text.js';
import { writeAll } from '../stdout.js';
import { DROP_TRAILING_HELP } from '../common.js';

const PRODUCER = { name: 'fnnx-kit', version: '0.1.0' };

async function cardFile(name: string, path: string): Promise<CardFile> {
  const bytes = await readFile(path).catch((e: unknown) => {
    throw ioError(e, path);
  });
  return { name, bytes: new Uint8Array(bytes) };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerCard(program: Command): void {
  const card = program.command('card').description('HTML model cards, laid out as the registry reads them (meta_artifacts/<id>/model_card.zip)');
  card
    .command('add')
    .description('append a model card: model_card.zip (index.html + assets, deflated) and a sidecar entry tagged dataforce.studio::model_card:v1')
    .argument('<artifact>', 'a tar artifact file, or a directory-form artifact')
    .argument('<card.html>', 'the card page; stored as index.html')
    .option('--asset <path>', 'a file the page refers to, stored beside index.html under its base name; repeatable', collect)
    .option('--drop-trailing', DROP_TRAILING_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (target: string, html: string, opts: { asset?: string[]; json?: boolean; dropTrailing?: boolean }) => {
      const { cardAppendMembers } = await import('../../append/card.js');
      const { appendToArtifact } = await import('../../node/append-file.js');
      const { buildCardZip } = await import('../../node/card-zip.js');
      const files = [await cardFile('index.html', html)];
      for (const a of opts.asset ?? []) {
        const name = basename(a);
        if (files.some((f) => f.name === name)) throw new UsageError('DUPLICATE_ASSET', `two card files would be named "${name}"`);
        files.push(await cardFile(name, a));
      }
      const zip = await buildCardZip(files);
      const result = await appendToArtifact(target, async () => cardAppendMembers(zip, newHexId(), PRODUCER), { dropTrailing: opts.dropTrailing === true });
      printAppendResult(result, opts.json === true);
    });
  card
    .command('show')
    .description("print the newest model card's index.html (read by byte range: works on URLs without downloading the artifact)")
    .argument('<artifact>', 'a tar artifact file, a directory, or an http(s) URL')
    .option('--limit <name=value>', limitsHelp(), collectLimit)
    .action(async (target: string, opts: { limit?: Record<string, number> }) => {
      const { readNewestCard } = await import('../../node/card-zip.js');
      const { openStore } = await import('../../node/open.js');
      const store = await openStore(target, { limits: opts.limit });
      try {
        const { html } = await readNewestCard(store, opts.limit);
        await writeAll(process.stdout, html);
      } finally {
        await store.close();
      }
    });
}
