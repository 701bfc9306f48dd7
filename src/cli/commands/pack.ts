import type { Command } from 'commander';
import { artifactInputFromDir } from '../../node/pack-dir.js';
import { packToFile } from '../../node/pack.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../common.js';
import { progressBar } from '../progress.js';
import { bodySize } from '../../build/member-input.js';

interface PackOptions {
  output: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerPack(program: Command): void {
  program
    .command('pack')
    .description('build a tar artifact from the directory form: deterministic bytes, manifest.json first; prints the upload descriptor')
    .argument('<directory>', 'an artifact in directory form (manifest.json, ops.json, … at its root)')
    .requiredOption('-o, --output <file>', 'the artifact file to write (e.g. model.fnnx); written atomically')
    .option('--json', 'print the upload descriptor as JSON')
    .option('-q, --quiet', 'no progress bar')
    .action(async (dir: string, opts: PackOptions) => {
      if (!opts.output) throw new UsageError('NO_OUTPUT', 'give the output file with -o');
      const input = await artifactInputFromDir(dir);
      const total = (input.files ?? []).reduce((n, f) => n + bodySize(f.body), 0);
      const bar = opts.quiet ? undefined : progressBar('pack', total);
      let result;
      try {
        result = await packToFile(input, opts.output, { onProgress: (n) => bar?.update(n) });
      } finally {
        bar?.finish();
      }
      const d = result.descriptor;
      if (opts.json) printJson(d);
      else process.stdout.write(`wrote ${opts.output}: ${d.size} bytes, ${Object.keys(d.file_index).length} members, sha256 ${d.file_hash}\n`);
    });
}
