import type { Command } from '../args/command.js';
import { readArtifact, type ArtifactContents } from '../../artifact/reader.js';
import { inspectReport } from '../../artifact/report.js';
import { eachTarget, openFromCli, printJson, withSourceOptions, type SourceOptions } from '../common.js';
import { renderInspect } from '../render/inspect-text.js';
import { withDeadline } from '../network-options.js';
import { writeOut } from '../stdout.js';

export function registerInspect(program: Command): void {
  withSourceOptions(
    program
      .command('inspect')
      .description('summarise an artifact: manifest, IO, ops, metadata, metrics, members (reads only what it needs)')
      .argument('<artifact...>', 'a .fnnx/.pyfnx/.dfs/.luml file, a directory, or an http(s) URL; several are summarised one after another')
      .option('--json', 'print a JSON object instead of the summary'),
  ).action(async (targets: string[], opts: SourceOptions & { json?: boolean }) => {
    const inspectOne = (target: string) =>
      withDeadline(opts, async (signal) => {
        const store = await openFromCli(target, opts, signal);
        try {
          return { contents: await readArtifact(store, { limits: opts.limit, signal }), label: store.label };
        } finally {
          await store.close();
        }
      });
    if (targets.length === 1) return show(await inspectOne(targets[0]!), opts.json === true);
    await eachTarget(targets, opts.json === true, async (target) => {
      const read = await inspectOne(target);
      if (!opts.json) await show(read, false);
      return { result: inspectReport(read.contents, read.label), exit: 0 };
    });
  });
}

async function show({ contents, label }: { contents: ArtifactContents; label: string }, json: boolean): Promise<void> {
  if (json) await printJson(inspectReport(contents, label));
  else await writeOut(renderInspect(contents, label));
}
