import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FetchPolicy, HostLimiter, safeFetch, urlRefusal } from '../../src/ingest/index.js';
import { AllowList, isBlockedAddress, parseAllowEntry } from '../../src/ingest/ssrf.js';
import { startServer, type TestServer } from './helpers/server.js';

const policy: FetchPolicy = {
  timeoutMs: 2000,
  maxBytes: 100_000,
  maxRedirects: 3,
  userAgent: 'Threadline-test/1 (+https://example.org/bot)',
  concurrency: 8,
  allowPrivate: ['127.0.0.1'],
};
const strict: FetchPolicy = { ...policy, allowPrivate: [] };

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(() => srv.close());

describe('safeFetch', () => {
  it('sends the User-Agent and returns body, headers and final URL', async () => {
    srv.routes.set('/plain', (_req, res) => res.end('hello'));
    const r = await safeFetch(`${srv.url}/plain`, policy);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('hello');
    expect(r.finalUrl).toBe(`${srv.url}/plain`);
    expect(srv.requests.at(-1)!.headers['user-agent']).toBe(policy.userAgent);
    expect(srv.requests.at(-1)!.headers['accept-encoding']).toMatch(/gzip.*br/);
  });

  it.each([
    ['gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['br', (b: Buffer) => zlib.brotliCompressSync(b)],
    ['deflate', (b: Buffer) => zlib.deflateSync(b)],
    ['deflate', (b: Buffer) => zlib.deflateRawSync(b)],
  ])('decodes %s bodies', async (enc, compress) => {
    const text = Buffer.from('<rss version="2.0"><channel><title>x</title></channel></rss>'.repeat(20));
    srv.routes.set('/z', (_req, res) => {
      res.setHeader('content-encoding', enc);
      res.end(compress(text));
    });
    const r = await safeFetch(`${srv.url}/z`, policy);
    expect(r.body.equals(text)).toBe(true);
  });

  it('decodes a real gzip-encoded feed (node-feedparser compressed.xml)', async () => {
    const gz = readFileSync(
      path.resolve(process.cwd(), '../shared/feeds/node-feedparser/test/feeds/compressed.xml'),
    );
    srv.routes.set('/compressed', (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end(gz);
    });
    const r = await safeFetch(`${srv.url}/compressed`, policy);
    expect(r.body.toString('latin1')).toMatch(/^<\?xml/);
  });

  it('caps the body size, plain, chunked and after decompression', async () => {
    srv.routes.set('/big', (_req, res) => res.end(Buffer.alloc(200_000, 97)));
    srv.routes.set('/chunked', (_req, res) => {
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(10_000, 97));
      res.end();
    });
    srv.routes.set('/bomb', (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end(zlib.gzipSync(Buffer.alloc(5_000_000, 0)));
    });
    await expect(safeFetch(`${srv.url}/big`, policy)).rejects.toThrow(/too large/);
    await expect(safeFetch(`${srv.url}/chunked`, policy)).rejects.toThrow(/too large/);
    await expect(safeFetch(`${srv.url}/bomb`, policy)).rejects.toThrow(/too large/);
  });

  it('follows redirects up to the limit', async () => {
    for (let i = 0; i < 6; i++) {
      srv.routes.set(`/r${i}`, (_req, res) => {
        res.statusCode = 302;
        res.setHeader('location', `/r${i + 1}`);
        res.end();
      });
    }
    srv.routes.set('/r3', (_req, res) => res.end('landed'));
    const ok = await safeFetch(`${srv.url}/r0`, policy);
    expect(ok.body.toString()).toBe('landed');
    expect(ok.finalUrl).toBe(`${srv.url}/r3`);
    await expect(safeFetch(`${srv.url}/r0`, { ...policy, maxRedirects: 2 })).rejects.toThrow(
      /too many redirects/,
    );
  });

  it('closes a redirect at once, so a server cannot stream its body without end', async () => {
    let streamed = 0;
    const closed = new Promise<void>((resolve) => {
      srv.routes.set('/endless-redirect', (_req, res) => {
        res.statusCode = 302;
        res.setHeader('location', '/landing');
        const chunk = Buffer.alloc(16_384, 97);
        const pump = setInterval(() => {
          res.write(chunk);
          streamed += chunk.length;
        }, 5);
        res.on('close', () => {
          clearInterval(pump);
          resolve();
        });
      });
    });
    srv.routes.set('/landing', (_req, res) => res.end('landed'));
    const r = await safeFetch(`${srv.url}/endless-redirect`, policy);
    expect(r.body.toString()).toBe('landed');
    // Without the close the server keeps writing, the promise never settles and the test times out.
    await closed;
    expect(streamed).toBeLessThan(policy.maxBytes);
  });

  it('times out a server that never answers, and one that stalls mid-body', async () => {
    srv.routes.set('/hang', () => {});
    srv.routes.set('/stall', (_req, res) => {
      res.setHeader('content-length', '100');
      res.write('partial');
    });
    const quick = { ...policy, timeoutMs: 300 };
    const t0 = Date.now();
    await expect(safeFetch(`${srv.url}/hang`, quick)).rejects.toThrow(/timed out/);
    await expect(safeFetch(`${srv.url}/stall`, quick)).rejects.toThrow(/timed out/);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('refuses an answer that switches protocols at once, instead of waiting for ever', async () => {
    // A 101 with Upgrade headers never reaches a response handler; node:http destroys the socket itself.
    const upgrading = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () =>
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
      );
    });
    await new Promise<void>((resolve) => upgrading.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = upgrading.address() as net.AddressInfo;
      const t0 = Date.now();
      await expect(safeFetch(`http://127.0.0.1:${port}/feed.xml`, policy)).rejects.toThrow(
        /switched protocols \(HTTP 101\)/,
      );
      expect(Date.now() - t0).toBeLessThan(policy.timeoutMs);
    } finally {
      upgrading.close();
    }
  });

  it('returns 304 and error statuses without throwing', async () => {
    srv.routes.set('/nm', (_req, res) => {
      res.statusCode = 304;
      res.end();
    });
    srv.routes.set('/gone', (_req, res) => {
      res.statusCode = 410;
      res.end('gone');
    });
    expect((await safeFetch(`${srv.url}/nm`, policy)).status).toBe(304);
    expect((await safeFetch(`${srv.url}/gone`, policy)).status).toBe(410);
  });
});

