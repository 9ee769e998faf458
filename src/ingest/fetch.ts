/** The guarded HTTP client: SSRF checks on every connection, size, time and redirect caps, decompression. */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Config } from '../config/schema.js';
import { FetchError } from './errors.js';
import { AllowList, addressPermitted } from './ssrf.js';

/** Optional tuning on top of the `fetch` config section; every field has a default. */
export interface PollTuning {
  /** Time allowed to open a connection (default: min(timeoutMs, 10 s)). */
  connectTimeoutMs?: number;
  /** Most requests in flight to one host (default 2). */
  perHostConcurrency?: number;
  /** Adaptive polling interval bounds, minutes (defaults 5 and 360). */
  minIntervalMinutes?: number;
  maxIntervalMinutes?: number;
  /** Longest wait after failures or Retry-After, minutes (default 1440). */
  maxBackoffMinutes?: number;
  /** Consecutive failures before a feed is paused and channels are told (default 5). */
  pauseAfterFailures?: number;
}

export type FetchPolicy = Omit<Config['fetch'], keyof PollTuning> & PollTuning;

export interface FetchResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  finalUrl: string;
}

export interface FetchInit {
  headers?: Record<string, string>;
  method?: 'GET' | 'HEAD';
}

interface Agents {
  http: http.Agent;
  https: https.Agent;
}

/**
 * Kept-alive sockets, one pool per allow-list: a pool hands out sockets by host and port without asking the
 * lookup again, so a socket opened under a wider allow-list must never serve a request made under a narrower one.
 */
const agentCache = new WeakMap<AllowList, Agents>();

function agentsFor(allow: AllowList): Agents {
  let a = agentCache.get(allow);
  if (!a) {
    const options = { keepAlive: true, maxSockets: 64, maxFreeSockets: 32, scheduling: 'lifo' } as const;
    a = { http: new http.Agent(options), https: new https.Agent(options) };
    agentCache.set(allow, a);
  }
  return a;
}

const allowCache = new WeakMap<readonly string[], AllowList>();
const lookupCache = new WeakMap<AllowList, ReturnType<typeof guardedLookup>>();
const literalCache = new WeakMap<AllowList, Map<string, boolean>>();
const LITERAL_CACHE_MAX = 4096;

/** addressPermitted for a host that is an IP literal, memoised: the answer depends only on the host and list. */
function literalPermitted(host: string, allow: AllowList): boolean {
  let m = literalCache.get(allow);
  if (!m) {
    m = new Map();
    literalCache.set(allow, m);
  }
  let ok = m.get(host);
  if (ok === undefined) {
    ok = addressPermitted(host, host, allow);
    if (m.size >= LITERAL_CACHE_MAX) m.clear();
    m.set(host, ok);
  }
  return ok;
}

function lookupFor(allow: AllowList): ReturnType<typeof guardedLookup> {
  let l = lookupCache.get(allow);
  if (!l) {
    l = guardedLookup(allow);
    lookupCache.set(allow, l);
  }
  return l;
}

const NO_ENTRIES: readonly string[] = [];
/** How a self-hosted feed on a private address is let through, for every refusal message. */
const ALLOW_HINT = 'a self-hosted feed there can be allowed with fetch.allowPrivate';

