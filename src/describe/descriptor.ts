/**
 * The upload descriptor: what the registry's `create` call takes for an artifact, computed in one
 * pass over the file's bytes (hash, size, file_index, effective manifest, metrics).
 */
import { DEFAULT_JSON_LIMITS, type JsonLimits, type JsonObject } from '../artifact/json-member.js';
import { readArtifact, type Warning } from '../artifact/reader.js';
import { MANIFEST_PATCH, META_SIDECAR, ROOT_FILES } from '../artifact/root-files.js';
import { createHashers, type HashAlgorithm, type Hasher, type HasherFactory } from '../hash/hasher.js';
import type { FileIndex } from '../tar/entry.js';
import type { TarLimits } from '../tar/limits.js';
import { CapturedStore } from './captured-store.js';
import { TarScanner, type ScanResult } from '../tar/scanner.js';

export interface Descriptor {
  file_name: string;
  /** Lower-case hex SHA-256 of the whole file. */
  file_hash: string;
  size: number;
  file_index: FileIndex;
  /**
   * The effective manifest (patches applied), as read: describe does not hold it to the schema
   * (assertUploadable and validate do), so it is JSON until isDocument('manifest', ...) says more.
   */
  manifest: JsonObject;
  metrics: JsonObject;
}

export interface DescribeResult {
  descriptor: Descriptor;
  /** Other digests asked for (e.g. MD5 for stores that checksum with it), lower-case hex. */
  digests: Partial<Record<HashAlgorithm, string>>;
  /** Where the end-of-archive blocks start: where an append would write. */
  endOffset: number;
  warnings: Warning[];
}

export interface DescriberOptions {
  fileName: string;
  hasher: HasherFactory;
  /** Extra digests computed in the same pass. */
  extraDigests?: HashAlgorithm[];
  tarLimits?: Partial<TarLimits>;
  jsonLimits?: Partial<JsonLimits>;
}

/** Root members worth keeping while streaming: the six root files, sidecars and patches. */
export function isDescriptorMember(name: string): boolean {
  return (ROOT_FILES as readonly string[]).includes(name) || META_SIDECAR.test(name) || MANIFEST_PATCH.test(name);
}

/**
 * A sink for an artifact's bytes, in order. Push every chunk, then `finish()`: one pass, memory
 * bounded by the captured root JSON files (each under the JSON member limit).
 */
export class Describer {
  private size = 0;

  private constructor(
    private readonly options: DescriberOptions,
    private readonly hashers: Map<HashAlgorithm, Hasher>,
    private readonly scanner: TarScanner,
  ) {}

  static async create(options: DescriberOptions): Promise<Describer> {
    const hashers = await createHashers(options.hasher, ['sha256', ...(options.extraDigests ?? [])]);
    const maxCapture = { ...DEFAULT_JSON_LIMITS, ...options.jsonLimits }.maxJsonMember;
    const scanner = new TarScanner(options.fileName, { limits: options.tarLimits, capture: isDescriptorMember, maxCapture });
    return new Describer(options, hashers, scanner);
  }

  get bytesSeen(): number {
    return this.size;
  }

  push(chunk: Uint8Array): void {
    for (const h of this.hashers.values()) h.update(chunk);
    this.scanner.push(chunk);
    this.size += chunk.length;
  }

  async finish(): Promise<DescribeResult> {
    const scan: ScanResult = this.scanner.finish();
    const contents = await readArtifact(new CapturedStore(scan, this.options.fileName), {
      limits: this.options.jsonLimits,
      metricsOnly: true,
    });
    const digests: Partial<Record<HashAlgorithm, string>> = {};
    for (const [alg, h] of this.hashers) digests[alg] = h.digestHex();
    const warnings = [...scan.warnings.map((message) => ({ code: 'TAR_WARNING' as const, message })), ...contents.warnings];
    return {
      descriptor: {
        file_name: this.options.fileName,
        file_hash: digests.sha256!,
        size: this.size,
        file_index: contents.fileIndex,
        manifest: contents.manifest,
        metrics: contents.metrics,
      },
      digests,
      endOffset: scan.endOffset,
      warnings,
    };
  }
}
