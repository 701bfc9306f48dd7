import { basename } from 'node:path';
import type { Command } from '../args/command.js';
import { newHexId } from '../../append/ids.js';
import type { CardFile } from '../../node/card-zip.js';
import { printAppendResult } from '../render/append-text.js';
import { writeOut } from '../stdout.js';
import { interruptSignal } from '../interrupt.js';
import { collectRepeated, DROP_TRAILING_HELP, openFromCli, withSourceOptions, type SourceOptions } from '../common.js';
import { collectLimit, limitsHelp } from '../limits-option.js';
import { progressBar } from '../progress.js';
import { withDeadline } from '../network-options.js';

const PRODUCER = { name: 'fnnx-kit', version: '0.1.0' };

interface CardAddOptions {
  asset?: string[];
  json?: boolean;
  quiet?: boolean;
  dropTrailing?: boolean;
  limit?: Record<string, number>;
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
    .option('--limit <name=value>', limitsHelp(), collectLimit)
    .option('--json', 'print the result as JSON')
    .action(async (target: string, html: string, opts: CardAddOptions) => {
      const { cardAppendMembers } = await import('../../append/card.js');
      const { appendToArtifact } = await import('../../node/append-file.js');
      const { cardZipFile, planCardFiles } = await import('../../node/card-zip.js');
      const { checkedPlanner } = await import('../../append/checked.js');
      const files: CardFile[] = [{ name: 'index.html', path: html }, ...(opts.asset ?? []).map((a) => ({ name: basename(a), path: a }))];
      // Refused here, before any file is read, if card show or validate would refuse the card.
      const planned = await planCardFiles(files, opts.limit);
      const bar = progressBar(
        'card add: reading',
        planned.reduce((n, f) => n + f.size, 0),
        { quiet: opts.quiet },
      );
      let read = 0;
      const zip = await cardZipFile(planned, {
        limits: opts.limit,
        signal: interruptSignal,
        onBytes: (n) => bar.update((read += n)),
      }).finally(() => bar.finish());
      try {
        const input = { file: html, as: 'the card page' };
        const plan = checkedPlanner(async () => cardAppendMembers(zip.body, newHexId(), PRODUCER), target, input, { limits: opts.limit });
        const result = await appendToArtifact(target, plan, { dropTrailing: opts.dropTrailing === true, signal: interruptSignal });
        await printAppendResult(result, opts.json === true);
      } finally {
        await zip.close();
      }
    });
  withSourceOptions(
    card
      .command('show')
      .description("print the newest model card's index.html (read by byte range: works on URLs without downloading the artifact)")
      .argument('<artifact>', 'a tar artifact file, a directory, or an http(s) URL'),
  ).action(async (target: string, opts: SourceOptions) => {
    const { streamNewestCard } = await import('../../artifact/model-card.js');
    await withDeadline(opts, async (signal) => {
      const store = await openFromCli(target, opts, signal);
      try {
        for await (const chunk of streamNewestCard(store, { limits: opts.limit, signal })) await writeOut(chunk);
      } finally {
        await store.close();
      }
    });
  });
}
