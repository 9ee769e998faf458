/**
 * A fake Slack on 127.0.0.1 for driving the real Bolt / @slack/web-api / @slack/socket-mode stack in tests:
 * Web API methods, Socket Mode, response_url, private file downloads and signed Events API requests.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

export interface FakeChannel {
  id: string;
  name: string;
  /** Whether the bot has joined. Defaults to true. */
  isMember?: boolean;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** User IDs in the channel; when omitted every known user counts as a member (for postEphemeral). */
  members?: string[];
}

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isPrimaryOwner?: boolean;
  isBot?: boolean;
  deleted?: boolean;
  tz?: string;
}

export interface FakeMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** A message as the fake stores it; the unfurl flags are what chat.postMessage was asked for. */
export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  reply_broadcast?: boolean;
  metadata?: FakeMetadata;
  unfurl_links?: boolean;
  unfurl_media?: boolean;
  edited?: { user: string; ts: string };
  deleted?: boolean;
}

export interface FakeUpdate {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: FakeMetadata;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  message_ts: string;
}

export interface FakeResponse {
  url: string;
  body: Record<string, unknown>;
  status: number;
}

export interface FakeRequest {
  method: string;
  body: Record<string, unknown>;
  token?: string;
  contentType?: string;
  /** HTTP status the fake answered with. */
  status: number;
  /** `error` of an `ok: false` answer, or the injected fault's label. */
  error?: string;
}

export interface FakeFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  user: string;
  content: Buffer;
  url_private: string;
  url_private_download: string;
  reportedSize?: number;
}

export interface FakeView {
  id: string;
  trigger_id: string;
  view: Record<string, unknown>;
}

export interface FakeDownload {
  path: string;
  authorized: boolean;
}

/** What the client sent back for an envelope: `{ envelope_id, payload? }`. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/**
 * A fault for the next call(s) of a method. With `error` the answer is `{ ok: false, error }` (HTTP 200 unless
 * `status`); `status: 429` adds `Retry-After: retryAfter` (default 1) and the error `ratelimited`; another
 * status alone answers that status with `body`. `afterCommit` performs the call first and then answers with
 * the fault (default 500). `delayMs` stalls before answering. `times` repeats the fault (default 1).
 */
export interface FakeFault {
  status?: number;
  retryAfter?: number | string;
  error?: string;
  body?: string;
  afterCommit?: boolean;
  delayMs?: number;
  times?: number;
}

export interface SlashCommandInput {
  command: string;
  text?: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  team_id?: string;
  team_domain?: string;
  response_url?: string;
  trigger_id?: string;
  [extra: string]: string | undefined;
}

export interface EnvelopeOptions {
  acceptsResponsePayload?: boolean;
  retryAttempt?: number;
  retryReason?: string;
  /** How long to wait for the client's ack; Slack's own deadline is 3 s. */
  ackTimeoutMs?: number;
}

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  teamId?: string;
  teamDomain?: string;
  teamName?: string;
  botUserId?: string;
  botUserName?: string;
  botId?: string;
  appId?: string;
  /** Defaults to one channel, C0GENERAL / general, with the bot as a member. */
  channels?: FakeChannel[];
  /** The bot user is always added. Defaults to an admin U0ADMIN and a plain member U0MEMBER. */
  users?: FakeUser[];
  /** Granted bot scopes; methods needing another scope answer missing_scope. Defaults to all. */
  scopes?: string[];
  /** Seconds part of the first message ts. */
  tsBase?: number;
  ackTimeoutMs?: number;
  /** Server-initiated WebSocket pings; 0 (default) sends none. */
  pingIntervalMs?: number;
  /** Lifetime of trigger_ids handed out with slash commands (Slack: 3 s). */
  triggerTtlMs?: number;
}

const ALL_SCOPES = [
  'chat:write',
  'chat:write.public',
  'channels:read',
  'groups:read',
  'channels:history',
  'groups:history',
  'channels:join',
  'users:read',
  'files:read',
  'commands',
];

class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