function allowListOf(entries: readonly string[] = NO_ENTRIES): AllowList {
  let a = allowCache.get(entries);
  if (!a) {
    a = new AllowList(entries);
    allowCache.set(entries, a);
  }
  return a;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A dns.lookup replacement that only ever hands the socket addresses the guard permits. */
function guardedLookup(allow: AllowList) {
  return (hostname: string, options: { all?: boolean } | number, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const ok = addresses.filter((a) => addressPermitted(a.address, hostname, allow));
      if (!ok.length) {
        const e = new FetchError(
          `refused: ${hostname} resolves to a private or reserved address (${addresses.map((a) => a.address).join(', ')}); ${ALLOW_HINT}`,
        ) as FetchError & NodeJS.ErrnoException;
        e.code = 'ESSRF';
        return callback(e, []);
      }
      if (typeof options === 'object' && options?.all) return callback(null, ok);
      callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}

function checkUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new FetchError(`invalid URL: ${raw}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new FetchError(`refused: only http and https URLs (${u.protocol})`);
  if (u.username || u.password) throw new FetchError('refused: credentials in URL');
  return u;
}

/** Why a host that is an IP literal is refused, or undefined when the guard lets it through. */
function literalRefusal(host: string, allow: AllowList): string | undefined {
  return literalPermitted(host, allow)
    ? undefined
    : `refused: ${host} is a private or reserved address; ${ALLOW_HINT}`;
}

/**
 * Why a feed URL would be refused before any request, or undefined: not http(s), credentials in it, or a host
 * that is a private or reserved address literal or a localhost name (unless allow-listed). Host names are
 * resolved, and checked again, only when fetched.
 */
export function urlRefusal(raw: string, allowPrivate?: readonly string[]): string | undefined {
  let u: URL;
  try {
    u = checkUrl(raw);
  } catch (err) {
    return (err as FetchError).message;
  }
  // "localhost." is localhost: a trailing dot only marks the name as fully qualified.
  const host = u.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  const allow = allowListOf(allowPrivate);
  if (isIP(host) !== 0) return literalRefusal(host, allow);
  if ((host === 'localhost' || host.endsWith('.localhost')) && !allow.allowsHost(host))
    return `refused: ${host} is this machine; ${ALLOW_HINT}`;
  return undefined;
}

function flatHeaders(h: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Retry-After as seconds (delta or HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(v: string | undefined, now = Date.now()): number | undefined {
  if (!v) return undefined;
  const t = v.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const d = Date.parse(t);
  return Number.isNaN(d) ? undefined : Math.max(0, Math.round((d - now) / 1000));
}

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8';

interface Hop {
  status: number;
  headers: Record<string, string>;
  res: IncomingMessage;
}

function requestOnce(
  u: URL,
  policy: FetchPolicy,
  init: FetchInit,
  allow: AllowList,
  deadline: number,
): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(host) !== 0;
    const refused = literal ? literalRefusal(host, allow) : undefined;
    if (refused) return reject(new FetchError(refused));
    const isHttps = u.protocol === 'https:';
    const headers: Record<string, string> = {
      'user-agent': policy.userAgent,
      accept: ACCEPT,
      'accept-encoding': 'gzip, deflate, br',
    };
    if (init.headers) for (const k in init.headers) headers[k.toLowerCase()] = init.headers[k]!;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(new FetchError(`timed out after ${policy.timeoutMs} ms`));
    const req = (isHttps ? https : http).request({
      protocol: u.protocol,
      hostname: host,
      port: u.port || undefined,
      path: `${u.pathname}${u.search}`,
      method: init.method ?? 'GET',
      headers,
      agent: agentsFor(allow)[isHttps ? 'https' : 'http'],
      lookup: lookupFor(allow) as never,
      servername: isHttps && !literal ? host : undefined,
    });
    const connectMs = Math.min(policy.connectTimeoutMs ?? 10_000, policy.timeoutMs);
    let connectTimer: NodeJS.Timeout | undefined;
    // Rejects as well as destroying: a request Node has already destroyed emits nothing more.
    const total = setTimeout(() => {
      const err = new FetchError(`timed out after ${policy.timeoutMs} ms`);
      req.destroy(err);
      reject(err);
    }, remaining);
    req.on('socket', (sock) => {
      if (!sock.connecting) return;
      connectTimer = setTimeout(
        () => req.destroy(new FetchError(`connect timed out after ${connectMs} ms (${u.host})`)),
        connectMs,
      );
      sock.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(total);
      clearTimeout(connectTimer);
      reject(err instanceof FetchError ? err : new FetchError(networkMessage(err, u)));
    });
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      // The body reader owns the remaining deadline from here.
      clearTimeout(total);
      resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers), res });
    });
    // A 101 answer with Upgrade headers goes to 'upgrade', never to 'response' or 'error': without this the
    // fetch, and the polling pass waiting on it, would never end.
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      clearTimeout(total);
      clearTimeout(connectTimer);
      reject(new FetchError(`${u.host} switched protocols (HTTP ${res.statusCode}) instead of answering`));
    });
    // Any other end without an answer settles the fetch too; after a response this changes nothing.
    req.on('close', () => {
      clearTimeout(total);
      clearTimeout(connectTimer);
      reject(new FetchError(`${u.host} closed the connection without answering`));
    });
    req.end();
  });
}

function networkMessage(err: NodeJS.ErrnoException, u: URL): string {
  switch (err.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${u.hostname}`;
    case 'ECONNREFUSED':
      return `connection refused by ${u.host}`;
    case 'ECONNRESET':
      return `connection reset by ${u.host}`;
    case 'ETIMEDOUT':
      return `connection to ${u.host} timed out`;
    default:
      return `${u.host}: ${err.message}`;
  }
}

/** Reads a response body within the size cap and the remaining time. */
function readRaw(hop: Hop, policy: FetchPolicy, deadline: number): Promise<Buffer> {
  const { res, headers } = hop;
  return new Promise((resolve, reject) => {
    const max = policy.maxBytes;
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      res.destroy();
      return reject(new FetchError(`response too large: ${declared} bytes (limit ${max})`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      res.destroy();
      reject(e);
    };
    const timer = setTimeout(
      () => fail(new FetchError(`timed out after ${policy.timeoutMs} ms reading the body`)),
      Math.max(1, deadline - Date.now()),
    );
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) return fail(new FetchError(`response too large: over ${max} bytes`));
      chunks.push(c);
    });
    res.on('end', () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    res.on('error', (e) => fail(new FetchError(`reading body failed: ${e.message}`)));
    res.on('aborted', () => fail(new FetchError('connection closed before the body was complete')));
  });
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

/** Undoes Content-Encoding with the decoded size capped too, so a small bomb cannot exhaust memory. */
async function decodeContent(raw: Buffer, encoding: string | undefined, max: number): Promise<Buffer> {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (!enc || enc === 'identity' || raw.length === 0) return raw;
  const opts = { maxOutputLength: max };
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return await gunzip(raw, opts);
    if (enc === 'br') return await brotli(raw, opts);
    if (enc === 'deflate') {
      // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
      return (raw[0]! & 0x0f) === 8 && ((raw[0]! << 8) | raw[1]!) % 31 === 0
        ? await inflate(raw, opts)
        : await inflateRaw(raw, opts);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new FetchError(`response too large: decompresses to over ${max} bytes`);
    }
    throw new FetchError(`cannot decode ${enc} body: ${e.message}`);
  }
  // An unknown coding: pass the bytes on and let the parser judge them.
  return raw;
}

