import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { progressBar } from '../progress.js';
import { writeAll } from '../stdout.js';

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
    .requiredOption('-o, --output <file>', 'the artifact file to write (e.g. model.fnnx), written atomically; "-" streams the tar to stdout (the descriptor then goes to stderr)')
    .option('--json', 'print the upload descriptor as JSON')
    .option('-q, --quiet', 'no progress bar')
    .action(async (dir: string, opts: PackOptions) => {
      // Loaded when run, not when the CLI starts: startup is paid by every command.
      const { artifactInputFromDir } = await import('../../node/pack-dir.js');
      const { packToFile } = await import('../../node/pack.js');
      const { bodySize } = await import('../../build/member-input.js');
      const { buildArtifact } = await import('../../build/builder.js');
      const { cryptoHasher } = await import('../../node/crypto-hasher.js');
      if (!opts.output) throw new UsageError('NO_OUTPUT', 'give the output file with -o');
      // Into a file: read, hash and write on this one thread, which wins on a busy machine (and
      // the CLI has nothing else to run); to stdout the chunks must outlive the write, so not there.
      const blocking = opts.output !== '-';
      const input = await artifactInputFromDir(dir, { blocking });
      const total = (input.files ?? []).reduce((n, f) => n + bodySize(f.body), 0);
      const bar = opts.quiet ? undefined : progressBar('pack', total);
      let result;
      try {
        const onProgress = (n: number) => bar?.update(n);
        result =
          opts.output === '-'
            ? await buildArtifact(input, (chunk) => writeAll(process.stdout, chunk), { fileName: 'artifact.fnnx', hasher: cryptoHasher, onProgress })
            : await packToFile(input, opts.output, { onProgress, blocking });
      } finally {
        bar?.finish();
      }
      const d = result.descriptor;
      const report = opts.output === '-' ? process.stderr : process.stdout;
      if (opts.json) report.write(`${JSON.stringify(d, null, 2)}\n`);
      else report.write(`wrote ${opts.output === '-' ? 'stdout' : opts.output}: ${d.size} bytes, ${Object.keys(d.file_index).length} members, sha256 ${d.file_hash}\n`);
    });
}
