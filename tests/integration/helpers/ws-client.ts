/** Small WebSocket test client: collects received bytes and resolves the close code. */
import { WebSocket } from 'ws';

export interface TestStream {
  ws: WebSocket;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  received(): Buffer;
  /** Resolves once at least `n` bytes have arrived. */
  waitFor(n: number): Promise<Buffer>;
}

export function openStream(url: string): TestStream {
  const ws = new WebSocket(url);
  const chunks: Buffer[] = [];
  let total = 0;
  const waiters: { n: number; resolve: (b: Buffer) => void }[] = [];
  ws.on('error', () => {});
  ws.on('message', (data: Buffer) => {
    chunks.push(data);
    total += data.length;
    for (const w of waiters.splice(0)) {
      if (total >= w.n) w.resolve(Buffer.concat(chunks));
      else waiters.push(w);
    }
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', () => reject(new Error('closed before open')));
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return {
    ws,
    opened,
    closed,
    received: () => Buffer.concat(chunks),
    waitFor: (n) =>
      total >= n
        ? Promise.resolve(Buffer.concat(chunks))
        : new Promise((resolve) => waiters.push({ n, resolve })),
  };
}
