import type { Command } from '../args/command.js';
import { newHexId } from '../../append/ids.js';
import { UsageError } from '../../errors.js';
import type { Attachment } from '../../append/meta.js';
import { fileBody } from '../../node/file-body.js';
import { collectRepeated, DROP_TRAILING_HELP, readJsonFile } from '../common.js';
import { interruptSignal } from '../interrupt.js';
import { printAppendResult } from '../render/append-text.js';

interface AppendMetaOptions {
  entry: string;
  attach?: string[];
  json?: boolean;
  dropTrailing?: boolean;
  force?: boolean;
}

async function attachment(spec: string): Promise<Attachment> {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1)
    throw new UsageError('BAD_ATTACH', `--attach ${JSON.stringify(spec)} is not name=path (e.g. report.html=./out/report.html)`);
  return { name: spec.slice(0, eq), body: await fileBody(spec.slice(eq + 1)) };
}

export function registerAppendMeta(program: Command): void {
  program
    .command('append-meta')
    .description(
      'append metadata entries as a new meta-<hex>.json sidecar (and files under meta_artifacts/<entry id>/); never rewrites existing bytes',
    )
    .argument('<artifact>', 'a tar artifact file, or a directory-form artifact')
    .requiredOption(
      '--entry <file.json>',
      'one metadata entry {id, producer, producer_version, producer_tags, payload}, or an array of them',
    )
    .option('--attach <name=path>', "a file to store under the entry's folder, repeatable (needs exactly one entry)", collectRepeated)
    .option('--drop-trailing', DROP_TRAILING_HELP)
    .option('--force', 'append a metrics entry even though an earlier one is the one readers show')
    .option('--json', 'print the result as JSON')
    .action(async (target: string, opts: AppendMetaOptions) => {
      const { checkEntries, metaAppendMembers, refuseIgnoredMetrics } = await import('../../append/meta.js');
      const { appendToArtifact } = await import('../../node/append-file.js');
      const { checkedPlanner } = await import('../../append/checked.js');
      const entries = checkEntries(await readJsonFile(opts.entry), opts.entry);
      const attachments = await Promise.all((opts.attach ?? []).map(attachment));
      const plan = checkedPlanner(
        async (_store, contents) => {
          const members = metaAppendMembers(entries, attachments, newHexId());
          if (opts.force !== true) refuseIgnoredMetrics(contents.metadata, entries, members[0]!.name);
          return members;
        },
        target,
        {
          file: opts.entry,
          as: 'the --entry file',
        },
      );
      const result = await appendToArtifact(target, plan, { dropTrailing: opts.dropTrailing === true, signal: interruptSignal });
      await printAppendResult(result, opts.json === true);
    });
}