describe('SSRF guard', () => {
  it.each([
    'http://10.0.0.1/',
    'http://192.168.1.1/feed',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://127.0.0.1/',
    'http://127.3.4.5/',
    'http://100.64.0.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0/',
    'http://224.0.0.1/',
  ])('refuses %s', async (url) => {
    await expect(safeFetch(url, strict)).rejects.toThrow(/refused/);
  });

  it('refuses non-http schemes', async () => {
    await expect(safeFetch('file:///etc/passwd', policy)).rejects.toThrow(/only http and https/);
    await expect(safeFetch('ftp://example.org/', policy)).rejects.toThrow(/only http and https/);
  });

  it('refuses a host name that resolves to loopback unless its address is allow-listed', async () => {
    srv.routes.set('/local', (_req, res) => res.end('ok'));
    await expect(safeFetch(`http://localhost:${srv.port}/local`, strict)).rejects.toThrow(
      /refused: localhost resolves/,
    );
    const r = await safeFetch(`http://localhost:${srv.port}/local`, policy);
    expect(r.body.toString()).toBe('ok');
  });

  it('never lends a socket opened under a wider allow-list to a request under a narrower one', async () => {
    srv.routes.set('/pooled', (_req, res) => res.end('secret'));
    const allowed = await safeFetch(`http://localhost:${srv.port}/pooled`, policy);
    expect(allowed.body.toString()).toBe('secret');
    // The kept-alive socket to localhost is idle now; the strict request must resolve and be refused anew.
    await expect(safeFetch(`http://localhost:${srv.port}/pooled`, strict)).rejects.toThrow(
      /refused: localhost resolves/,
    );
  });

  it('checks every redirect hop', async () => {
    srv.routes.set('/to-metadata', (_req, res) => {
      res.statusCode = 301;
      res.setHeader('location', 'http://169.254.169.254/latest/meta-data/');
      res.end();
    });
    srv.routes.set('/to-file', (_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', 'file:///etc/passwd');
      res.end();
    });
    await expect(safeFetch(`${srv.url}/to-metadata`, policy)).rejects.toThrow(/refused: 169\.254\.169\.254/);
    await expect(safeFetch(`${srv.url}/to-file`, policy)).rejects.toThrow(/only http and https/);
  });

  it('allows CIDR ranges from the config', async () => {
    srv.routes.set('/cidr', (_req, res) => res.end('ok'));
    const r = await safeFetch(`${srv.url}/cidr`, { ...policy, allowPrivate: ['127.0.0.0/8'] });
    expect(r.status).toBe(200);
  });

  it('classifies addresses', () => {
    for (const ip of [
      '10.1.1.1',
      '172.16.0.1',
      '192.168.0.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.100.100.200',
      'fd00:ec2::254',
      'fe80::1',
      '::1',
      'ff02::1',
    ]) {
      expect(isBlockedAddress(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '172.32.0.1'])
      expect(isBlockedAddress(ip), ip).toBe(false);
  });

  it('checks IPv4 inside IPv6 however the address is written', () => {
    // Mapped, compatible, NAT64 and 6to4 forms, dotted or in hex, compressed or not (URLs give the hex form).
    for (const ip of [
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:127.0.0.1',
      '::127.0.0.1',
      '::7f00:1',
      '::a9fe:a9fe',
      '64:ff9b::a9fe:a9fe',
      '2002:7f00:1::',
      '2002:7f00::',
      '2002:c0a8::1',
      '::ffff:0:7f00:1',
      '::ffff:0:127.0.0.1',
      // Local-use NAT64 and Teredo reach whatever the network's own translator reaches.
      '64:ff9b:1::7f00:1',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      '192.88.99.1',
    ])
      expect(isBlockedAddress(ip), ip).toBe(true);
    for (const ip of [
      '::ffff:8.8.8.8',
      '::ffff:0:808:808',
      '::808:808',
      '2002:808:808::1',
      '64:ff9b::808:808',
    ])
      expect(isBlockedAddress(ip), ip).toBe(false);
  });

  it('refuses localhost before fetching, with or without the trailing dot of a full name', () => {
    for (const url of ['http://localhost/feed', 'http://localhost./feed', 'http://feeds.localhost./rss'])
      expect(urlRefusal(url), url).toMatch(/is this machine/);
    expect(urlRefusal('http://localhost./feed', ['localhost'])).toBeUndefined();
    expect(urlRefusal('http://[::7f00:1]/feed')).toMatch(/private or reserved/);
  });

  it('reads allow-list entries strictly: a range with a missing or impossible prefix allows nothing', () => {
    expect(parseAllowEntry('10.0.0.0/8')).toEqual({
      kind: 'range',
      net: '10.0.0.0',
      bits: 8,
      family: 'ipv4',
    });
    expect(parseAllowEntry('[FD00::1]')).toEqual({
      kind: 'range',
      net: 'fd00::1',
      bits: 128,
      family: 'ipv6',
    });
    expect(parseAllowEntry('Feeds.Internal.')).toEqual({ kind: 'host', host: 'feeds.internal' });
    for (const bad of [
      '10.0.0.0/',
      'fd00::/',
      '10.0.0.0/33',
      '::1/129',
      '10.0.0.0/8x',
      '/8',
      '*.internal',
      ' ',
    ])
      expect(parseAllowEntry(bad).kind, bad).toBe('invalid');
    // Read as a /0 before, "10.0.0.0/" let every address through.
    expect(() => new AllowList(['10.0.0.0/'])).toThrow(/prefix length/);
    const allow = new AllowList(['10.0.0.0/8', 'feeds.internal']);
    expect(allow.allowsAddress('10.1.2.3')).toBe(true);
    expect(allow.allowsAddress('127.0.0.1')).toBe(false);
    expect(allow.allowsHost('FEEDS.internal.')).toBe(true);
  });
});

describe('HostLimiter', () => {
  it('runs at most perHost tasks per host at once', async () => {
    const lim = new HostLimiter(2);
    let active = 0;
    let peak = 0;
    const task = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 10));
      active--;
    };
    await Promise.all(Array.from({ length: 8 }, () => lim.run('a.example', task)));
    expect(peak).toBe(2);
  });
});
