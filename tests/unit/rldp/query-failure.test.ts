/** queryFailureKind: the typed meaning of an RLDP/ADNL query failure for HTTP and storage (no message regex). */
import { describe, expect, it } from 'vitest';
import { AdnlError } from '../../../src/net/adnl/index.ts';
import { HttpError, transportFailure } from '../../../src/net/http/index.ts';
import { queryFailureKind, RldpError } from '../../../src/net/rldp/index.ts';

describe('queryFailureKind', () => {
  it('reads the kind of RLDP and ADNL errors', () => {
    expect(queryFailureKind(new RldpError('timeout', 'x'))).toBe('timeout');
    expect(queryFailureKind(new AdnlError('timeout', 'x'))).toBe('timeout');
    expect(queryFailureKind(new RldpError('closed', 'x'))).toBe('closed');
    expect(queryFailureKind(new AdnlError('connection-lost', 'x'))).toBe('other');
    expect(queryFailureKind(new RldpError('refused', 'x'))).toBe('other');
  });

  it('never guesses from a message, and ignores kinds it does not know', () => {
    expect(queryFailureKind(new Error('request timed out'))).toBe('other');
    expect(queryFailureKind({ kind: 'toString' })).toBe('other');
    expect(queryFailureKind(null)).toBe('other');
  });

  it('gives HTTP its timeout, closed and transport errors', () => {
    expect(transportFailure(new RldpError('timeout', 'late'), 'http.request')).toMatchObject({
      kind: 'timeout',
    });
    expect(transportFailure(new AdnlError('closed', 'gone'), 'q')).toMatchObject({ kind: 'closed' });
    expect(transportFailure(new Error('timed out'), 'q')).toMatchObject({ kind: 'transport' });
    const own = new HttpError('protocol', 'x');
    expect(transportFailure(own, 'q')).toBe(own);
  });
});
