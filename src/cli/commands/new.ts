import type { Command } from '../args/command.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../common.js';
import { printable } from '../../safety/printable.js';
import { writeOut } from '../stdout.js';
import { interruptSignal } from '../interrupt.js';

interface NewCliOptions {
  onnx: string[];
  name?: string;
  version?: string;
  description?: string;
  producer?: string;
  producerName?: string;
  producerVersion?: string;
  producerTag?: string[];
  inputName?: Array<[string, string]>;
  outputName?: Array<[string, string]>;
  force?: boolean;
  json?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function collectRename(value: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1)
    throw new UsageError('BAD_OPTION', `${JSON.stringify(value)} is not old=new (e.g. float_input=features)`);
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}

/** `name:version`, split at the last colon (producer names may hold colons, versions do not). */
function splitProducer(spec: string): { name: string; version: string } {
  const colon = spec.lastIndexOf(':');
  if (colon <= 0 || colon === spec.length - 1)
    throw new UsageError('BAD_OPTION', `--producer ${JSON.stringify(spec)} is not name:version (e.g. acme-train:0.3)`);
  return { name: spec.slice(0, colon), version: spec.slice(colon + 1) };
}

export function registerNew(program: Command): void {
  program
    .command('new')
    .description(
      'write the directory form of a pipeline artifact from ONNX models, every declaration read from the models (one ONNX_v1 op per model, chained in order)',
    )
    .argument('<directory>', 'where to write the artifact (created; must be empty unless --force)')
    .requiredOption(
      '--onnx <model.onnx>',
      'an ONNX model, repeatable: the models run in the order given, each one feeding the next',
      collect,
    )
    .option('--name <name>', "the manifest's model name")
    .option('--version <version>', "the manifest's model version")
    .option('--description <text>', "the manifest's description")
    .option('--producer <name:version>', 'producer name and version in one (default: fnnx-kit and its version)')
    .option('--producer-name <name>', 'producer name (overrides --producer)')
    .option('--producer-version <version>', 'producer version (overrides --producer)')
    .option('--producer-tag <tag>', 'a producer tag, repeatable', collect)
    .option('--input-name <old=new>', "rename a manifest input (the first model's graph input `old`), repeatable", collectRename)
    .option('--output-name <old=new>', "rename a manifest output (the last model's graph output `old`), repeatable", collectRename)
    .option('--force', 'write into a non-empty directory: its root files and ops_artifacts/ are replaced, other files stay')
    .action(async (dir: string, opts: NewCliOptions) => {
      const { newFromOnnx } = await import('../../build/new-onnx.js');
      const { openOnnxFiles, writeArtifactDir } = await import('../../node/new-dir.js');
      const producer = opts.producer ? splitProducer(opts.producer) : undefined;
      const opened = await openOnnxFiles(opts.onnx);
      try {
        const artifact = await newFromOnnx(opened.models, {
          name: opts.name,
          version: opts.version,
          description: opts.description,
          producerName: opts.producerName ?? producer?.name ?? 'fnnx-kit',
          producerVersion: opts.producerVersion ?? producer?.version ?? program.version() ?? 'unknown',
          producerTags: opts.producerTag ?? [],
          inputNames: new Map(opts.inputName ?? []),
          outputNames: new Map(opts.outputName ?? []),
        });
        const files = await writeArtifactDir(dir, artifact, { force: opts.force, signal: interruptSignal });
        const ops = artifact.ops.map((op, i) => ({ id: String(op.id), model: opened.models[i]!.name }));
        const names = (side: 'inputs' | 'outputs') => (artifact.manifest[side] as Array<{ name: string }>).map((e) => e.name);
        if (opts.json) {
          await printJson({ directory: dir, ops, inputs: names('inputs'), outputs: names('outputs'), files });
          return;
        }
        const lines = [
          `wrote ${printable(dir)}: ${files.length} files, ${ops.length} op(s)`,
          ...ops.map((o) => `  op ${o.id}  <- ${printable(o.model)}`),
          `  inputs   ${names('inputs').map(printable).join(', ') || '(none)'}`,
          `  outputs  ${names('outputs').map(printable).join(', ')}`,
          `next: fnnx-kit pack ${printable(dir)} -o model.fnnx`,
        ];
        await writeOut(`${lines.join('\n')}\n`);
      } finally {
        await opened.close();
      }
    });
}
