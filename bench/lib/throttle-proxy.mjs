/**
 * An HTTP proxy that caps each connection's upload rate, as a long-distance link caps one TCP
 * stream: what parallel parts are for, which loopback cannot show.
 */
import { createServer, request } from 'node:http';

export async function startThrottleProxy(upstream, bytesPerSecond) {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    const started = Date.now();
    let sent = 0;
    req.on('data', (chunk) => {
      sent += chunk.length;
      out.write(chunk);
      const wait = started + (sent / bytesPerSecond) * 1000 - Date.now();
      if (wait > 0) {
        req.pause();
        setTimeout(() => req.resume(), wait);
      }
    });
    req.on('end', () => out.end());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => (server.closeAllConnections(), server.close()) };
}