/**
 * GET `url` with the SSRF guard on every hop, following at most `maxRedirects` redirects, with the body
 * decompressed and capped at `maxBytes`. Any final status (including 304 and errors) is returned; refusals,
 * network failures, time-outs and over-size bodies throw a FetchError.
 */
export async function safeFetch(
  url: string,
  policy: FetchPolicy,
  init: FetchInit = {},
): Promise<FetchResult> {
  const allow = allowListOf(policy.allowPrivate);
  const deadline = Date.now() + policy.timeoutMs;
  let u = checkUrl(url);
  for (let redirects = 0; ; redirects++) {
    const hop = await requestOnce(u, policy, init, allow, deadline);
    const { status, headers } = hop;
    if (status >= 300 && status < 400 && status !== 304 && headers.location) {
      // A redirect's body is never read: closing it stops a server from streaming one without end.
      hop.res.destroy();
      if (redirects >= policy.maxRedirects) {
        throw new FetchError(`too many redirects (limit ${policy.maxRedirects})`, status);
      }
      let next: string;
      try {
        next = new URL(headers.location, u).href;
      } catch {
        throw new FetchError(`bad redirect location: ${headers.location}`);
      }
      u = checkUrl(next);
      continue;
    }
    const body =
      init.method === 'HEAD' || status === 304 || status === 204
        ? await drain(hop)
        : await decodeContent(
            await readRaw(hop, policy, deadline),
            headers['content-encoding'],
            policy.maxBytes,
          );
    return { status, headers, body, finalUrl: u.href };
  }
}

function drain(hop: Hop): Promise<Buffer> {
  hop.res.resume();
  return Promise.resolve(Buffer.alloc(0));
}

/** Limits requests in flight per host (and optionally overall), queueing the rest in arrival order. */
export class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly queues = new Map<string, (() => void)[]>();
  private total = 0;
  private readonly totalQueue: (() => void)[] = [];

  constructor(
    readonly perHost = 2,
    readonly maxTotal = Number.POSITIVE_INFINITY,
  ) {}

  async run<T>(host: string, fn: () => Promise<T>): Promise<T> {
    await this.acquire(host);
    try {
      return await fn();
    } finally {
      this.release(host);
    }
  }

  private async acquire(host: string): Promise<void> {
    if ((this.active.get(host) ?? 0) >= this.perHost) {
      await new Promise<void>((r) => {
        const q = this.queues.get(host) ?? [];
        q.push(r);
        this.queues.set(host, q);
      });
    } else {
      this.active.set(host, (this.active.get(host) ?? 0) + 1);
    }
    if (this.total >= this.maxTotal) await new Promise<void>((r) => this.totalQueue.push(r));
    else this.total++;
  }

  private release(host: string): void {
    const nextTotal = this.totalQueue.shift();
    if (nextTotal) nextTotal();
    else this.total--;
    const q = this.queues.get(host);
    const next = q?.shift();
    if (q && !q.length) this.queues.delete(host);
    if (next) next();
    else {
      const n = (this.active.get(host) ?? 1) - 1;
      if (n <= 0) this.active.delete(host);
      else this.active.set(host, n);
    }
  }
}
