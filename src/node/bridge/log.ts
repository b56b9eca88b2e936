/**
 * Bridge logs: one JSON object per event, with ids, addresses, counts and close codes — never payload bytes
 * or keys (BRIEF: "nothing logs payload bytes or keys").
 */
export type BridgeLogFields = Record<string, string | number | boolean | undefined>;
export type BridgeLogger = (event: string, fields: BridgeLogFields) => void;

/** Writes `{"t": ISO time, "event": ..., ...fields}` lines to stderr. */
export const stderrLogger: BridgeLogger = (event, fields) => {
  process.stderr.write(JSON.stringify({ t: new Date().toISOString(), event, ...fields }) + '\n');
};

export const silentLogger: BridgeLogger = () => {};
