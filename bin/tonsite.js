#!/usr/bin/env node
// The `tonsite` command: runs the TypeScript sources directly through tsx (no separate build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/node/cli.ts');
process.exitCode = await main(process.argv.slice(2));
