#!/usr/bin/env node
// The `tonsite` command. Runs build/cli/cli.js, the JavaScript bundle of src/node/cli.ts that `npm run build:cli`
// makes (also `npm run build`, and `prepare` on `npm ci`), when that build is current: every source file listed in
// build/cli/inputs.json unchanged since the build started (bin/current-build.js). Otherwise (no build yet, or a
// source edited since) it runs the TypeScript sources through tsx, so an edit is never shadowed by an old build.
import { currentCliBuild } from './current-build.js';

const built = currentCliBuild(new URL('../', import.meta.url));
let cli;
if (built) {
  cli = await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/node/cli.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
