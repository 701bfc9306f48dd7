import type { Command } from '../args/command.js';
import { newHexId } from '../../append/ids.js';
import { printAppendResult } from '../render/append-text.js';
import { DROP_TRAILING_HELP, readJsonFile } from '../common.js';

interface PatchOptions {
  patch: string;
  json?: boolean;
  dropTrailing?: boolean;
}

export function registerPatchManifest(program: Command): void {
  program
    .command('patch-manifest')
    .description(
      'append an RFC 6902 manifest patch (add/replace only) as manifest-<hex>.patch.json; refused unless the resulting manifest is valid',
    )
    .argument('<artifact>', 'a tar artifact file, or a directory-form artifact')
    .requiredOption('--patch <file.json>', 'a JSON array of {op: "add"|"replace", path, value}')
    .option('--drop-trailing', DROP_TRAILING_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (target: string, opts: PatchOptions) => {
      const { patchAppendMembers } = await import('../../append/patch.js');
      const { appendToArtifact } = await import('../../node/append-file.js');
      const { checkedPlanner } = await import('../../append/checked.js');
      const doc = await readJsonFile(opts.patch);
      const plan = checkedPlanner(
        async (store, contents) => (await patchAppendMembers(store, contents, doc, newHexId(), { source: opts.patch })).members,
        target,
        {
          file: opts.patch,
          as: 'the --patch file',
        },
      );
      const result = await appendToArtifact(target, plan, { dropTrailing: opts.dropTrailing === true });
      await printAppendResult(result, opts.json === true);
    });
}
