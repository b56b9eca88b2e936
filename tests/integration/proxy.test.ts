/**
 * `tonsite proxy` and `tonsite fetch` as a user runs them (child processes of bin/tonsite.js) against the devnet:
 * an HTTP client using the proxy with absolute-form requests (what `curl -x` sends) gets the demo pages, cookies,
 * redirects and POST answers as the site sent them; non-TON hosts are refused. With curl on the machine, the
 * same through `curl -x`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIG_FILE_PATH, DEMO_COOKIES } from '../../src/devnet/sites/index.ts';
import { sha256Hex, startSiteDevnet, type SiteDevnet } from './helpers/site-devnet.ts';

let net: SiteDevnet;
let proxy: ChildProcess;
let proxyUrl: string;

/** Starts `tonsite ARGS...` and resolves with its first stdout line. */
function startCli(args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['bin/tonsite.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, line: out.slice(0, nl) });
    });
    child.once('exit', (code) => reject(new Error(`tonsite ${args[0]} exited ${code}: ${err}`)));
  });
}

/** Runs a command to its end without blocking the event loop (the devnet lives in this process). */
function run(cmd: string, args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err })),
  );
}

const runCli = (args: string[]) => run(process.execPath, ['bin/tonsite.js', ...args]);

interface ProxyAnswer {
  status: number;
  headers: string[];
  body: Buffer;
}

/** One request through the proxy in absolute form, as `curl -x` sends it. */
function viaProxy(
  url: string,
  init: { method?: string; body?: Buffer; headers?: Record<string, string> } = {},
) {
  const proxied = new URL(proxyUrl);
  return new Promise<ProxyAnswer>((resolve, reject) => {
    const req = request(
      {
        host: proxied.hostname,
        port: proxied.port,
        method: init.method ?? 'GET',
        path: url,
        headers: { Host: new URL(url).host, ...init.headers },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.rawHeaders, body: Buffer.concat(parts) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const rawValues = (raw: string[], name: string): string[] =>
  raw.filter((_, i) => i % 2 === 1 && raw[i - 1].toLowerCase() === name);

beforeAll(async () => {
  net = await startSiteDevnet();
  const started = await startCli(['proxy', '--listen', '127.0.0.1:0', '--config', net.configPath, '--quiet']);
  proxy = started.child;
  proxyUrl = (JSON.parse(started.line) as { proxy: string }).proxy;
});

afterAll(async () => {
  if (proxy && proxy.exitCode === null) {
    const exited = new Promise((r) => proxy.once('exit', r));
    proxy.kill('SIGTERM');
    await exited;
  }
  await net?.stop();
});

describe('tonsite proxy', () => {
  it('returns the demo page for an absolute-form request (what curl -x sends)', async () => {
    const res = await viaProxy('http://alice.ton/');
    expect(res.status).toBe(200);
    expect(sha256Hex(res.body)).toBe(net.aliceFiles.get('/index.html')!.sha256);
  });

  it('passes several Set-Cookie headers, redirects and POST answers through', async () => {
    const cookies = await viaProxy('http://alice.ton/cookies');
    expect(rawValues(cookies.headers, 'set-cookie')).toEqual(DEMO_COOKIES);
    const redirect = await viaProxy('http://alice.ton/old');
    expect([redirect.status, rawValues(redirect.headers, 'location')]).toEqual([302, ['/about.html']]);
    const body = Buffer.from('message=through+the+proxy');
    const post = await viaProxy('http://alice.ton/submit', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) },
    });
    expect(post.status).toBe(200);
    expect(post.body.toString()).toContain('<output id="echo">through the proxy</output>');
  });

  it('answers Range requests with 206 and the right bytes', async () => {
    const res = await viaProxy(`http://alice.ton${BIG_FILE_PATH}`, { headers: { Range: 'bytes=100-199' } });
    expect(res.status).toBe(206);
    expect(res.body.length).toBe(100);
  });

  it('refuses hosts that are not TON hosts, and says at which stage a TON host failed', async () => {
    expect((await viaProxy('http://example.com/')).status).toBe(403);
    const missing = await viaProxy('http://nobody.ton/');
    expect(missing.status).toBe(502);
    expect(rawValues(missing.headers, 'x-tonsite-error-stage')).toEqual(['dns']);
  });

  const curl = spawnSync('curl', ['--version']).status === 0;
  it.runIf(curl)('works with curl -x', async () => {
    const page = await run('curl', ['-s', '-x', proxyUrl, 'http://alice.ton/']);
    expect(page.code).toBe(0);
    expect(sha256Hex(page.stdout)).toBe(net.aliceFiles.get('/index.html')!.sha256);
    const head = await run('curl', ['-s', '-i', '-x', proxyUrl, 'http://alice.ton/cookies']);
    const cookies = head.stdout.toString().match(/^set-cookie: .*$/gim);
    expect(cookies?.map((l) => l.slice(12).trim())).toEqual(DEMO_COOKIES);
  });
});

describe('tonsite fetch', () => {
  it('--json reports status, sha256, stages and the RLDP version; the body goes to -o', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tonsite-fetch-')), 'docs.html');
    const { code, stdout } = await runCli([
      'fetch',
      'http://docs.alice.ton/',
      '--config',
      net.configPath,
      '--json',
      '-o',
      file,
    ]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout.toString()) as {
      status: number;
      stages: { stage: string }[];
      rldp: { version: number };
      sha256: string;
    };
    expect(out.status).toBe(200);
    expect(out.stages.map((s) => s.stage)).toEqual(['dns', 'dht', 'handshake', 'request', 'body']);
    expect(out.rldp.version).toBe(1);
    const saved = readFileSync(file);
    expect(out.sha256).toBe(sha256Hex(saved));
    expect(saved.toString()).toContain("Alice's docs");
  });

  it('prints the body (like curl) and fails with the stage for an unknown name', async () => {
    const ok = await runCli(['fetch', 'http://alice.ton/about.html', '--config', net.configPath]);
    expect(ok.code).toBe(0);
    expect(sha256Hex(ok.stdout)).toBe(net.aliceFiles.get('/about.html')!.sha256);
    const bad = await runCli(['fetch', 'http://nobody.ton/', '--config', net.configPath]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[dns]');
  });

  it('--peer reaches a site by key and address without DNS or DHT', async () => {
    const site = net.aliceV1;
    const peer = `${Buffer.from(site.publicKey).toString('hex')}@${site.address.host}:${site.address.port}`;
    const res = await runCli(['fetch', `http://${site.adnl}.adnl/about.html`, '--peer', peer, '--json']);
    const out = JSON.parse(res.stdout.toString()) as { status: number; stages: { stage: string }[] };
    expect(out.status).toBe(200);
    expect(out.stages.map((s) => s.stage)).toEqual(['handshake', 'request', 'body']);
  });
});
