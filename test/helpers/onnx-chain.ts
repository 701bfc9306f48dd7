/**
 * A two-model chain for the browser build tests (bundle in Node, page in Chromium): a scaler and a
 * regression whose 9 MiB initializer spans several read chunks, so bodies stream through the tar
 * writer in pieces. The Node build of it is the reference the browser's bytes must equal.
 */
import { createHash } from 'node:crypto';
import { buildArtifact } from '../../src/build/builder.js';
import { newFromOnnx, type NewOnnxOptions } from '../../src/build/new-onnx.js';
import type { DescribeResult } from '../../src/describe/descriptor.js';
import { cryptoHasher } from '../../src/node/crypto-hasher.js';
import { MemorySource } from '../../src/source/memory-source.js';
import { FLOAT, encodeModel, modelSpec } from './onnx-model.mjs';

export interface ModelFile {
  name: string;
  /** Backed by a plain ArrayBuffer, so it can go into a Blob as it is. */
  bytes: Uint8Array<ArrayBuffer>;
  /** External data files beside the model, by the location the model names. */
  beside?: Record<string, Uint8Array<ArrayBuffer>>;
}

/** The options both builds pass to newFromOnnx. */
export const CHAIN_OPTIONS = { name: 'churn', version: '1.2.0', producerName: 'acme-train', producerVersion: '0.3' } as const;
export const CHAIN_FILE_NAME = 'churn.fnnx';

export function chainModels(): ModelFile[] {
  const weights = new Uint8Array(9 * 1024 * 1024).map((_, i) => (i * 31 + (i >> 12)) & 255);
  const scaler = modelSpec({
    outputs: [{ name: 'scaled', elemType: FLOAT, shape: ['batch', 3] }],
    nodes: [{ opType: 'Scaler', domain: 'ai.onnx.ml' }],
    opsets: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
  });
  const reg = modelSpec({
    inputs: [{ name: 'scaled', elemType: FLOAT, shape: ['batch', 3] }],
    initializers: [{ name: 'w', raw: weights }],
  });
  return [
    { name: 'scaler.onnx', bytes: new Uint8Array(encodeModel(scaler)) },
    { name: 'reg.onnx', bytes: new Uint8Array(encodeModel(reg)) },
  ];
}

/** One model keeping its weights in an external data file, "ext.weights", beside it. */
export function externalDataModel(): ModelFile {
  const weights = new Uint8Array(64 * 1024).map((_, i) => (i * 7) & 255);
  const spec = modelSpec({ initializers: [{ name: 'w', external: { location: 'ext.weights', offset: 0, length: weights.length } }] });
  return { name: 'ext.onnx', bytes: new Uint8Array(encodeModel(spec)), beside: { 'ext.weights': weights } };
}

/** The artifact Node builds from the models (with CHAIN_OPTIONS unless told): its bytes, their SHA-256 and the descriptor. */
export async function nodeBuild(
  models: ModelFile[],
  options: NewOnnxOptions = CHAIN_OPTIONS,
): Promise<{ bytes: Buffer; sha256: string; result: DescribeResult }> {
  const input = await newFromOnnx(
    models.map((m) => ({
      name: m.name,
      source: new MemorySource(m.bytes, m.name),
      externalData: async (location: string) => {
        const data = m.beside && Object.hasOwn(m.beside, location) ? m.beside[location] : undefined;
        return data && new MemorySource(data, location);
      },
    })),
    options,
  );
  const chunks: Buffer[] = [];
  const result = await buildArtifact(input, (c) => void chunks.push(Buffer.from(c)), { fileName: CHAIN_FILE_NAME, hasher: cryptoHasher });
  const bytes = Buffer.concat(chunks);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), result };
}
