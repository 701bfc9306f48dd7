/**
 * The benches' HTTP server: serve-static on 127.0.0.1 (honours Range), counting requests and body
 * bytes, with one fault the resume bench needs: cut the connection after N body bytes.
 * (The tests' server, test/helpers/range-server.ts, has the full fault set; benches need only this.)
 */
import { createServer } from 'node:http';
import serveStatic from 'serve-static';

export async function startLoopbackServer(root) {
  const serve = serveStatic(root, { index: false, cacheControl: false });
  const state = { requests: [], dropAfter: undefined };
  const server = createServer((req, res) => {
    const record = { range: req.headers.range, bytes: 0, status: 0 };
    state.requests.push(record);
    const limit = state.dropAfter ?? Infinity;
    state.dropAfter = undefined;
    const write = res.write.bind(res);
    res.write = (chunk, ...rest) => {
      const room = limit - record.bytes;
      if (chunk.length < room) {
        record.bytes += chunk.length;
        return write(chunk, ...rest);
      }
      if (room > 0) write(chunk.subarray(0, room), () => res.destroy());
      record.bytes += Math.max(room, 0);
      return false;
    };
    res.on('close', () => (record.status = res.statusCode));
    serve(req, res, () => {
      res.statusCode = 404;
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    url: (name) => `${origin}/${name}`,
    state,
    reset() {
      state.requests.length = 0;
    },
    bytes: () => state.requests.reduce((n, r) => n + r.bytes, 0),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
