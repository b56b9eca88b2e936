// Whether build/cli (scripts/build-cli.ts) is the build of the sources as they are now; used by bin/tonsite.js.
import { readFileSync, statSync } from 'node:fs';

/**
 * The URL of build/cli/cli.js under `root` (a directory URL ending in '/') when build/cli/inputs.json lists the
 * files the build was made from and none of them was modified at or after the build started; null when there is
 * no build, the manifest is unreadable, or any input changed or is gone (then the sources must be run instead).
 */
export function currentCliBuild(root) {
  try {
    const { startedAt, inputs } = JSON.parse(readFileSync(new URL('build/cli/inputs.json', root), 'utf8'));
    if (typeof startedAt !== 'number' || !Array.isArray(inputs) || inputs.length === 0) return null;
    for (const input of inputs) {
      if (typeof input !== 'string' || statSync(new URL(input, root)).mtimeMs >= startedAt) return null;
    }
    const cli = new URL('build/cli/cli.js', root);
    statSync(cli);
    return cli;
  } catch {
    return null;
  }
}
