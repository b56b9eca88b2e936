/**
 * Counts the round trips streams cost: one per connect, and one per burst of writes that follows something read
 * (writes sent before the answer to the previous ones arrived share a round trip). The DNS bench and tests use it
 * to show how many round trips a resolution takes, independently of timing. One counter may wrap the connectors
 * of several servers (a pool); they then share the count.
 */
import type { ByteStream, StreamConnector } from './types.ts';

export interface RoundTripCounter {
  /** `inner` with every stream it opens counted. */
  wrap(inner: StreamConnector): StreamConnector;
  /** Round trips so far over every stream of every wrapped connector. */
  rounds(): number;
}

export function roundTripCounter(): RoundTripCounter {
  let rounds = 0;
  let readSinceWrite = true;
  return {
    rounds: () => rounds,
    wrap: (inner) => async () => {
      rounds++; // the connect
      const stream = await inner();
      const outer: ByteStream = {
        onData: null,
        onClose: null,
        write: (data) => {
          if (readSinceWrite) rounds++;
          readSinceWrite = false;
          stream.write(data);
        },
        close: () => stream.close(),
      };
      stream.onData = (d) => {
        readSinceWrite = true;
        outer.onData?.(d);
      };
      stream.onClose = (e) => outer.onClose?.(e);
      return outer;
    },
  };
}
