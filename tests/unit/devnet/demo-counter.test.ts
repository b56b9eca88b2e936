/** The committed demo contract code is what func-js (third-party compiler) makes of our FunC source. */
import { compileFunc } from '@ton-community/func-js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_COUNTER_CODE_BASE64 } from '../../../src/devnet/contracts/demo-counter.ts';

describe('devnet demo contract', () => {
  it('matches a fresh compilation of demo-counter.fc', async () => {
    const source = readFileSync(
      new URL('../../../src/devnet/contracts/demo-counter.fc', import.meta.url),
      'utf8',
    );
    const result = await compileFunc({
      targets: ['demo-counter.fc'],
      sources: { 'demo-counter.fc': source },
    });
    expect(result.status).toBe('ok');
    if (result.status === 'ok') expect(result.codeBoc).toBe(DEMO_COUNTER_CODE_BASE64);
  });
});