interface ApiResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface PendingAck {
  resolve: (ack: SocketAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

type Args = Record<string, unknown>;

const TS_PATTERN = /^\d{10}\.\d{6}$/;

/** Orders Slack timestamps exactly; as doubles they lose the last microsecond digits. */
function compareTs(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const byInt = Number(ai) - Number(bi);
  if (byInt !== 0) return Math.sign(byInt);
  const fa = af.padEnd(6, '0');
  const fb = bf.padEnd(6, '0');
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Form bodies carry booleans as 'true' / '1'; JSON bodies as real booleans. */
function bool(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** web-api JSON-encodes arrays and objects inside form bodies; JSON bodies carry them as they are. */
function jsonArg(value: unknown, badCode: string): unknown {
  if (typeof value !== 'string') return value;
  if (value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw new ApiError(badCode);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`, as Slack signs requests to an app. */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedRequestOptions {
  secret: string;
  /** Unix seconds; defaults to now. Anything over 5 minutes old is stale to Bolt. */
  timestamp?: number;
  badSignature?: boolean;
  /** Defaults to form encoding for object bodies and for strings. */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface SignedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
}

/**
 * POSTs to a Bolt HTTP receiver the way Slack does, signed with the signing secret. Object bodies are
 * form-encoded like slash commands; pass a JSON string with `contentType: 'application/json'` for events.
 * Uses a one-off connection so no keep-alive socket outlives the test.
 */
export function signedRequest(
  url: string,
  body: string | Record<string, string>,
  options: SignedRequestOptions,
): Promise<SignedResponse> {
  const raw = typeof body === 'string' ? body : new URLSearchParams(body).toString();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  let signature = slackSignature(options.secret, timestamp, raw);
  if (options.badSignature) signature = slackSignature(`${options.secret}-wrong`, timestamp, raw);
  const headers: Record<string, string | number> = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
    'content-length': Buffer.byteLength(raw),
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers, agent: false }, (res) => {
      readBody(res).then((buf) => {
        const text = buf.toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
      }, reject);
    });
    req.on('error', reject);
    req.end(raw);
  });
}

export class FakeSlack {
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly teamName: string;
  readonly botUserId: string;
  readonly botUserName: string;
  readonly botId: string;
  readonly appId: string;

  /** Every Web API call, including rejected and faulted ones. */
  readonly requests: FakeRequest[] = [];
  readonly updates: FakeUpdate[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  readonly deletes: { channel: string; ts: string }[] = [];
  /** Posts to response_url. */
  readonly responses: FakeResponse[] = [];
  readonly views: FakeView[] = [];
  readonly downloads: FakeDownload[] = [];
  /** Every visit to the sign-in page, and whether it carried the bot token. */
  readonly signIns: { authorized: boolean }[] = [];
  /** Every envelope pushed over Socket Mode. */
  readonly envelopes: Record<string, unknown>[] = [];
  /** Every acknowledgement the client sent. */
  readonly acks: SocketAck[] = [];
  /** WebSocket connections accepted so far (reconnects count). */
  socketConnections = 0;
  /** Pongs received for the server's pings. */
  pongs = 0;

  private readonly channels = new Map<string, FakeChannel>();
  private readonly users = new Map<string, FakeUser>();
  private readonly files = new Map<string, FakeFile>();
  private readonly messages: FakeMessage[] = [];
  private readonly scopes: Set<string>;
  private readonly faults = new Map<string, FakeFault[]>();
  private readonly tickets = new Set<string>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly responseUrls = new Map<string, { uses: number; channel: string }>();
  private readonly pendingAcks = new Map<string, PendingAck>();
  private readonly sockets: WebSocket[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tsBase: number;
  private readonly ackTimeoutMs: number;
  private readonly pingIntervalMs: number;
  private readonly triggerTtlMs: number;
  private tsCounter = 0;
  private idCounter = 0;
  private server?: Server;
  private wss?: WebSocketServer;
  private pingTimer?: NodeJS.Timeout;
  port = 0;

  constructor(options: FakeSlackOptions = {}) {
    this.botToken = options.botToken ?? 'xoxb-1-fake-bot-token';
    this.appToken = options.appToken ?? 'xapp-1-A0APP-fake-app-token';
    this.teamId = options.teamId ?? 'T0TEAM';
    this.teamDomain = options.teamDomain ?? 'threadline-test';
    this.teamName = options.teamName ?? 'Threadline Test';
    this.botUserId = options.botUserId ?? 'U0BOT';
    this.botUserName = options.botUserName ?? 'threadline';
    this.botId = options.botId ?? 'B0BOT';
    this.appId = options.appId ?? 'A0APP';
    this.scopes = new Set(options.scopes ?? ALL_SCOPES);
    this.tsBase = options.tsBase ?? 1_700_000_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.pingIntervalMs = options.pingIntervalMs ?? 0;
    this.triggerTtlMs = options.triggerTtlMs ?? 3000;
    for (const c of options.channels ?? [{ id: 'C0GENERAL', name: 'general' }]) this.addChannel(c);
    const users = options.users ?? [
      {
        id: 'U0ADMIN',
        name: 'ada',
        realName: 'Ada Admin',
        isAdmin: true,
        isOwner: true,
        isPrimaryOwner: true,
      },
      { id: 'U0MEMBER', name: 'max', realName: 'Max Member' },
    ];
    this.addUser({ id: this.botUserId, name: this.botUserName, isBot: true });
    for (const u of users) this.addUser(u);
  }

  // ---- lifecycle ----

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    this.wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    if (this.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => {
        for (const ws of this.sockets) if (ws.readyState === ws.OPEN) ws.ping('fake-slack');
      }, this.pingIntervalMs);
    }
  }

  /**
   * Stops everything. Stop the Bolt app first: Bolt's stop() does not wait for the close handshake, so this
   * waits briefly for client-initiated closes before closing remaining sockets itself. A socket the fake
   * closes while the app still runs makes the client reconnect (after clientPingTimeout).
   */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    clearInterval(this.pingTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const [id, pending] of this.pendingAcks) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`FakeSlack stopped before envelope ${id} was acked`));
    }
    this.pendingAcks.clear();
    const open = () => this.sockets.filter((ws) => ws.readyState !== ws.CLOSED);
    if (open().length > 0) await this.waitFor(() => open().length === 0, 250).catch(() => undefined);
    for (const ws of open()) if (ws.readyState === ws.OPEN) ws.close(1001, 'server stopping');
    if (open().length > 0) await this.waitFor(() => open().length === 0, 500).catch(() => undefined);
    for (const ws of open()) ws.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** For `clientOptions.slackApiUrl`; web-api appends the method name (and adds a missing trailing slash). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  // ---- configuration ----

  addChannel(channel: FakeChannel): void {
    this.channels.set(channel.id, { isMember: true, ...channel });
  }

  setMembership(channelId: string, isMember: boolean): void {
    const c = this.channels.get(channelId);
    if (!c) throw new Error(`unknown channel ${channelId}`);
    c.isMember = isMember;
  }

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
  }

  /** Registers a file whose bytes are served at `url_private` to requests bearing the bot token. */
  addFile(file: {
    id?: string;
    name: string;
    content: string | Buffer;
    mimetype?: string;
    filetype?: string;
    title?: string;
    user?: string;
    /** The size `files.info` reports, when it is to differ from the bytes served. */
    reportedSize?: number;
  }): FakeFile {
    const id = file.id ?? `F0${this.nextId()}`;
    const path = `/files-pri/${this.teamId}-${id}`;
    const stored: FakeFile = {
      id,
      name: file.name,
      title: file.title ?? file.name,
      mimetype: file.mimetype ?? 'application/octet-stream',
      filetype: file.filetype ?? (file.name.split('.').pop() || 'binary'),
      user: file.user ?? 'U0ADMIN',
      content: typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content,
      url_private: `${this.baseUrl}${path}/${encodeURIComponent(file.name)}`,
      url_private_download: `${this.baseUrl}${path}/download/${encodeURIComponent(file.name)}`,
    };
    if (file.reportedSize !== undefined) stored.reportedSize = file.reportedSize;
    this.files.set(id, stored);
    return stored;
  }

  /** Puts a message into a channel as if it had been posted earlier (by the bot unless `user` is given). */
  seedMessage(message: Partial<FakeMessage> & { channel: string; text?: string }): FakeMessage {
    const byBot = message.user === undefined || message.user === this.botUserId;
    const stored: FakeMessage = {
      text: '',
      ...(byBot ? { user: this.botUserId, bot_id: this.botId, app_id: this.appId } : {}),
      ...message,
      ts: message.ts ?? this.nextTs(),
    };
    this.messages.push(stored);
    return stored;
  }

  /**
   * Queues a fault for the next call of `method` (a Web API method, `response_url`, `files.download`, or `*`
   * for any Web API method).
   */
  failNext(method: string, fault: FakeFault): void {
    const queue = this.faults.get(method) ?? [];
    queue.push({ ...fault, times: fault.times ?? 1 });
    this.faults.set(method, queue);
  }

  /** The next call takes effect (e.g. the post is stored) but the client sees an HTTP 500 (or `status`). */
  failAfterCommit(method: string, fault: Omit<FakeFault, 'afterCommit'> = {}): void {
    this.failNext(method, { status: 500, ...fault, afterCommit: true });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Forgets recorded traffic and messages; channels, users and files stay. */
  reset(): void {
    for (const list of [
      this.requests,
      this.updates,
      this.ephemerals,
      this.deletes,
      this.responses,
      this.views,
      this.downloads,
      this.signIns,
      this.envelopes,
      this.acks,
      this.messages,
    ] as unknown[][]) {
      list.length = 0;
    }
    this.faults.clear();
  }

  // ---- inspection ----

  /** Top-level messages in a channel (thread broadcasts included), oldest first. */
  posts(channel: string): FakeMessage[] {
    return this.messages
      .filter((m) => m.channel === channel && !m.deleted && this.isTopLevel(m))
      .sort((a, b) => compareTs(a.ts, b.ts));
  }

  /** Replies in a thread, oldest first, without the parent. */
  replies(channel: string, threadTs: string): FakeMessage[] {
    return this.messages
      .filter((m) => m.channel === channel && !m.deleted && m.thread_ts === threadTs && m.ts !== threadTs)
      .sort((a, b) => compareTs(a.ts, b.ts));
  }

  /** Every stored message in posting order, deleted ones included. */
  allMessages(): FakeMessage[] {
    return [...this.messages];
  }

  /** Web API calls of one method. */
  calls(method: string): FakeRequest[] {
    return this.requests.filter((r) => r.method === method);
  }

  /** Polls until `predicate` holds; rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`FakeSlack.waitFor timed out after ${timeoutMs} ms`);
      await sleep(5);
    }
  }

  // ---- Socket Mode ----

  /** Whether a Socket Mode client is connected (hello sent). */
  get socketOpen(): boolean {
    return this.sockets.some((ws) => ws.readyState === ws.OPEN);
  }

  /**
   * Sends an envelope to the most recently connected client and resolves with its ack
   * (`{ envelope_id, payload }`); rejects when no ack arrives in time.
   */
  sendEnvelope(
    type: string,
    payload: Record<string, unknown>,
    options: EnvelopeOptions = {},
  ): Promise<SocketAck> {
    const ws = [...this.sockets].reverse().find((s) => s.readyState === s.OPEN);
    if (!ws) return Promise.reject(new Error('FakeSlack: no Socket Mode connection'));
    const envelopeId = `${randomBytes(4).toString('hex')}-${this.nextId()}`;
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      payload,
      type,
      accepts_response_payload: options.acceptsResponsePayload ?? false,
    };
    if (type === 'events_api') {
      envelope.retry_attempt = options.retryAttempt ?? 0;
      envelope.retry_reason = options.retryReason ?? '';
    }
    this.envelopes.push(envelope);
    const timeoutMs = options.ackTimeoutMs ?? this.ackTimeoutMs;
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelopeId);
        reject(new Error(`FakeSlack: no ack for ${type} envelope ${envelopeId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pendingAcks.set(envelopeId, { resolve, reject, timer });
      ws.send(JSON.stringify(envelope));
    });
  }

  /** The payload Slack sends for a slash command (Socket Mode payload, or the HTTP form fields). */
  slashCommandPayload(input: SlashCommandInput): Record<string, string> {
    const channel = this.channels.get(input.channel_id ?? 'C0GENERAL');
    const user = this.users.get(input.user_id ?? 'U0ADMIN');
    const channelId = channel?.id ?? input.channel_id ?? 'C0GENERAL';
    const payload: Record<string, string> = {
      token: 'fake-verification-token',
      team_id: this.teamId,
      team_domain: this.teamDomain,
      channel_id: channelId,
      channel_name: channel?.name ?? 'unknown',
      user_id: user?.id ?? input.user_id ?? 'U0ADMIN',
      user_name: user?.name ?? 'someone',
      command: input.command,
      text: input.text ?? '',
      api_app_id: this.appId,
      is_enterprise_install: 'false',
      response_url: this.issueResponseUrl(channelId),
      trigger_id: this.issueTrigger(),
    };
    for (const [k, v] of Object.entries(input)) if (v !== undefined) payload[k] = v;
    return payload;
  }

  /** Sends a slash command over Socket Mode and resolves with the ack. */
  sendSlashCommand(input: SlashCommandInput, options: EnvelopeOptions = {}): Promise<SocketAck> {
    return this.sendEnvelope('slash_commands', this.slashCommandPayload(input), {
      acceptsResponsePayload: true,
      ...options,
    });
  }

  /** The Events API `event_callback` body wrapping `event`. */
  eventCallback(event: Record<string, unknown>): Record<string, unknown> {
    const eventTs = str(event.event_ts) ?? str(event.ts) ?? this.nextTs();
    return {
      token: 'fake-verification-token',
      team_id: this.teamId,
      context_team_id: this.teamId,
      context_enterprise_id: null,
      api_app_id: this.appId,
      event: { ...event, event_ts: eventTs },
      type: 'event_callback',
      event_id: `Ev0${this.nextId()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.teamId,
          user_id: this.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-fake-${this.nextId()}`,
    };
  }

  /** Sends an Events API event (e.g. `{ type: 'app_mention', ... }`) and resolves with the ack. */
  sendEvent(event: Record<string, unknown>, options: EnvelopeOptions = {}): Promise<SocketAck> {
    return this.sendEnvelope('events_api', this.eventCallback(event), options);
  }

  /** Sends an interactivity payload (block_actions, view_submission, ...) and resolves with the ack. */
  sendInteraction(payload: Record<string, unknown>, options: EnvelopeOptions = {}): Promise<SocketAck> {
    return this.sendEnvelope('interactive', payload, options);
  }

  /** Asks connected clients to reconnect, as Slack does before recycling a connection. */
  sendDisconnect(reason = 'refresh_requested'): void {
    const message = JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-applink' } });
    for (const ws of this.sockets) if (ws.readyState === ws.OPEN) ws.send(message);
  }

  /** Sends a WebSocket ping to every client now. */
  ping(): void {
    for (const ws of this.sockets) if (ws.readyState === ws.OPEN) ws.ping('fake-slack');
  }

  // ---- HTTP routing ----

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const path = url.pathname;
    if (path.startsWith('/api/')) return this.handleApi(req, res, path.slice('/api/'.length), url);
    if (path.startsWith('/commands/') && req.method === 'POST') return this.handleResponseUrl(req, res, url);
    if (path.startsWith('/files-pri/') && req.method === 'GET') return this.handleDownload(req, res, path);
    if (path === '/signin') {
      this.signIns.push({ authorized: bearer(req) === this.botToken });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Sign in | Slack</title></head><body>Sign in</body></html>');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    const raw = (await readBody(req)).toString('utf8');
    const contentType = req.headers['content-type'];
    const record: FakeRequest = { method, body: {}, contentType, status: 200 };
    this.requests.push(record);
    let result: ApiResult;
    try {
      const args = this.parseArgs(raw, contentType, url);
      record.body = args;
      // Tokens count in the Authorization header or the POST body; Slack refuses them in query strings.
      record.token = bearer(req) ?? str(args.token);
      const fault = this.takeFault(method);
      if (fault?.delayMs) await this.delay(fault.delayMs);
      if (!this.server) return;
      if (fault && !fault.afterCommit && (fault.status !== undefined || fault.error !== undefined)) {
        result = this.faultResult(fault);
      } else {
        result = this.invoke(method, args, record.token);
        if (fault?.afterCommit) result = this.faultResult(fault);
      }
    } catch (error) {
      result = this.apiError(error);
    }
    record.status = result.status;
    if (result.headers['content-type']?.startsWith('application/json')) {
      const parsed = JSON.parse(result.body) as { ok?: boolean; error?: string };
      if (parsed.ok === false) record.error = parsed.error;
    } else if (result.status !== 200) {
      record.error = `http_${result.status}`;
    }
    res.writeHead(result.status, result.headers);
    res.end(result.body);
  }

  private parseArgs(raw: string, contentType: string | undefined, url: URL): Args {
    const args: Args = {};
    for (const [k, v] of url.searchParams) if (k !== 'token') args[k] = v;
    if (!raw) return args;
    if (contentType?.startsWith('application/json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new ApiError('invalid_json');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new ApiError('invalid_json');
      return { ...args, ...(parsed as Args) };
    }
    if (contentType?.startsWith('multipart/form-data')) throw new ApiError('invalid_form_data');
    for (const [k, v] of Object.entries(parseQuery(raw))) args[k] = Array.isArray(v) ? v[0] : v;
    return args;
  }

  private takeFault(method: string): FakeFault | undefined {
    for (const key of [method, '*']) {
      const queue = this.faults.get(key);
      const fault = queue?.[0];
      if (!queue || !fault) continue;
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) queue.shift();
      return fault;
    }
    return undefined;
  }

  private faultResult(fault: FakeFault): ApiResult {
    const status = fault.status ?? (fault.error !== undefined ? 200 : 500);
    const headers: Record<string, string> = {};
    if (status === 429) headers['retry-after'] = String(fault.retryAfter ?? 1);
    if (fault.body !== undefined) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      return { status, headers, body: fault.body };
    }
    if (fault.error !== undefined || status === 429) {
      headers['content-type'] = 'application/json; charset=utf-8';
      return { status, headers, body: JSON.stringify({ ok: false, error: fault.error ?? 'ratelimited' }) };
    }
    headers['content-type'] = 'text/plain; charset=utf-8';
    return { status, headers, body: `fake upstream failure (${status})` };
  }

  private apiError(error: unknown): ApiResult {
    if (!(error instanceof ApiError)) throw error;
    return this.json({ ok: false, error: error.code, ...error.extra });
  }

  private json(body: Record<string, unknown>): ApiResult {
    return {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
    };
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  // ---- Web API ----

  private invoke(method: string, args: Args, token: string | undefined): ApiResult {
    const handler = this.methods[method];
    if (!handler) return this.json({ ok: false, error: 'unknown_method', req_method: method });
    this.authenticate(token, method === 'apps.connections.open' ? 'app' : 'bot');
    const result = this.json({ ok: true, ...handler(args) });
    if (method !== 'apps.connections.open') result.headers['x-oauth-scopes'] = [...this.scopes].join(',');
    return result;
  }

  private authenticate(token: string | undefined, kind: 'bot' | 'app'): void {
    if (!token) throw new ApiError('not_authed');
    if (token !== this.botToken && token !== this.appToken) throw new ApiError('invalid_auth');
    if ((kind === 'bot') !== (token === this.botToken)) throw new ApiError('not_allowed_token_type');
  }

  private requireScope(scope: string): void {
    if (!this.scopes.has(scope)) {
      throw new ApiError('missing_scope', { needed: scope, provided: [...this.scopes].join(',') });
    }
  }

  /** Accepts IDs everywhere and, like chat.postMessage, `#name` / `name` when `byName`. */
  private channel(arg: unknown, byName = false): FakeChannel {
    const ref = str(arg);
    if (!ref) throw new ApiError('channel_not_found');
    const direct = this.channels.get(ref);
    if (direct) return direct;
    if (byName) {
      const name = ref.replace(/^#/, '');
      for (const c of this.channels.values()) if (c.name === name) return c;
    }
    throw new ApiError('channel_not_found');
  }

  /** Private channels the bot is not in do not exist as far as the bot can tell. */
  private visibleChannel(arg: unknown, byName = false): FakeChannel {
    const c = this.channel(arg, byName);
    if (c.isPrivate && !c.isMember) throw new ApiError('channel_not_found');
    return c;
  }

  private readableChannel(arg: unknown): FakeChannel {
    const c = this.visibleChannel(arg);
    this.requireScope(c.isPrivate ? 'groups:history' : 'channels:history');
    if (!c.isMember) throw new ApiError('not_in_channel');
    return c;
  }

  private writableChannel(arg: unknown): FakeChannel {
    this.requireScope('chat:write');
    const c = this.visibleChannel(arg, true);
    if (c.isArchived) throw new ApiError('is_archived');
    if (!c.isMember) throw new ApiError('not_in_channel');
    return c;
  }

  private content(args: Args): { text?: string; blocks?: unknown[]; attachments?: unknown[] } {
    const text = str(args.text);
    const blocks = jsonArg(args.blocks, 'invalid_blocks_format');
    if (blocks !== undefined) {
      if (!Array.isArray(blocks)) throw new ApiError('invalid_blocks_format');
      if (blocks.length > 50) throw new ApiError('invalid_blocks');
      for (const b of blocks) {
        if (typeof b !== 'object' || b === null || typeof (b as { type?: unknown }).type !== 'string') {
          throw new ApiError('invalid_blocks');
        }
      }
    }
    const attachments = jsonArg(args.attachments, 'invalid_attachments');
    if (attachments !== undefined && !Array.isArray(attachments)) throw new ApiError('invalid_attachments');
    if (text !== undefined && text.length > 40_000) throw new ApiError('msg_too_long');
    return {
      text,
      blocks: blocks as unknown[] | undefined,
      attachments: attachments as unknown[] | undefined,
    };
  }

  private requireSomething(content: { text?: string; blocks?: unknown[]; attachments?: unknown[] }): void {
    if (!content.text && !content.blocks?.length && !content.attachments?.length)
      throw new ApiError('no_text');
  }

  private metadata(value: unknown): FakeMetadata | undefined {
    const parsed = jsonArg(value, 'invalid_metadata_format');
    if (parsed === undefined) return undefined;
    const m = parsed as Partial<FakeMetadata> | null;
    if (
      typeof m !== 'object' ||
      m === null ||
      typeof m.event_type !== 'string' ||
      typeof m.event_payload !== 'object' ||
      m.event_payload === null
    ) {
      throw new ApiError('invalid_metadata_format');
    }
    return { event_type: m.event_type, event_payload: m.event_payload };
  }

  private findMessage(channel: string, ts: string | undefined): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  }

  private isTopLevel(m: FakeMessage): boolean {
    return m.thread_ts === undefined || m.thread_ts === m.ts || m.reply_broadcast === true;
  }

  private toApiMessage(m: FakeMessage, includeMetadata: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = { type: 'message', ts: m.ts, text: m.text };
    if (m.reply_broadcast) out.subtype = 'thread_broadcast';
    if (m.user) out.user = m.user;
    if (m.bot_id) {
      out.bot_id = m.bot_id;
      out.app_id = m.app_id;
      out.bot_profile = { id: m.bot_id, app_id: m.app_id, name: this.botUserName, team_id: this.teamId };
    }
    out.team = this.teamId;
    if (m.blocks) out.blocks = m.blocks;
    if (m.attachments) out.attachments = m.attachments;
    if (m.thread_ts) out.thread_ts = m.thread_ts;
    if (m.edited) out.edited = m.edited;
    if (m.metadata && includeMetadata) out.metadata = m.metadata;
    const replies = m.thread_ts === undefined || m.thread_ts === m.ts ? this.replies(m.channel, m.ts) : [];
    if (replies.length > 0) {
      const users = [...new Set(replies.map((r) => r.user).filter((u): u is string => !!u))];
      out.thread_ts = m.ts;
      out.reply_count = replies.length;
      out.reply_users_count = users.length;
      out.reply_users = users;
      out.latest_reply = replies[replies.length - 1]?.ts;
      out.is_locked = false;
      out.subscribed = false;
    }
    return out;
  }

  private channelObject(c: FakeChannel): Record<string, unknown> {
    return {
      id: c.id,
      name: c.name,
      name_normalized: c.name,
      is_channel: !c.isPrivate,
      is_group: false,
      is_im: false,
      is_mpim: false,
      is_private: c.isPrivate ?? false,
      is_archived: c.isArchived ?? false,
      is_general: c.name === 'general',
      is_member: c.isMember ?? true,
      is_shared: false,
      is_ext_shared: false,
      is_org_shared: false,
      created: this.tsBase - 86_400,
      creator: 'U0ADMIN',
      context_team_id: this.teamId,
      topic: { value: '', creator: '', last_set: 0 },
      purpose: { value: '', creator: '', last_set: 0 },
    };
  }

  /** Cursors look like Slack's: base64 of `next_ts:<ts>`. */
  private page(
    list: FakeMessage[],
    args: Args,
    includeMetadata: boolean,
  ): { messages: Record<string, unknown>[]; has_more: boolean; response_metadata?: { next_cursor: string } } {
    const limit = Math.min(Math.max(Number(str(args.limit) ?? 100) || 100, 1), 999);
    let start = 0;
    const cursor = str(args.cursor);
    if (cursor) {
      const decoded = Buffer.from(cursor, 'base64').toString('utf8');
      const ts = decoded.startsWith('next_ts:') ? decoded.slice('next_ts:'.length) : undefined;
      start = ts ? list.findIndex((m) => m.ts === ts) : -1;
      if (start < 0) throw new ApiError('invalid_cursor');
    }
    const slice = list.slice(start, start + limit);
    const next = list[start + limit];
    return {
      messages: slice.map((m) => this.toApiMessage(m, includeMetadata)),
      has_more: next !== undefined,
      ...(next
        ? { response_metadata: { next_cursor: Buffer.from(`next_ts:${next.ts}`).toString('base64') } }
        : {}),
    };
  }

  private inWindow(m: FakeMessage, args: Args): boolean {
    const inclusive = bool(args.inclusive) ?? false;
    const oldest = str(args.oldest);
    const latest = str(args.latest);
    if (oldest && oldest !== '0') {
      const c = compareTs(m.ts, oldest);
      if (c < 0 || (c === 0 && !inclusive)) return false;
    }
    if (latest) {
      const c = compareTs(m.ts, latest);
      if (c > 0 || (c === 0 && !inclusive)) return false;
    }
    return true;
  }

  private readonly methods: Record<string, (args: Args) => Record<string, unknown>> = {
    'auth.test': () => ({
      url: `https://${this.teamDomain}.slack.com/`,
      team: this.teamName,
      user: this.botUserName,
      team_id: this.teamId,
      user_id: this.botUserId,
      bot_id: this.botId,
      is_enterprise_install: false,
    }),

    'apps.connections.open': () => {
      const ticket = randomBytes(12).toString('hex');
      this.tickets.add(ticket);
      return { url: `ws://127.0.0.1:${this.port}/socket?ticket=${ticket}&app_id=${this.appId}` };
    },

    'chat.postMessage': (args) => {
      const c = this.writableChannel(args.channel);
      const content = this.content(args);
      this.requireSomething(content);
      const threadTs = str(args.thread_ts);
      // A malformed thread_ts is refused; a well-formed unknown one is accepted and the reply is orphaned.
      if (threadTs !== undefined && threadTs !== '' && !TS_PATTERN.test(threadTs)) {
        throw new ApiError('invalid_thread_ts');
      }
      const metadata = this.metadata(args.metadata);
      const message: FakeMessage = {
        channel: c.id,
        ts: this.nextTs(),
        text: content.text ?? '',
        user: this.botUserId,
        bot_id: this.botId,
        app_id: this.appId,
        ...(content.blocks ? { blocks: content.blocks } : {}),
        ...(content.attachments ? { attachments: content.attachments } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(threadTs && bool(args.reply_broadcast) ? { reply_broadcast: true } : {}),
        ...(metadata ? { metadata } : {}),
        unfurl_links: bool(args.unfurl_links),
        unfurl_media: bool(args.unfurl_media),
      };
      this.messages.push(message);
      return { channel: c.id, ts: message.ts, message: this.toApiMessage(message, true) };
    },

    'chat.update': (args) => {
      const c = this.writableChannel(args.channel);
      const ts = str(args.ts);
      const message = this.findMessage(c.id, ts);
      if (!message || !ts) throw new ApiError('message_not_found');
      if (message.bot_id !== this.botId) throw new ApiError('cant_update_message');
      const content = this.content(args);
      const metadata = this.metadata(args.metadata);
      if (content.text === undefined && !content.blocks && !content.attachments && !metadata) {
        throw new ApiError('no_text');
      }
      // Fields left out keep their old values, as Slack does for attachments.
      if (content.text !== undefined) message.text = content.text;
      if (content.blocks) message.blocks = content.blocks;
      if (content.attachments) message.attachments = content.attachments;
      if (metadata) message.metadata = metadata;
      message.edited = { user: this.botUserId, ts: this.nextTs() };
      this.updates.push({ channel: c.id, ts, ...content, ...(metadata ? { metadata } : {}) });
      return { channel: c.id, ts, text: message.text, message: this.toApiMessage(message, true) };
    },

    'chat.delete': (args) => {
      const c = this.writableChannel(args.channel);
      const ts = str(args.ts);
      const message = this.findMessage(c.id, ts);
      if (!message || !ts) throw new ApiError('message_not_found');
      if (message.bot_id !== this.botId) throw new ApiError('cant_delete_message');
      message.deleted = true;
      this.deletes.push({ channel: c.id, ts });
      return { channel: c.id, ts };
    },

    'chat.postEphemeral': (args) => {
      const c = this.writableChannel(args.channel);
      const user = str(args.user);
      const members = c.members ?? [...this.users.keys()];
      if (!user || !members.includes(user)) throw new ApiError('user_not_in_channel');
      const content = this.content(args);
      this.requireSomething(content);
      const messageTs = this.nextTs();
      const threadTs = str(args.thread_ts);
      this.ephemerals.push({
        channel: c.id,
        user,
        text: content.text ?? '',
        ...(content.blocks ? { blocks: content.blocks } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        message_ts: messageTs,
      });
      return { message_ts: messageTs };
    },

    'conversations.info': (args) => {
      const c = this.visibleChannel(args.channel);
      this.requireScope(c.isPrivate ? 'groups:read' : 'channels:read');
      return { channel: this.channelObject(c) };
    },

    'conversations.join': (args) => {
      this.requireScope('channels:join');
      const c = this.visibleChannel(args.channel);
      if (c.isPrivate) throw new ApiError('method_not_supported_for_channel_type');
      if (c.isArchived) throw new ApiError('is_archived');
      const already = c.isMember;
      c.isMember = true;
      return { channel: this.channelObject(c), ...(already ? { warning: 'already_in_channel' } : {}) };
    },

    'conversations.history': (args) => {
      const c = this.readableChannel(args.channel);
      const list = this.messages
        .filter((m) => m.channel === c.id && !m.deleted && this.isTopLevel(m) && this.inWindow(m, args))
        .sort((a, b) => compareTs(b.ts, a.ts));
      return { ...this.page(list, args, bool(args.include_all_metadata) ?? false), pin_count: 0 };
    },

    'conversations.replies': (args) => {
      const c = this.readableChannel(args.channel);
      const ts = str(args.ts);
      const target = this.findMessage(c.id, ts);
      if (!target || !ts) throw new ApiError('thread_not_found');
      const isParent = target.thread_ts === undefined || target.thread_ts === target.ts;
      const list = (isParent ? [target, ...this.replies(c.id, ts)] : [target]).filter((m) =>
        this.inWindow(m, args),
      );
      return this.page(list, args, bool(args.include_all_metadata) ?? false);
    },

    'users.info': (args) => {
      this.requireScope('users:read');
      const user = this.users.get(str(args.user) ?? '');
      if (!user) throw new ApiError('user_not_found');
      const realName = user.realName ?? user.name;
      return {
        user: {
          id: user.id,
          team_id: this.teamId,
          name: user.name,
          deleted: user.deleted ?? false,
          real_name: realName,
          tz: user.tz ?? 'Europe/London',
          is_admin: user.isAdmin ?? false,
          is_owner: user.isOwner ?? false,
          is_primary_owner: user.isPrimaryOwner ?? false,
          is_restricted: false,
          is_ultra_restricted: false,
          is_bot: user.isBot ?? false,
          is_app_user: false,
          profile: {
            real_name: realName,
            display_name: user.name,
            ...(user.isBot ? { bot_id: this.botId } : {}),
          },
        },
      };
    },

    'files.info': (args) => {
      this.requireScope('files:read');
      const file = this.files.get(str(args.file) ?? '');
      if (!file) throw new ApiError('file_not_found');
      const { content, reportedSize, ...rest } = file;
      return {
        file: {
          ...rest,
          size: reportedSize ?? content.length,
          created: this.tsBase,
          is_public: false,
          mode: 'hosted',
        },
        comments: [],
      };
    },

    'views.open': (args) => {
      const triggerId = str(args.trigger_id);
      const view = jsonArg(args.view, 'invalid_arguments') as Record<string, unknown> | undefined;
      if (!triggerId || typeof view !== 'object' || view === null || typeof view.type !== 'string') {
        throw new ApiError('invalid_arguments');
      }
      const trigger = this.triggers.get(triggerId);
      if (!trigger) throw new ApiError('invalid_trigger_id');
      if (trigger.used) throw new ApiError('exchanged_trigger_id');
      if (Date.now() - trigger.issuedAt > this.triggerTtlMs) throw new ApiError('expired_trigger_id');
      trigger.used = true;
      const id = `V0${this.nextId()}`;
      this.views.push({ id, trigger_id: triggerId, view });
      return {
        view: {
          id,
          team_id: this.teamId,
          app_id: this.appId,
          bot_id: this.botId,
          ...view,
          state: { values: {} },
          hash: randomBytes(6).toString('hex'),
        },
      };
    },
  };

  // ---- response_url ----

  private issueResponseUrl(channel: string): string {
    const path = `/commands/${this.teamId}/${this.nextId()}/${randomBytes(8).toString('hex')}`;
    this.responseUrls.set(path, { uses: 0, channel });
    return `${this.baseUrl}${path}`;
  }

  private issueTrigger(): string {
    const id = `${this.nextId()}.${this.tsBase}.${randomBytes(8).toString('hex')}`;
    this.triggers.set(id, { issuedAt: Date.now(), used: false });
    return id;
  }

  /** Slack allows five posts per response_url; unknown URLs get 404 like hooks.slack.com. */
  private async handleResponseUrl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const raw = (await readBody(req)).toString('utf8');
    const fullUrl = `${this.baseUrl}${url.pathname}`;
    let body: Record<string, unknown> = {};
    let status = 200;
    let answer = 'ok';
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      status = 400;
      answer = 'invalid_payload';
    }
    const issued = this.responseUrls.get(url.pathname);
    const fault = this.takeFault('response_url');
    if (fault?.delayMs) await this.delay(fault.delayMs);
    if (fault && (fault.status !== undefined || fault.error !== undefined)) {
      status = fault.status ?? 404;
      answer = fault.body ?? fault.error ?? 'fake failure';
    } else if (status === 200 && issued === undefined) {
      status = 404;
      answer = 'no_service';
    } else if (status === 200 && issued !== undefined && issued.uses >= 5) {
      status = 404;
      answer = 'used_url';
    } else if (status === 200 && issued !== undefined) {
      issued.uses += 1;
      const channelId = issued.channel;
      if (body.response_type === 'in_channel' && this.channels.has(channelId)) {
        this.seedMessage({
          channel: channelId,
          text: str(body.text) ?? '',
          blocks: body.blocks as unknown[],
        });
      }
    }
    this.responses.push({ url: fullUrl, body, status });
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end(answer);
  }

  // ---- file downloads ----

  /** Without the bot token Slack does not 401: it redirects to a sign-in page that answers 200 with HTML. */
  private handleDownload(req: IncomingMessage, res: ServerResponse, path: string): void {
    const match = /^\/files-pri\/[^/-]+-([^/]+)\//.exec(path);
    const file = match?.[1] ? this.files.get(match[1]) : undefined;
    const authorized = bearer(req) === this.botToken;
    this.downloads.push({ path, authorized });
    const fault = this.takeFault('files.download');
    // A 3xx fault is Slack withholding the file: the same redirect to its sign-in page as a missing token.
    if (!authorized || (fault?.status !== undefined && fault.status >= 300 && fault.status < 400)) {
      res.writeHead(302, { location: `${this.baseUrl}/signin?redir=${encodeURIComponent(path)}` });
      res.end();
      return;
    }
    if (fault && fault.status !== undefined) {
      res.writeHead(fault.status, { 'content-type': 'text/plain' });
      res.end(fault.body ?? '');
      return;
    }
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('file not found');
      return;
    }
    res.writeHead(200, {
      'content-type': file.mimetype,
      'content-length': file.content.length,
      'content-disposition': `attachment; filename="${file.name}"`,
    });
    res.end(file.content);
  }

  // ---- WebSocket ----

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const ticket = url.searchParams.get('ticket') ?? '';
    // Tickets from apps.connections.open are single-use, as Slack's are.
    if (url.pathname !== '/socket' || !this.wss || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.push(ws);
    this.socketConnections += 1;
    ws.on('error', () => undefined);
    ws.on('pong', () => {
      this.pongs += 1;
    });
    ws.on('close', () => {
      const i = this.sockets.indexOf(ws);
      if (i >= 0) this.sockets.splice(i, 1);
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: SocketAck;
      try {
        message = JSON.parse(data.toString()) as SocketAck;
      } catch {
        return;
      }
      if (typeof message.envelope_id !== 'string') return;
      this.acks.push(message);
      const pending = this.pendingAcks.get(message.envelope_id);
      if (pending) {
        clearTimeout(pending.timer);
        this.pendingAcks.delete(message.envelope_id);
        pending.resolve(message);
      }
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.filter((s) => s.readyState === s.OPEN).length,
        debug_info: { host: 'fake-applink', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
  }

  // ---- ids ----

  /** Unique, increasing `seconds.micros` timestamps: 1700000000.000100, 1700000000.000200, ... */
  private nextTs(): string {
    this.tsCounter += 1;
    const micros = this.tsCounter * 100;
    return `${this.tsBase + Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private nextId(): string {
    this.idCounter += 1;
    return String(this.idCounter).padStart(6, '0');
  }
}
