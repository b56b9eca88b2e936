/**
 * "Run this when the current event-loop turn is over": when relay senders flush the frames they collected
 * (relay-protocol.ts, 4.). Isomorphic, chosen by what the host has:
 * - setImmediate (Node): runs in the check phase, right after the poll phase has delivered every I/O event that
 *   was ready, so one flush carries everything a turn produced.
 * - MessageChannel (browsers, service workers): a new task, run after the current one without the >= 1 ms clamp
 *   browsers put on nested setTimeout(0) chains.
 * - setTimeout(0) otherwise.
 * queueMicrotask is not one of them: microtasks run after every single callback (each WebSocket message, each
 * UDP datagram in Node), so frames that arrive in one turn would still go out one message each.
 */

/** Runs `task` once, after the current event-loop turn. */
export type TurnEndScheduler = (task: () => void) => void;

interface TurnEndHost {
  setImmediate?: (task: () => void) => unknown;
  MessageChannel?: new () => {
    port1: { onmessage: (() => void) | null };
    port2: { postMessage(message: unknown): void };
  };
}

/** The scheduler for this host (see the file comment). */
export function turnEndScheduler(): TurnEndScheduler {
  const host = globalThis as TurnEndHost;
  const immediate = host.setImmediate;
  if (typeof immediate === 'function') return (task) => void immediate(task);
  if (typeof host.MessageChannel === 'function') return messageChannelScheduler(new host.MessageChannel());
  return (task) => void setTimeout(task, 0);
}

/** Tasks scheduled in the same turn share one message (one task). */
function messageChannelScheduler(channel: InstanceType<NonNullable<TurnEndHost['MessageChannel']>>) {
  let queue: (() => void)[] = [];
  channel.port1.onmessage = () => {
    const tasks = queue;
    queue = [];
    for (const task of tasks) {
      try {
        task();
      } catch (error) {
        // Like any task: report it, and let the other tasks run.
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  };
  return (task: () => void) => {
    if (queue.push(task) === 1) channel.port2.postMessage(null);
  };
}
