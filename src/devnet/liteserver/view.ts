/**
 * One liteserver's view of the devnet chain. Several liteservers share one DevnetChain (like real liteservers of
 * one network); a view can be frozen to play a desynced liteserver: it keeps reporting the block it had when
 * frozen, and blocks after it are "not applied yet" (error 651), so its masterchain seqno lags the others'.
 */
import { LiteErrorCode, LiteServerError } from '../../net/lite/errors.ts';
import type { DevnetBlock, DevnetChain } from '../chain.ts';

/** What liteserver handlers read from a chain: the devnet's own, or a forger's overlay of it (tamper/). */
export type ChainSource = Pick<
  DevnetChain,
  | 'last'
  | 'masterBlock'
  | 'findBlock'
  | 'lookup'
  | 'account'
  | 'onBlock'
  | 'blockchain'
  | 'configBase64'
  | 'prevKeyBlock'
  | 'nextKeyBlock'
>;

/** Longest waitMasterchainSeqno the devnet honours (the client's timeout_ms is capped to this). */
export const MAX_WAIT_MS = 30_000;

export class ChainView {
  private frozenAt: number | null = null;

  constructor(readonly chain: ChainSource) {}

  /** Last masterchain block this server has. */
  get last(): DevnetBlock {
    if (this.frozenAt === null) return this.chain.last;
    return this.chain.masterBlock(this.frozenAt) ?? this.chain.last;
  }

  get frozen(): boolean {
    return this.frozenAt !== null;
  }

  /** Stops following the chain at the current block. */
  freeze(): void {
    this.frozenAt = this.chain.last.id.seqno;
  }

  unfreeze(): void {
    this.frozenAt = null;
  }

  /** Masterchain block `seqno` if this server has it; LiteServerError 651 if it is newer than our last. */
  masterBlock(seqno: number): DevnetBlock {
    if (seqno > this.last.id.seqno) {
      throw new LiteServerError(LiteErrorCode.NOT_READY, `masterchain block ${seqno} is not applied yet`);
    }
    const block = this.chain.masterBlock(seqno);
    if (!block)
      throw new LiteServerError(LiteErrorCode.ERROR, `masterchain block ${seqno} is not in the history`);
    return block;
  }

  /** liteServer.waitMasterchainSeqno: resolves once we have `seqno`, 652 after `timeoutMs`. */
  async waitFor(seqno: number, timeoutMs: number): Promise<void> {
    if (this.last.id.seqno >= seqno) return;
    const limit = Math.max(0, Math.min(timeoutMs, MAX_WAIT_MS));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new LiteServerError(LiteErrorCode.TIMEOUT, `timeout waiting for masterchain block ${seqno}`));
      }, limit);
      const unsubscribe = this.chain.onBlock(() => {
        if (this.last.id.seqno < seqno) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
    });
  }
}
