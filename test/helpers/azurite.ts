import { BlobSASPermissions, BlobServiceClient, StorageSharedKeyCredential, generateBlobSASQueryParameters } from '@azure/storage-blob';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from './paths.js';
import { via } from './s3-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONTAINER = 'models';
/** Azurite's well-known development account (public, documented by Microsoft). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzureFixture {
  endpoint: string;
  service: BlobServiceClient;
  close(): Promise<void>;
}

/** Azurite's blob service on 127.0.0.1 (a free port), on the Node 22 it needs; one container. */
export async function startAzurite(): Promise<AzureFixture> {
  // --skipApiVersionCheck: the SDK the tests set up containers with speaks a newer API version than Azurite
  // knows; the uploader's own requests carry none (the SAS's sv decides), and run without --loose.
  const node22 = execFileSync(`${ROOT}scripts/install-node.sh`, ['22'], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  const child = spawn(
    node22,
    [
      `${ROOT}node_modules/azurite/dist/src/blob/main.js`,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--location',
      tempDir('fnnx-azurite-'),
      '--silent',
      '--disableTelemetry',
      '--skipApiVersionCheck',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const endpoint = await listeningUrl(child);
  const service = new BlobServiceClient(`${endpoint}/${ACCOUNT}`, new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY));
  await service.getContainerClient(CONTAINER).create();
  return {
    endpoint,
    service,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => (child.kill(), reject(new Error(`Azurite did not start: ${out}`))), 30_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /listens on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`Azurite exited (${code}): ${out}`))));
  });
}

function blobUrl(az: AzureFixture, blob: string): { url: string; sas: string } {
  const sas = generateBlobSASQueryParameters(
    { containerName: CONTAINER, blobName: blob, permissions: BlobSASPermissions.parse('rcw'), expiresOn: new Date(Date.now() + 3600_000) },
    new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY),
  ).toString();
  return { url: `${az.endpoint}/${ACCOUNT}/${CONTAINER}/${blob}`, sas };
}

/** The registry backend's single-PUT details for Azure. */
export function azureSingleDetails(az: AzureFixture, blob: string, origin?: string) {
  const { url, sas } = blobUrl(az, blob);
  return { type: 'azure', url: via(`${url}?${sas}`, origin), multipart: false };
}

/** The registry backend's block details: one URL per block (id base64("block-%08d")), then the block list URL. */
export function azureBlockDetails(az: AzureFixture, blob: string, size: number, partSize: number, origin?: string) {
  const { url, sas } = blobUrl(az, blob);
  const parts = [];
  for (let n = 1, start = 0; start < size; n++, start += partSize) {
    const end = Math.min(size, start + partSize) - 1;
    const id = Buffer.from(`block-${String(n).padStart(8, '0')}`).toString('base64');
    parts.push({
      part_number: n,
      url: via(`${url}?comp=block&blockid=${encodeURIComponent(id)}&${sas}`, origin),
      start_byte: start,
      end_byte: end,
      part_size: end - start + 1,
    });
  }
  return { type: 'azure', parts, complete_url: via(`${url}?comp=blocklist&${sas}`, origin) };
}

export async function blobBytes(az: AzureFixture, blob: string): Promise<Buffer | undefined> {
  const client = az.service.getContainerClient(CONTAINER).getBlobClient(blob);
  if (!(await client.exists())) return undefined;
  return client.downloadToBuffer();
}
