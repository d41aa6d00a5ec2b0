// `npm install`: makes the blank database cluster that `npm start` copies into
// a fresh data folder, so that even the first start skips initdb. It never
// fails an install: on an older Node, or wherever the server cannot run, it
// does nothing, and the first `npm start` runs initdb and keeps the copy.
// Plain JavaScript that loads on an old Node, like node24.mjs.
const major = Number(process.versions.node.split('.')[0]);
if (major >= 24 && process.env.BERTH_LOCAL_DATABASE !== 'pglite') {
  import('../packages/service-kit/src/database/local-server.ts')
    .then(async ({ keepBlankCluster }) => {
      const started = Date.now();
      const result = await keepBlankCluster();
      if (result.ok && result.made) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(`Berth: made the blank database cluster npm start copies (${seconds} s, ${result.template})`);
      }
    })
    .catch(() => undefined);
}
