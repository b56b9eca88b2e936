/**
 * RelaySocket over a scripted WebSocket: when batches are sent (end of turn, byte cap, close), UDP semantics
 * (drops counted, never a block or a throw for congestion), what it does with received batches and single frames,
 * the subprotocol offer and the retry without it; and the turn-end scheduler.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_RELAY_PAYLOAD,
  RELAY_SUBPROTOCOL_BATCH,
  RELAY_SUBPROTOCOL_SINGLE,
  RelayDropReason,
  RelaySocket,
  TransportError,
  decodeRelayBatch,
  decodeRelayFrame,
  encodeRelayBatch,
  encodeRelayDatagram,
  openRelaySocket,
  turnEndScheduler,
} from '../../../src/net/transport/index.ts';

/** The WebSocket surface RelaySocket uses, driven by the test. */
class ScriptedWebSocket {
  binaryType = 'blob';
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Uint8Array[] = [];
  closedWith: number | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: (() => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  constructor(readonly protocol = '') {}
  send(data: Uint8Array): void {
    this.sent.push(data.slice());
  }
  close(code?: number): void {
    this.closedWith = code;
  }
  receive(data: unknown): void {
    this.onmessage?.({ data });
  }
}

/** A scheduler the test runs by hand. */
function manualScheduler() {
  const tasks: (() => void)[] = [];
  return {
    schedule: (task: () => void) => void tasks.push(task),
    run: () => {
      for (const t of tasks.splice(0)) t();
    },
    get pending() {
      return tasks.length;
    },
  };
}

const toArrayBuffer = (b: Uint8Array) => b.slice().buffer;

describe('RelaySocket, batched', () => {
  it('sends what one turn produced as one message at the end of the turn', () => {
    const ws = new ScriptedWebSocket(RELAY_SUBPROTOCOL_BATCH);
    const turn = manualScheduler();
    const socket = new RelaySocket(ws, 1 << 20, turn.schedule);
    expect(socket.batched).toBe(true);
    for (let i = 0; i < 3; i++) socket.send(Uint8Array.of(i), '127.0.0.1', 30000 + i);
    expect(ws.sent).toHaveLength(0);
    expect(turn.pending).toBe(1);
    turn.run();
    expect(ws.sent).toHaveLength(1);
    expect(decodeRelayBatch(ws.sent[0])).toEqual(
      [0, 1, 2].map((i) => ({
        kind: 'datagram',
        host: '127.0.0.1',
        port: 30000 + i,
        payload: Uint8Array.of(i),
      })),
    );
    expect(socket.stats).toMatchObject({ sent: 3, messagesSent: 1, droppedLocally: 0 });
    turn.run();
    expect(ws.sent).toHaveLength(1);
  });

  it('sends a full batch at once, the rest at the end of the turn', () => {
    const ws = new ScriptedWebSocket(RELAY_SUBPROTOCOL_BATCH);
    const turn = manualScheduler();
    const socket = new RelaySocket(ws, 1 << 20, turn.schedule);
    for (let i = 0; i < 50; i++) socket.send(new Uint8Array(MAX_RELAY_PAYLOAD), '127.0.0.1', 30000);
    expect(ws.sent).toHaveLength(1);
    expect(decodeRelayBatch(ws.sent[0])).toHaveLength(44);
    turn.run();
    expect(ws.sent.map((m) => decodeRelayBatch(m).length)).toEqual([44, 6]);
  });

  it('drops (and counts) instead of queueing: the pending batch counts towards maxBufferedBytes', () => {
    const ws = new ScriptedWebSocket(RELAY_SUBPROTOCOL_BATCH);
    const turn = manualScheduler();
    const socket = new RelaySocket(ws, 5000, turn.schedule);
    // 1,481 bytes per entry: after four (5,924 bytes) the fifth is over 5,000.
    for (let i = 0; i < 6; i++) socket.send(new Uint8Array(MAX_RELAY_PAYLOAD), '127.0.0.1', 30000);
    turn.run();
    expect(decodeRelayBatch(ws.sent[0])).toHaveLength(4);
    expect(socket.stats).toMatchObject({ sent: 4, droppedLocally: 2 });
    ws.bufferedAmount = 6000;
    socket.send(Uint8Array.of(1), '127.0.0.1', 30000);
    socket.send(new Uint8Array(MAX_RELAY_PAYLOAD + 1), '127.0.0.1', 30000);
    turn.run();
    expect(ws.sent).toHaveLength(1);
    expect(socket.stats.droppedLocally).toBe(4);
    // A bad address is a caller bug: TransportError, as before batching.
    ws.bufferedAmount = 0;
    expect(() => socket.send(Uint8Array.of(1), 'example.com', 30000)).toThrow(TransportError);
  });

  it('close() sends what is pending first; after a remote close pending datagrams count as dropped', () => {
    const ws = new ScriptedWebSocket(RELAY_SUBPROTOCOL_BATCH);
    const turn = manualScheduler();
    const socket = new RelaySocket(ws, 1 << 20, turn.schedule);
    socket.send(Uint8Array.of(7), '127.0.0.1', 30000);
    socket.close();
    expect(ws.sent).toHaveLength(1);
    expect(ws.closedWith).toBe(1000);
    turn.run();
    expect(ws.sent).toHaveLength(1);

    const ws2 = new ScriptedWebSocket(RELAY_SUBPROTOCOL_BATCH);
    const socket2 = new RelaySocket(ws2, 1 << 20, turn.schedule);
    let closeError: Error | undefined;
    socket2.onClose = (error) => (closeError = error);
    socket2.send(Uint8Array.of(7), '127.0.0.1', 30000);
    ws2.readyState = 3;
    ws2.onclose?.({ code: 1006, reason: '' });
    turn.run();
    expect(ws2.sent).toHaveLength(0);
    expect(socket2.stats.droppedLocally).toBe(1);
    expect(closeError).toBeInstanceOf(TransportError);
  });

  it('delivers every frame of a received batch; a malformed batch is counted and skipped', () => {
    const ws = new ScriptedWebSocket(RELAY_SUBPROTOCOL_BATCH);
    const socket = new RelaySocket(ws, 1 << 20, manualScheduler().schedule);
    const got: [number, string, number][] = [];
    const dropped: [string, number, number][] = [];
    socket.onMessage = (data, host, port) => got.push([data[0], host, port]);
    socket.onDrop = (host, port, reason) => dropped.push([host, port, reason]);
    const batch = encodeRelayBatch([
      { kind: 'datagram', host: '1.2.3.4', port: 5000, payload: Uint8Array.of(1) },
      { kind: 'dropped', host: '5.6.7.8', port: 6000, reason: RelayDropReason.BYTE_RATE },
      { kind: 'datagram', host: '1.2.3.4', port: 5001, payload: Uint8Array.of(2) },
    ]);
    ws.receive(toArrayBuffer(batch));
    ws.receive(batch); // a view (e.g. a Buffer) works too
    ws.receive(toArrayBuffer(batch.subarray(0, batch.length - 1)));
    ws.receive('text');
    expect(got).toEqual([
      [1, '1.2.3.4', 5000],
      [2, '1.2.3.4', 5001],
      [1, '1.2.3.4', 5000],
      [2, '1.2.3.4', 5001],
    ]);
    expect(dropped).toEqual([
      ['5.6.7.8', 6000, RelayDropReason.BYTE_RATE],
      ['5.6.7.8', 6000, RelayDropReason.BYTE_RATE],
    ]);
    expect(socket.stats).toMatchObject({ received: 4, droppedByRelay: 2, badFrames: 2, messagesReceived: 3 });
  });

  it('stops delivering the rest of a batch once a handler closes the socket', () => {
    const ws = new ScriptedWebSocket(RELAY_SUBPROTOCOL_BATCH);
    const socket = new RelaySocket(ws, 1 << 20, manualScheduler().schedule);
    let n = 0;
    socket.onMessage = () => {
      n++;
      socket.close();
    };
    const frame = { kind: 'datagram', host: '1.2.3.4', port: 5000, payload: Uint8Array.of(1) } as const;
    ws.receive(toArrayBuffer(encodeRelayBatch([frame, frame, frame])));
    expect(n).toBe(1);
  });
});

describe('RelaySocket, single frames', () => {
  it('sends one message per datagram at once and reads single frames', () => {
    for (const protocol of ['', RELAY_SUBPROTOCOL_SINGLE]) {
      const ws = new ScriptedWebSocket(protocol);
      const turn = manualScheduler();
      const socket = new RelaySocket(ws, 1 << 20, turn.schedule);
      expect(socket.batched).toBe(false);
      socket.send(Uint8Array.of(1), '127.0.0.1', 30000);
      socket.send(Uint8Array.of(2), '127.0.0.1', 30001);
      expect(turn.pending).toBe(0);
      expect(ws.sent.map((m) => decodeRelayFrame(m))).toEqual([
        { kind: 'datagram', host: '127.0.0.1', port: 30000, payload: Uint8Array.of(1) },
        { kind: 'datagram', host: '127.0.0.1', port: 30001, payload: Uint8Array.of(2) },
      ]);
      const got: number[] = [];
      socket.onMessage = (data) => got.push(data[0]);
      ws.receive(toArrayBuffer(encodeRelayDatagram('1.2.3.4', 5, Uint8Array.of(9))));
      // A batch is not a single frame: counted as bad.
      ws.receive(
        toArrayBuffer(
          encodeRelayBatch([{ kind: 'datagram', host: '1.2.3.4', port: 5, payload: Uint8Array.of(8) }]),
        ),
      );
      expect(got).toEqual([9]);
      expect(socket.stats).toMatchObject({ sent: 2, messagesSent: 2, received: 1, badFrames: 1 });
    }
  });
});

describe('openRelaySocket', () => {
  /** A WebSocket class whose instances open, or close before opening when offered subprotocols (`refuse`). */
  function scriptedClass(refuse: 'offers' | 'everything' | 'nothing', select = '') {
    const made: { url: string; protocols: string[] | undefined }[] = [];
    class Ctor extends ScriptedWebSocket {
      constructor(url: string, protocols?: string[]) {
        super(protocols === undefined ? '' : select);
        made.push({ url, protocols });
        const closes = refuse === 'everything' || (refuse === 'offers' && protocols !== undefined);
        setTimeout(() => (closes ? this.onclose?.({ code: 1006, reason: '' }) : this.onopen?.()), 1);
      }
    }
    return { Ctor, made };
  }

  it('offers tonsite-relay.1 then tonsite-relay.2 and takes what the server selected', async () => {
    const { Ctor, made } = scriptedClass('nothing', RELAY_SUBPROTOCOL_BATCH);
    const socket = await openRelaySocket('ws://h/udp', { WebSocket: Ctor });
    expect(made).toEqual([
      { url: 'ws://h/udp', protocols: [RELAY_SUBPROTOCOL_SINGLE, RELAY_SUBPROTOCOL_BATCH] },
    ]);
    expect(socket.batched).toBe(true);
  });

  it('tries once more without an offer when refused before open', async () => {
    const { Ctor, made } = scriptedClass('offers');
    const socket = await openRelaySocket('ws://h/udp', { WebSocket: Ctor });
    expect(made.map((m) => m.protocols)).toEqual([
      [RELAY_SUBPROTOCOL_SINGLE, RELAY_SUBPROTOCOL_BATCH],
      undefined,
    ]);
    expect(socket.batched).toBe(false);
  });

  it('offers nothing with batch: false, and fails with the close code when every attempt is refused', async () => {
    const quiet = scriptedClass('nothing');
    await openRelaySocket('ws://h/udp', { WebSocket: quiet.Ctor, batch: false });
    expect(quiet.made.map((m) => m.protocols)).toEqual([undefined]);
    const refused = scriptedClass('everything');
    const error = await openRelaySocket('ws://h/udp', { WebSocket: refused.Ctor }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe(1006);
    expect(refused.made).toHaveLength(2);
  });
});

describe('turnEndScheduler', () => {
  const host = globalThis as { setImmediate?: unknown; MessageChannel?: unknown };

  it('in Node: runs after the current turn and its microtasks', async () => {
    const order: string[] = [];
    const schedule = turnEndScheduler();
    schedule(() => order.push('turn end'));
    queueMicrotask(() => order.push('microtask'));
    order.push('now');
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(['now', 'microtask', 'turn end']);
  });

  it('without setImmediate: one MessageChannel message for every task of a turn', async () => {
    let posts = 0;
    class FakeChannel {
      port1: { onmessage: (() => void) | null } = { onmessage: null };
      port2 = {
        postMessage: () => {
          posts++;
          setTimeout(() => this.port1.onmessage?.(), 0);
        },
      };
    }
    const saved = { setImmediate: host.setImmediate, MessageChannel: host.MessageChannel };
    let schedule: ReturnType<typeof turnEndScheduler>;
    try {
      host.setImmediate = undefined;
      host.MessageChannel = FakeChannel;
      schedule = turnEndScheduler();
    } finally {
      host.setImmediate = saved.setImmediate;
      host.MessageChannel = saved.MessageChannel;
    }
    const ran: number[] = [];
    for (let i = 0; i < 3; i++) schedule((): void => void ran.push(i));
    expect(ran).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    expect(ran).toEqual([0, 1, 2]);
    expect(posts).toBe(1);
    schedule(() => void ran.push(3));
    await new Promise((r) => setTimeout(r, 5));
    expect(ran).toEqual([0, 1, 2, 3]);
    expect(posts).toBe(2);
  });
});
