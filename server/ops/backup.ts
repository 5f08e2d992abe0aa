/** `npm run backup -- <new directory>`: see cli.ts and the README's "Operating Parley". */
import { runOps } from './cli.js';

// eslint-disable-next-line no-restricted-properties -- an entry point, like main.ts: hands the environment to config.ts
process.exitCode = await runOps('backup', process.argv.slice(2), process.env);
