/**
 * Node's inflater for the shared zip reader (src/zip/inflate.ts): node:zlib's raw inflate, which
 * counts the compressed bytes it used, so bytes after the end of an entry's deflate stream are
 * refused as browsers refuse them (Node 20's DecompressionStream drops them silently). node:zlib is
 * loaded on first use (`process.getBuiltinModule`: synchronous, and it works in the CLI's bundle
 * loader, where `import()` does not): most commands never open a zip.
 */
import type { Inflater } from '../zip/inflate.js';

/** Entries this small inflate in one synchronous call: a stream per entry cost ~0.2 ms, 2 s for 10,000 assets. */
const SMALL = { compressed: 64 * 1024, uncompressed: 1024 * 1024 };

export const zlibInflate: Inflater = async function* (compressed, sizes) {
  const zlib = process.getBuiltinModule('node:zlib');
  if (sizes.compressed <= SMALL.compressed && sizes.uncompressed <= SMALL.uncompressed) {
    const parts: Uint8Array[] = [];
    for await (const c of compressed) parts.push(c);
    // One byte over the declared size is enough to call it a bomb.
    const { buffer, engine } = zlib.inflateRawSync(Buffer.concat(parts), {
      info: true,
      maxOutputLength: sizes.uncompressed + 1,
    }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    if (engine.bytesWritten !== sizes.compressed) throw trailing(sizes.compressed - engine.bytesWritten);
    yield buffer;
    return;
  }
  // 64 KiB pieces (zlib's default is 16 KiB): a quarter of the chunks through the reader's generators.
  const inflate = zlib.createInflateRaw({ chunkSize: 64 * 1024 });
  const input = process.getBuiltinModule('node:stream').Readable.from(compressed, { objectMode: false });
  input.on('error', (e) => inflate.destroy(e));
  input.pipe(inflate);
  try {
    for await (const out of inflate) yield out as Uint8Array;
    // The output ended: zlib stops at the end of the deflate data, whatever follows it.
    if (inflate.bytesWritten !== sizes.compressed) throw trailing(sizes.compressed - inflate.bytesWritten);
  } finally {
    input.destroy();
    inflate.destroy();
  }
};

const trailing = (n: number) => new Error(`${n} bytes follow the end of the deflate stream`);
