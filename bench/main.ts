// `npm run bench -- <name> [options]`: runs bench/<name>.ts with the options.
//   names-api (default)  the Names API on PGlite and on a PostgreSQL 15 server
//   local                npm start on its databases (bench/local-run.ts)
const BENCHES: Record<string, string> = { 'names-api': './names-api.ts', local: './local-run.ts' };

const [name = 'names-api', ...rest] = process.argv.slice(2);
const file = BENCHES[name];
if (file === undefined) {
  console.error(`No benchmark "${name}": choose one of ${Object.keys(BENCHES).join(', ')}.`);
  process.exit(2);
}
process.argv.splice(2, process.argv.length - 2, ...rest);
await import(file);
