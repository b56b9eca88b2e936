/**
 * The devnet's demo contract: code compiled from demo-counter.fc (ours) with @ton-community/func-js.
 * tests/unit/devnet/demo-counter.test.ts recompiles the source and checks it still yields this BoC.
 */
import { beginCell, Cell } from '@ton/core';

export const DEMO_COUNTER_CODE_BASE64 =
  'te6ccgEBEgEArwABFP8A9KQT9LzyyAsBAgFiAgMAJtBfBO1E0NM/1DABpMjLP8zJ7VQCASAEBQIBIAYHAgEgDA0CAVgICQIBZgoLADmzcHtRNDTP9QwbwAib4whb4xvAG+MgPki0EMDbYAAHshmpIAAXrHb2omhpn+oYGOhAAAmsfEL/QAIBIA4PAAu46I8ipwgCAW4QEQAVtomdqJoaZ/qGBjAAFKoY7UTQ0z/UMDAAEKlw+CP4J28Q';

export function demoCounterCode(): Cell {
  return Cell.fromBase64(DEMO_COUNTER_CODE_BASE64);
}

/** Initial data: counter:uint64 note:^Cell (the note is a cell holding `text`). */
export function demoCounterData(counter: bigint, text: string): Cell {
  return beginCell().storeUint(counter, 64).storeRef(beginCell().storeStringTail(text)).endCell();
}
