/**
 * @ton/core (cells, BoC, addresses: used by the lite and DNS layers) expects Node's global `Buffer`. A service
 * worker has none, so the worker installs the `buffer` package's implementation before anything else is
 * evaluated (index.ts imports this module first). Only @ton/core touches it; src/net itself stays on Uint8Array.
 */
import { Buffer } from 'buffer';

const scope = globalThis as { Buffer?: unknown };
scope.Buffer ??= Buffer;
