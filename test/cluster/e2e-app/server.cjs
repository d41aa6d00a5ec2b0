// Tiny HTTP app used by test/cluster/cluster.test.mjs (built into an image on node:24-bookworm-slim).
'use strict';
const http = require('node:http');
const os = require('node:os');
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.end('ok');
    return;
  }
  if (req.url === '/burn') {
    const t = Date.now();
    while (Date.now() - t < 100);
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ app: 'berth-e2e-app', host: os.hostname(), version: process.env.APP_VERSION || 'v1' }));
});
server.listen(8080, () => console.log('listening on :8080'));
// graceful shutdown: finish in-flight requests, accept no new ones
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10000).unref();
});
