/**
 * MessageRouter: the one registry of a node for its incoming messages of one kind (AdnlNode: queries and custom
 * messages; RldpNode: queries), so that several users share a node without chaining each other's handlers.
 *
 * A message is routed by its boxed TL constructor id (its first 4 bytes, little-endian) or, when it starts with
 * `overlay.query overlay:int256` or `overlay.message overlay:int256` (DIGEST §6: every storage query is sent so
 * prefixed), by that overlay id first. The handler gets the message whole (prefix included). A second handler for
 * a key already taken is refused with RouterError('duplicate'); `register` returns the function that removes it
 * (`unregister` removes a key's handler whoever registered it, to put another in its place).
 * A message no handler claims is `route`'s null: the node then uses its fallback slot (onQuery / onCustom).
 *
 * Like tonutils-go's ADNLWrapper (adnl/overlay/manager-adnl.go queryHandler/customHandler: UnwrapQuery /
 * UnwrapMessage, then the `overlays` map by overlay id, else the root handler) and js-libp2p's registrar
 * (`handle` refuses a protocol that already has a handler unless forced; `unhandle` removes it).
 */
import { tlId } from '../tl/index.ts';

export type RouterErrorKind = 'duplicate' | 'bad-key';

export class RouterError extends Error {
  override name = 'RouterError';
  readonly kind: RouterErrorKind;
  constructor(kind: RouterErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** A TL constructor id (u32), or a 32-byte overlay id. */
export type RouteKey = { readonly tlId: number } | { readonly overlay: Uint8Array };

const OVERLAY_QUERY_ID = tlId('overlay.query');
const OVERLAY_MESSAGE_ID = tlId('overlay.message');
const OVERLAY_PREFIX = 4 + 32;

/** Boxed TL id of `bytes` (u32 little-endian), or -1 when it is shorter than 4 bytes. */
export function tlIdOf(bytes: Uint8Array): number {
  if (bytes.length < 4) return -1;
  return (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return s;
}

function keyText(key: RouteKey): string {
  if ('overlay' in key) {
    if (!(key.overlay instanceof Uint8Array) || key.overlay.length !== 32)
      throw new RouterError('bad-key', 'an overlay id is 32 bytes');
    return `o:${hex(key.overlay)}`;
  }
  if (!Number.isInteger(key.tlId) || key.tlId < 0 || key.tlId > 0xffffffff)
    throw new RouterError('bad-key', `TL id ${key.tlId} is not a u32`);
  return `c:${key.tlId}`;
}

function describe(key: RouteKey): string {
  return 'overlay' in key
    ? `overlay ${hex(key.overlay)}`
    : `TL id 0x${key.tlId.toString(16).padStart(8, '0')}`;
}

/** Handlers by TL constructor id and by overlay id; H is the handler type of the node kind. */
export class MessageRouter<H> {
  readonly #handlers = new Map<string, H>();

  /** Adds `handler` for each key (all or none); throws RouterError('duplicate') when one is taken. */
  register(keys: RouteKey | readonly RouteKey[], handler: H): () => void {
    const list = Array.isArray(keys) ? (keys as readonly RouteKey[]) : [keys as RouteKey];
    const texts = list.map(keyText);
    for (let i = 0; i < texts.length; i++) {
      if (this.#handlers.has(texts[i]) || texts.indexOf(texts[i]) !== i)
        throw new RouterError('duplicate', `a handler for ${describe(list[i])} is registered already`);
    }
    for (const t of texts) this.#handlers.set(t, handler);
    let registered = true;
    return () => {
      if (!registered) return;
      registered = false;
      for (const t of texts) if (this.#handlers.get(t) === handler) this.#handlers.delete(t);
    };
  }

  /** Removes whatever handler is registered for each key (js-libp2p's `unhandle`): e.g. to put another in its place. */
  unregister(keys: RouteKey | readonly RouteKey[]): void {
    const list = Array.isArray(keys) ? (keys as readonly RouteKey[]) : [keys as RouteKey];
    for (const key of list) this.#handlers.delete(keyText(key));
  }

  /** Whether a handler is registered for `key`. */
  has(key: RouteKey): boolean {
    return this.#handlers.has(keyText(key));
  }

  /** The handler of `data`: by overlay id if overlay-prefixed and registered, else by TL id; null if none. */
  route(data: Uint8Array): H | null {
    if (this.#handlers.size === 0) return null;
    const id = tlIdOf(data);
    if (id === -1) return null;
    if ((id === OVERLAY_QUERY_ID || id === OVERLAY_MESSAGE_ID) && data.length >= OVERLAY_PREFIX) {
      const byOverlay = this.#handlers.get(`o:${hex(data.subarray(4, OVERLAY_PREFIX))}`);
      if (byOverlay !== undefined) return byOverlay;
    }
    return this.#handlers.get(`c:${id}`) ?? null;
  }
}

/** What a registering service needs from a router (so tests can pass a bare MessageRouter). */
export interface Registrar<H> {
  register(keys: RouteKey | readonly RouteKey[], handler: H): () => void;
}

/**
 * The router of a node that has only an `onQuery` slot (a test double without a router of its own): a router put
 * in the slot in front of the handler that was there, which keeps every query no registered handler claims.
 */
export function routerInSlot<H extends (peer: never, data: Uint8Array, ...rest: never[]) => unknown>(node: {
  onQuery: H | null;
}): MessageRouter<H> {
  const router = new MessageRouter<H>();
  const previous = node.onQuery;
  const routed = (...args: [unknown, Uint8Array, ...unknown[]]): unknown => {
    const handler = (router.route(args[1]) ?? previous) as ((...a: unknown[]) => unknown) | null;
    return handler ? handler(...args) : null;
  };
  node.onQuery = routed as unknown as H;
  return router;
}
