/**
 * Helpers for the hosting tests of `tonsite bridge` (bridge-host*.test.ts): a throwaway self-signed certificate
 * made with Debian's openssl (never committed), a `ws` WebSocket class that trusts it, the CLI bridge as a child
 * process, and plain HTTP(S) GETs for /healthz and /metrics.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** The certificate itself, PEM: the CA a client must trust. */
  pem: string;
}

/** A P-256 certificate for 127.0.0.1/localhost valid for a day, written into `dir`. */
export function selfSignedCertificate(dir: string): TestCertificate {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const run = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`openssl failed: ${run.stderr || run.error?.message}`);
  return { certFile, keyFile, pem: readFileSync(certFile, 'utf8') };
}

/**
 * `ws`'s WebSocket trusting `ca` (for the lite and relay clients, which take a WebSocket class), connecting from
 * `localAddress` when given (e.g. 127.0.0.2: a client address other than the proxy's).
 */
export function trustingWebSocket(ca: string, localAddress?: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { ca, localAddress });
    }
  } as typeof WebSocket;
}

export interface CliBridge {
  child: ChildProcess;
  /** The JSON line it printed. */
  info: { bridge: string; status: string; liteservers: number; network: string };
  /** Its stderr, line by line (JSON logs). */
  logs: string[];
  exited: Promise<number | null>;
}

/** Starts `tonsite bridge ARGS` and waits for its JSON line. */
export async function startCliBridge(args: string[]): Promise<CliBridge> {
  const child = spawn(process.execPath, ['bin/tonsite.js', 'bridge', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => logs.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then((code) => reject(new Error(`bridge exited ${code}: ${logs.join('\n')}`)));
  });
  return { child, info: JSON.parse(line) as CliBridge['info'], logs, exited };
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** GET over http: or https: (trusting `ca`), the whole body as text. */
export function httpGetText(url: string, ca?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    };
    const req = url.startsWith('https:') ? httpsGet(url, { ca }, onResponse) : httpGet(url, onResponse);
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error(`GET ${url} timed out`)));
  });
}

/** The value of one sample in Prometheus text (`name{labels}` exactly as printed), 0 when absent. */
export function metricValue(text: string, sample: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(sample + ' ')) return Number(line.slice(sample.length + 1));
  }
  return 0;
}

export async function waitUntil(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
