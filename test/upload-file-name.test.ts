import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadFileName } from '../src/node/upload-file-name.js';
import { validateTarget } from '../src/node/validate.js';
import { startRangeServer } from './helpers/range-server.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

describe('uploadFileName: the one name describe, validate --for-upload and upload judge', () => {
  it.each([
    ['https://h/b/model.fnnx', 'model.fnnx'],
    ['https://h/b/model.fnnx/', 'model.fnnx'],
    ['https://h/b/my%20model.fnnx?sig=a/b', 'my model.fnnx'],
    ['https://h/', ''],
    ['/tmp/x/model.fnnx', 'model.fnnx'],
    ['/tmp/x/folder/', 'folder'],
  ])('%s is uploaded as %j', (target, name) => {
    expect(uploadFileName(target)).toBe(name);
  });

  it('validate --for-upload names a URL ending in "/" as describe does (no extension finding for …/x.fnnx/)', async () => {
    const dir = tempDir();
    copyFileSync(CORPUS_TAR, join(dir, 'model.fnnx'));
    const server = await startRangeServer(dir);
    // The server ignores the trailing slash, as object stores behind some proxies do.
    server.onRequest = (req) => {
      req.url = req.url?.replace(/\/$/, '');
      return undefined;
    };
    try {
      const report = await validateTarget(`${server.url('model.fnnx')}/`, { forUpload: true });
      expect(report.diagnostics.map((d) => d.code)).not.toContain('UPLOAD_EXTENSION');
      const renamed = await validateTarget(`${server.url('model.fnnx')}?as=/x.zip`, { forUpload: true });
      expect(renamed.diagnostics.map((d) => d.code)).not.toContain('UPLOAD_EXTENSION');
    } finally {
      await server.close();
    }
  });
});
