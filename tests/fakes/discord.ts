/**
 * A fake Discord (REST API + gateway) on 127.0.0.1 for driving the real discord.js client in tests.
 *
 * Pass `fake.restUrl` as the client's `rest.api`; `GET /gateway/bot` points the client at the fake's own
 * WebSocket endpoint. The fake keeps guilds, channels, threads, messages, commands and interactions in
 * memory, answers with Discord-shaped JSON (snowflake ids, error codes, rate-limit headers) and records
 * every request so tests can assert on what the adapter actually sent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------
// Constants mirrored from the Discord API (v10)

export const ChannelType = {
  GuildText: 0,
  GuildCategory: 4,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
  GuildForum: 15,
} as const;

export const GatewayIntent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  MessageContent: 1 << 15,
} as const;

const PRIVILEGED_INTENTS =
  GatewayIntent.GuildMembers | GatewayIntent.GuildPresences | GatewayIntent.MessageContent;

export const Permission = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ChangeNickname: 1n << 26n,
  UseApplicationCommands: 1n << 31n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  SendMessagesInThreads: 1n << 38n,
} as const;

const ALL_PERMISSIONS = (1n << 51n) - 1n;

/** Roughly what a fresh guild's @everyone role can do. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  Permission.CreateInstantInvite |
  Permission.AddReactions |
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.UseExternalEmojis |
  Permission.ChangeNickname |
  Permission.UseApplicationCommands |
  Permission.CreatePublicThreads |
  Permission.CreatePrivateThreads |
  Permission.SendMessagesInThreads;

/** What the bot's managed role gets unless a guild spec says otherwise: enough to post digests in threads. */
export const DEFAULT_BOT_PERMISSIONS =
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.SendMessagesInThreads |
  Permission.CreatePublicThreads |
  Permission.ManageThreads |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.AddReactions |
  Permission.UseExternalEmojis;

const MessageFlag = { Crossposted: 1, HasThread: 1 << 5, Ephemeral: 1 << 6, Loading: 1 << 7 } as const;
const ChannelFlag = { RequireTag: 1 << 4 } as const;
const InteractionType = { ApplicationCommand: 2, Autocomplete: 4 } as const;
const CallbackType = {
  ChannelMessage: 4,
  DeferredChannelMessage: 5,
  DeferredUpdate: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const;
const AUTO_ARCHIVE_DURATIONS = [60, 1440, 4320, 10080];

const ERROR_MESSAGES: Record<number, string> = {
  10003: 'Unknown Channel',
  10004: 'Unknown Guild',
  10007: 'Unknown Member',
  10008: 'Unknown Message',
  10013: 'Unknown User',
  10015: 'Unknown Webhook',
  10062: 'Unknown interaction',
  10063: 'Unknown application command',
  40033: 'This message has already been crossposted.',
  40060: 'Interaction has already been acknowledged.',
  40067: 'A tag is required to create a forum post in this channel',
  50001: 'Missing Access',
  50005: 'Cannot edit a message authored by another user',
  50006: 'Cannot send an empty message',
  50008: 'Cannot send messages in a non-text channel',
  50013: 'Missing Permissions',
  50024: 'Cannot execute action on this channel type',
  50027: 'Invalid Webhook Token',
  50035: 'Invalid Form Body',
  50083: 'Operation cannot be performed on an archived thread',
  50109: 'The request body contains invalid JSON.',
  160004: 'A thread has already been created for this message',
};

// ---------------------------------------------------------------------------------------------------------
// Public types

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
}

export interface FakeRole {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  managed: boolean;
  botId?: string;
}

export interface FakeMember {
  user: FakeUser;
  roles: string[];
  joinedAt: number;
  nick: string | null;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: FakeRole[];
  members: Map<string, FakeMember>;
  botRoleId: string;
  createdAt: number;
}

export interface PermissionOverwrite {
  id: string;
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface ThreadState {
  ownerId: string;
  archived: boolean;
  locked: boolean;
  autoArchiveDuration: number;
  archiveTimestamp: number;
  createdAt: number;
  appliedTags: string[];
  messageCount: number;
  totalMessageSent: number;
  invitable: boolean;
}

export interface FakeChannel {
  id: string;
  guildId: string;
  type: number;
  name: string;
  position: number;
  parentId: string | null;
  topic: string | null;
  nsfw: boolean;
  flags: number;
  rateLimitPerUser: number;
  overwrites: PermissionOverwrite[];
  availableTags: {
    id: string;
    name: string;
    moderated: boolean;
    emoji_id: null;
    emoji_name: string | null;
  }[];
  lastMessageId: string | null;
  /** Present on threads only. */
  thread?: ThreadState;
}

export interface RecordedFile {
  /** Multipart field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface FakeAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
  url: string;
  ephemeral: boolean;
  description?: string;
}

export interface MentionSet {
  users: string[];
  roles: string[];
  everyone: boolean;
}

export type MessageSource =
  | 'channel'
  | 'forum-starter'
  | 'interaction-reply'
  | 'interaction-followup'
  | 'user';

export interface FakeMessage {
  id: string;
  channelId: string;
  guildId: string;
  type: number;
  author: FakeUser;
  content: string;
  embeds: Json[];
  components: unknown[];
  attachments: FakeAttachment[];
  flags: number;
  tts: boolean;
  nonce?: string | number;
  createdAt: number;
  editedAt: number | null;
  /** The request body that created the message (for a forum starter: the `message` object). */
  payload: Json;
  /** `allowed_mentions` exactly as sent on creation; `undefined` when the payload had none. */
  allowedMentions: unknown;
  /** Who the message would notify, given its content and allowed_mentions (as Discord computes it). */
  mentions: MentionSet;
  edits: { at: number; payload: Json; allowedMentions: unknown }[];
  ephemeral: boolean;
  deleted: boolean;
  source: MessageSource;
  interactionId?: string;
  /** The thread started from this message, if any (its id equals the message id, as on Discord). */
  threadId?: string;
  reference?: { message_id: string; channel_id: string };
  position?: number;
  webhookId?: string;
}

/** Every payload that created or edited a message, in order, so tests can check allowed_mentions on all. */
export interface MessagePayloadRecord {
  kind: 'create' | 'edit';
  messageId: string;
  channelId: string;
  payload: Json;
  allowedMentions: unknown;
}

export interface RecordedRequest {
  at: number;
  method: string;
  /** Path below `/api/v10`, without the query string. */
  path: string;
  query: Record<string, string>;
  /** The route template that handled it, e.g. `POST /channels/:channelId/messages`; null when unknown. */
  route: string | null;
  auth: 'bot' | 'none' | 'invalid';
  /** Parsed JSON body, or the parsed `payload_json` of a multipart body. */
  body: unknown;
  files: RecordedFile[];
  status: number;
  /** The response body for errors, so a failing test can print why. */
  error?: unknown;
  fault?: FaultSpec;
  note?: 'nonce-replay';
}

export type RouteMatcher =
  | string
  | RegExp
  | ((request: { method: string; path: string; body: unknown }) => boolean);

interface FaultCommon {
  /** How many matching requests fail (default 1); `Infinity` for all. */
  times?: number;
}
export type FaultSpec = FaultCommon &
  (
    | { status: 429; retryAfter: number; global?: boolean; scope?: 'user' | 'shared' | 'global' }
    | { status: 500 | 502 | 503 | 504; afterCommit?: boolean }
    | { status: 400 | 401 | 403 | 404; code: number; message?: string; afterCommit?: boolean }
  );

export interface HoldHandle {
  /** Settles once the held request has arrived. */
  readonly reached: Promise<void>;
  /** Lets the held request be handled. */
  release(): void;
}

export interface FaultHandle {
  /** Requests this fault has answered so far. */
  readonly hits: number;
  readonly remaining: number;
  cancel(): void;
}

export interface InteractionCallbackRecord {
  type: number;
  data: Json;
  files: RecordedFile[];
  at: number;
}

export interface OverwriteSpec {
  /** `'bot'`, `'everyone'`, a role name, or a raw id. */
  target: string;
  type?: 'role' | 'member';
  allow?: bigint;
  deny?: bigint;
}

export interface ChannelSpec {
  id?: string;
  name: string;
  type?: 'text' | 'announcement' | 'forum' | 'category';
  topic?: string;
  /** Name or id of a category channel declared earlier in the same guild. */
  parent?: string;
  nsfw?: boolean;
  /** Forum tags. */
  tags?: string[];
  /** Forum only: posts must carry at least one tag. */
  requireTag?: boolean;
  overwrites?: OverwriteSpec[];
}

export interface RoleSpec {
  id?: string;
  name: string;
  permissions?: bigint;
}

export interface MemberSpec {
  id?: string;
  username: string;
  roles?: string[];
}

export interface GuildSpec {
  id?: string;
  name?: string;
  channels?: ChannelSpec[];
  roles?: RoleSpec[];
  members?: MemberSpec[];
  everyonePermissions?: bigint;
  botPermissions?: bigint;
}

export interface FakeDiscordOptions {
  token?: string;
  botId?: string;
  botUsername?: string;
  /** Defaults to the bot user id, as for every bot created in the developer portal. */
  applicationId?: string;
  applicationFlags?: number;
  /** Defaults to one guild with #general (text), #announcements (announcement) and #news-forum (forum). */
  guilds?: GuildSpec[];
  heartbeatIntervalMs?: number;
  /** Set false to stop answering heartbeats (discord.js then treats the connection as a zombie). */
  ackHeartbeats?: boolean;
  /** How long an interaction may go unacknowledged before its callback fails with 10062 (Discord: 3 s). */
  interactionAckTimeoutMs?: number;
  /** How long a nonce sent with enforce_nonce is remembered (Discord: "the past few minutes"). */
  nonceWindowMs?: number;
  /** Privileged intents switched on in the "developer portal"; identifying with others closes with 4014. */
  privilegedIntents?: number;
}

export interface AttachmentSpec {
  /** Adds an ATTACHMENT option with this name pointing at the attachment. */
  option?: string;
  filename: string;
  data: string | Uint8Array;
  contentType?: string;
}

export interface InteractionSpec {
  kind?: 'command' | 'autocomplete';
  command: string;
  /** Raw option objects as Discord sends them; see `opt`. For autocomplete mark one `focused`. */
  options?: Json[];
  /** Channel id or name. */
  channel: string;
  user?: Partial<FakeUser>;
  /** Role ids or names the invoking member has. */
  roles?: string[];
  /** `member.permissions` as Discord sends it (channel-level, overwrites applied); computed when omitted. */
  permissions?: bigint | string;
  attachments?: AttachmentSpec[];
  locale?: string;
}

/** Builders for interaction options, shaped like Discord's `data.options`. */
export const opt = {
  string: (name: string, value: string, focused = false): Json => option(name, 3, value, focused),
  integer: (name: string, value: number, focused = false): Json => option(name, 4, value, focused),
  boolean: (name: string, value: boolean): Json => option(name, 5, value, false),
  user: (name: string, userId: string): Json => option(name, 6, userId, false),
  channel: (name: string, channelId: string): Json => option(name, 7, channelId, false),
  role: (name: string, roleId: string): Json => option(name, 8, roleId, false),
  number: (name: string, value: number, focused = false): Json => option(name, 10, value, focused),
  subcommand: (name: string, options: Json[] = []): Json => ({ name, type: 1, options }),
  group: (name: string, options: Json[]): Json => ({ name, type: 2, options }),
};

function option(name: string, type: number, value: unknown, focused: boolean): Json {
  return focused ? { name, type, value, focused: true } : { name, type, value };
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObj = (v: unknown): Json => (isObj(v) ? v : {});
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Discord's timestamp format: microsecond precision with an explicit offset. */
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000+00:00');

const DISCORD_EPOCH = 1_420_070_400_000n;

class Snowflakes {
  private lastTs = 0n;
  private increment = 0n;

  next(): string {
    let ts = BigInt(Date.now()) - DISCORD_EPOCH;
    if (ts <= this.lastTs) {
      // Keep ids strictly increasing so message order by id matches creation order.
      ts = this.lastTs;
      this.increment += 1n;
      if (this.increment > 0xfffn) {
        ts += 1n;
        this.increment = 0n;
      }
    } else this.increment = 0n;
    this.lastTs = ts;
    return ((ts << 22n) | (1n << 17n) | this.increment).toString();
  }
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message?: string,
    readonly errors?: Json,
  ) {
    super(message ?? ERROR_MESSAGES[code] ?? `${status}: ${STATUS_CODES[status] ?? 'Error'}`);
  }

  body(): Json {
    return { message: this.message, code: this.code, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

/** Collects field errors into Discord's nested `errors` shape for a 50035 Invalid Form Body. */
class FormErrors {
  readonly tree: Json = {};
  count = 0;

  add(path: (string | number)[], code: string, message: string): void {
    let node = this.tree;
    for (const key of path) {
      const k = String(key);
      if (!isObj(node[k])) node[k] = {};
      node = node[k] as Json;
    }
    if (!Array.isArray(node._errors)) node._errors = [];
    (node._errors as unknown[]).push({ code, message });
    this.count++;
  }

  length(path: (string | number)[], value: unknown, min: number, max: number): void {
    if (typeof value !== 'string') {
      this.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
    } else if (value.length < min || value.length > max) {
      if (min === 0) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
      else this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    }
  }

  throwIfAny(): void {
    if (this.count > 0) throw new ApiError(400, 50035, 'Invalid Form Body', this.tree);
  }
}

function compileRoute(pattern: string): { method: string | null; parts: string[] } {
  const space = pattern.indexOf(' ');
  const method = space > 0 ? pattern.slice(0, space).toUpperCase() : null;
  const path = space > 0 ? pattern.slice(space + 1) : pattern;
  return { method, parts: path.split('/').filter(Boolean) };
}

function matchParts(parts: string[], path: string): Record<string, string> | null {
  const segs = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === '*') return params;
    const s = segs[i];
    if (s === undefined) return null;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(s);
    else if (p !== s) return null;
  }
  return segs.length === parts.length ? params : null;
}

function toMatcher(m: RouteMatcher): (r: { method: string; path: string; body: unknown }) => boolean {
  if (typeof m === 'function') return m;
  if (m instanceof RegExp) return (r) => m.test(`${r.method} ${r.path}`);
  if (m === '*') return () => true;
  const { method, parts } = compileRoute(m);
  return (r) => (method === null || method === r.method) && matchParts(parts, r.path) !== null;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function bucketHash(route: string): string {
  return createHash('sha1').update(route).digest('hex').slice(0, 32);
}

const NAME_RE = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

// ---------------------------------------------------------------------------------------------------------
// Interactions

export class FakeInteraction {
  readonly callbacks: InteractionCallbackRecord[] = [];
  original: FakeMessage | undefined;
  readonly followUps: FakeMessage[] = [];

  constructor(
    private readonly fake: FakeDiscord,
    readonly id: string,
    readonly token: string,
    readonly type: number,
    /** The INTERACTION_CREATE `d` exactly as dispatched. */
    readonly payload: Json,
    readonly createdAt: number,
  ) {}

  get channelId(): string {
    return String(this.payload.channel_id);
  }

  get guildId(): string {
    return String(this.payload.guild_id);
  }

  get commandName(): string {
    return String(asObj(this.payload.data).name);
  }

  get acknowledged(): boolean {
    return this.callbacks.length > 0;
  }

  /** The first callback (reply, defer, autocomplete result, modal). */
  response(timeoutMs?: number): Promise<InteractionCallbackRecord> {
    return this.fake.waitFor(() => this.callbacks[0], {
      timeoutMs,
      what: `a callback for interaction /${this.commandName}`,
    });
  }

  /**
   * The original response once it has content: an immediate reply, or the edit (or first follow-up)
   * that completes a deferral.
   */
  reply(timeoutMs?: number): Promise<FakeMessage> {
    return this.fake.waitFor(
      () => (this.original && !(this.original.flags & MessageFlag.Loading) ? this.original : undefined),
      { timeoutMs, what: `the reply to /${this.commandName}` },
    );
  }

  /** The `index`-th follow-up message (not counting a follow-up that completed a deferral). */
  followUp(index = 0, timeoutMs?: number): Promise<FakeMessage> {
    return this.fake.waitFor(() => this.followUps[index], {
      timeoutMs,
      what: `follow-up #${index} to /${this.commandName}`,
    });
  }

  /** Autocomplete choices sent back for this interaction. */
  async choices(timeoutMs?: number): Promise<{ name: string; value: string | number }[]> {
    const cb = await this.response(timeoutMs);
    return asArr(cb.data.choices) as { name: string; value: string | number }[];
  }
}

// ---------------------------------------------------------------------------------------------------------
// The fake

interface Ctx {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: RecordedFile[];
  record: RecordedRequest;
}

interface Reply {
  status: number;
  body?: unknown;
}

interface RouteDef {
  method: string;
  pattern: string;
  parts: string[];
  auth: boolean;
  handler: (ctx: Ctx) => Reply;
}

interface HoldEntry {
  match: (r: { method: string; path: string; body: unknown }) => boolean;
  taken: boolean;
  arrived: () => void;
  released: Promise<void>;
}

interface FaultEntry {
  match: (r: { method: string; path: string; body: unknown }) => boolean;
  spec: FaultSpec;
  remaining: number;
  hits: number;
}

interface GatewayConnection {
  ws: WebSocket;
  session: GatewaySession | null;
}

interface GatewaySession {
  id: string;
  intents: number;
  seq: number;
  conn: GatewayConnection | null;
  /** Sent frames kept for RESUME replay. */
  frames: { s: number; raw: string }[];
}

export class FakeDiscord {
  readonly token: string;
  readonly bot: FakeUser;
  readonly applicationId: string;
  readonly applicationFlags: number;

  /** Every REST request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Every message-bearing payload (creates and edits), for blanket allowed_mentions assertions. */
  readonly messagePayloads: MessagePayloadRecord[] = [];
  readonly interactions: FakeInteraction[] = [];
  /** Gateway activity. */
  readonly gatewayLog = {
    connections: 0,
    heartbeats: 0,
    resumes: 0,
    identifies: [] as { intents: number; properties: unknown; shard: unknown; at: number }[],
    /** Close codes the fake sent. */
    closes: [] as number[],
  };
  /** Exceptions thrown inside the fake's own handlers (answered as 500); should stay empty. */
  readonly internalErrors: unknown[] = [];
  /** Attachment downloads served from the fake's CDN stand-in. */
  readonly downloads: string[] = [];

  private readonly ids = new Snowflakes();
  private readonly opts: Required<
    Pick<
      FakeDiscordOptions,
      | 'heartbeatIntervalMs'
      | 'ackHeartbeats'
      | 'interactionAckTimeoutMs'
      | 'nonceWindowMs'
      | 'privilegedIntents'
    >
  >;
  private readonly guildMap = new Map<string, FakeGuild>();
  private readonly channelMap = new Map<string, FakeChannel>();
  private readonly messagesByChannel = new Map<string, FakeMessage[]>();
  private readonly messageMap = new Map<string, FakeMessage>();
  private readonly users = new Map<string, FakeUser>();
  private readonly nonces = new Map<string, { messageId: string; at: number }>();
  private readonly globalCommands: Json[] = [];
  private readonly guildCommands = new Map<string, Json[]>();
  private readonly commandIds = new Map<string, string>();
  private readonly attachmentMap = new Map<string, FakeAttachment>();
  private readonly interactionsByToken = new Map<string, FakeInteraction>();
  private readonly faults: FaultEntry[] = [];
  private readonly holds: HoldEntry[] = [];
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly connections = new Set<GatewayConnection>();
  private readonly events = new EventEmitter();
  private readonly routes: RouteDef[] = [];
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private portNumber = 0;

  constructor(options: FakeDiscordOptions = {}) {
    const botId = options.botId ?? this.ids.next();
    this.token =
      options.token ??
      `${Buffer.from(botId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(28).toString('base64url')}`;
    this.bot = {
      id: botId,
      username: options.botUsername ?? 'Threadline',
      global_name: null,
      discriminator: '0',
      avatar: null,
      bot: true,
    };
    this.users.set(botId, this.bot);
    this.applicationId = options.applicationId ?? botId;
    this.applicationFlags = options.applicationFlags ?? 0;
    this.opts = {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      ackHeartbeats: options.ackHeartbeats ?? true,
      interactionAckTimeoutMs: options.interactionAckTimeoutMs ?? 3_000,
      nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
      privilegedIntents: options.privilegedIntents ?? 0,
    };
    this.events.setMaxListeners(0);
    const guilds = options.guilds ?? [
      {
        name: 'Threadline Test',
        channels: [
          { name: 'general', type: 'text' },
          { name: 'announcements', type: 'announcement' },
          { name: 'news-forum', type: 'forum', tags: ['world', 'tech'] },
        ],
      },
    ];
    for (const spec of guilds) this.addGuild(spec);
    this.defineRoutes();
  }

  // -------------------------------------------------------------------------------------------------------
  // Lifecycle

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      this.onHttp(req, res).catch((error: unknown) => {
        this.internalErrors.push(error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: '500: Internal Server Error', code: 0 }));
      });
    });
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      wss.handleUpgrade(req, socket, head, (ws) => this.onGateway(ws, req));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.wss = wss;
    this.portNumber = (server.address() as AddressInfo).port;
  }

  /**
   * Closes everything. Destroy discord.js clients first: a client still connected here is closed with
   * 4004 (Authentication failed), one of the codes after which discord.js gives up instead of retrying
   * a closed port forever and keeping the test process alive.
   */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await Promise.all(
      [...this.connections].map(async (conn) => {
        if (conn.ws.readyState === WebSocket.OPEN) {
          const closed = once(conn.ws, 'close');
          this.closeConn(conn, 4004, 'Fake Discord stopped.');
          const timer = setTimeout(() => conn.ws.terminate(), 500);
          await closed;
          clearTimeout(timer);
        } else conn.ws.terminate();
      }),
    );
    this.connections.clear();
    this.sessions.clear();
    this.wss?.close();
    this.wss = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get port(): number {
    return this.portNumber;
  }

  /** The value for discord.js `rest.api` (discord.js appends `/v10`). */
  get restUrl(): string {
    return `http://127.0.0.1:${this.portNumber}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.portNumber}`;
  }

  // -------------------------------------------------------------------------------------------------------
  // State inspection

  guild(idOrName?: string): FakeGuild {
    const all = [...this.guildMap.values()];
    const g = idOrName === undefined ? all[0] : all.find((x) => x.id === idOrName || x.name === idOrName);
    if (!g) throw new Error(`FakeDiscord: no guild ${idOrName ?? ''}`);
    return g;
  }

  guilds(): FakeGuild[] {
    return [...this.guildMap.values()];
  }

  /** A channel or thread by id, or by name (first match). */
  channel(idOrName: string): FakeChannel {
    const c = this.findChannel(idOrName);
    if (!c) throw new Error(`FakeDiscord: no channel ${idOrName}`);
    return c;
  }

  channels(guildId?: string): FakeChannel[] {
    return [...this.channelMap.values()].filter((c) => !c.thread && (!guildId || c.guildId === guildId));
  }

  threads(parentId?: string): FakeChannel[] {
    return [...this.channelMap.values()].filter((c) => c.thread && (!parentId || c.parentId === parentId));
  }

  /**
   * Messages in a channel or thread, oldest first. Ephemeral interaction responses are only seen by the
   * invoking user, so they are left out unless asked for.
   */
  messages(channelIdOrName: string, options: { includeEphemeral?: boolean } = {}): FakeMessage[] {
    const c = this.findChannel(channelIdOrName);
    const list = this.messagesByChannel.get(c?.id ?? channelIdOrName) ?? [];
    return list.filter((m) => !m.deleted && (options.includeEphemeral || !m.ephemeral));
  }

  /** Every message ever created, including ephemeral and deleted ones, in creation order. */
  allMessages(): FakeMessage[] {
    return [...this.messageMap.values()];
  }

  message(id: string): FakeMessage | undefined {
    return this.messageMap.get(id);
  }

  allowedMentionsOf(message: FakeMessage | string): unknown {
    const m = typeof message === 'string' ? this.messageMap.get(message) : message;
    if (!m) throw new Error(`FakeDiscord: no message ${String(message)}`);
    return m.allowedMentions;
  }

  /** Who the message would have notified. */
  mentionsOf(message: FakeMessage | string): MentionSet {
    const m = typeof message === 'string' ? this.messageMap.get(message) : message;
    if (!m) throw new Error(`FakeDiscord: no message ${String(message)}`);
    return m.mentions;
  }

  /** Registered commands: global when `guildId` is omitted. */
  commands(guildId?: string): Json[] {
    return guildId ? (this.guildCommands.get(guildId) ?? []) : this.globalCommands;
  }

  /** Requests that hit no known route (answered 404); a test should usually expect none. */
  get unknownRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.route === null);
  }

  requestsTo(matcher: RouteMatcher): RecordedRequest[] {
    const match = toMatcher(matcher);
    return this.requests.filter((r) => match(r));
  }

  /** Resolves once `probe` returns something truthy, re-checking after every change to the fake's state. */
  waitFor<T>(
    probe: () => T | undefined | null | false,
    options: { timeoutMs?: number; what?: string } = {},
  ): Promise<T> {
    const first = probe();
    if (first) return Promise.resolve(first);
    const timeoutMs = options.timeoutMs ?? 2_000;
    return new Promise<T>((resolve, reject) => {
      const onChange = () => {
        let value: T | undefined | null | false;
        try {
          value = probe();
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (value) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`FakeDiscord: timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a change'}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('change', onChange);
      };
      this.events.on('change', onChange);
    });
  }

  // -------------------------------------------------------------------------------------------------------
  // Fault injection

  /**
   * Makes the next matching request(s) fail. `matcher` is `'POST /channels/:id/messages'` (`:x` matches one
   * segment, a leading method is optional, `*` matches the rest), a RegExp tested against
   * `'METHOD /path'`, or a predicate. With `afterCommit` the request takes effect first and only the
   * response is replaced, which is what a lost response looks like to the client.
   */
  failNext(matcher: RouteMatcher, spec: FaultSpec): FaultHandle {
    const entry: FaultEntry = { match: toMatcher(matcher), spec, remaining: spec.times ?? 1, hits: 0 };
    this.faults.push(entry);
    return {
      get hits() {
        return entry.hits;
      },
      get remaining() {
        return entry.remaining;
      },
      cancel: () => {
        entry.remaining = 0;
      },
    };
  }

  /**
   * Holds the next matching request before it is handled, until released: what the bot does meanwhile is
   * what it does while a slow request is on its way.
   */
  holdNext(matcher: RouteMatcher): HoldHandle {
    let arrived!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.holds.push({ match: toMatcher(matcher), taken: false, arrived, released });
    return { reached, release };
  }

  /** The request is carried out, then answered with a 5xx as if the response was lost on the way back. */
  failAfterCommit(matcher: RouteMatcher, status: 500 | 502 | 503 | 504 = 500, times = 1): FaultHandle {
    return this.failNext(matcher, { status, afterCommit: true, times });
  }

  /** As if Discord's nonce window ("the past few minutes") had passed: a nonce no longer replays a message. */
  forgetNonces(): void {
    this.nonces.clear();
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  // -------------------------------------------------------------------------------------------------------
  // Gateway control

  /** Sends a dispatch to every identified session (a raw escape hatch; intents are not checked). */
  dispatch(event: string, data: unknown): void {
    this.dispatchEvent(event, data);
  }

  /** Closes every gateway connection with `code`; sessions survive so the client can RESUME. */
  closeGateway(code = 4000): void {
    for (const conn of this.connections) this.closeConn(conn, code, 'Closed by the test');
  }

  /** Sends op 7 RECONNECT, which makes discord.js reconnect and resume. */
  requestReconnect(): void {
    for (const conn of this.connections) conn.ws.send(JSON.stringify({ op: 7, d: null, s: null, t: null }));
  }

  get connectedSessions(): number {
    return [...this.sessions.values()].filter((s) => s.conn).length;
  }

  // -------------------------------------------------------------------------------------------------------
  // Interactions

  /**
   * Dispatches INTERACTION_CREATE for a slash command (or an autocomplete) from a member in a guild channel,
   * and returns a handle to await the bot's response.
   */
  sendInteraction(spec: InteractionSpec): FakeInteraction {
    if (this.connectedSessions === 0) throw new Error('FakeDiscord: no client is connected to the gateway');
    const channel = this.channel(spec.channel);
    const guild = this.guild(channel.guildId);
    const type =
      spec.kind === 'autocomplete' ? InteractionType.Autocomplete : InteractionType.ApplicationCommand;
    const user: FakeUser = {
      id: spec.user?.id ?? '200000000000000001',
      username: spec.user?.username ?? 'tester',
      global_name: spec.user?.global_name ?? 'Tester',
      discriminator: '0',
      avatar: null,
    };
    if (!this.users.has(user.id)) this.users.set(user.id, user);
    const roleIds = (spec.roles ?? guild.members.get(user.id)?.roles ?? []).map((r) =>
      this.resolveRoleId(guild, r),
    );
    const memberPerms =
      spec.permissions !== undefined
        ? BigInt(spec.permissions)
        : this.computePermissions(guild, user.id, roleIds, channel);

    const registered =
      (this.guildCommands.get(guild.id) ?? []).find((c) => c.name === spec.command && (c.type ?? 1) === 1) ??
      this.globalCommands.find((c) => c.name === spec.command && (c.type ?? 1) === 1);
    const options = structuredClone(spec.options ?? []);
    if (registered) this.checkOptionsAgainst(registered, options, spec.command);

    const resolved: Json = {};
    const attachments: Json = {};
    for (const a of spec.attachments ?? []) {
      const att = this.storeAttachment(
        a.filename,
        a.data,
        a.contentType,
        true,
        `ephemeral-attachments/${this.applicationId}`,
      );
      attachments[att.id] = this.attachmentJson(att);
      if (a.option) options.push({ name: a.option, type: 11, value: att.id });
    }
    if (Object.keys(attachments).length) resolved.attachments = attachments;
    this.resolveOptionTargets(guild, this.leafOptions(options), resolved);

    const id = this.ids.next();
    const token = `aW50ZXJhY3Rpb246${randomBytes(60).toString('base64url')}`;
    const memberRecord = guild.members.get(user.id);
    const payload: Json = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      data: {
        id: registered ? String(registered.id) : this.commandIdFor(spec.command),
        name: spec.command,
        type: 1,
        options,
        ...(Object.keys(resolved).length ? { resolved } : {}),
        ...(registered?.guild_id ? { guild_id: registered.guild_id } : {}),
      },
      guild_id: guild.id,
      guild: { id: guild.id, locale: 'en-US', features: [] },
      channel_id: channel.id,
      channel: this.channelJson(channel),
      member: {
        ...this.memberJson(memberRecord ?? { user, roles: roleIds, joinedAt: guild.createdAt, nick: null }),
        roles: roleIds,
        permissions: memberPerms.toString(),
      },
      app_permissions: this.botPermissions(channel).toString(),
      locale: spec.locale ?? 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: 0,
      attachment_size_limit: 10_485_760,
    };
    const interaction = new FakeInteraction(this, id, token, type, payload, Date.now());
    this.interactions.push(interaction);
    this.interactionsByToken.set(token, interaction);
    this.dispatchEvent('INTERACTION_CREATE', payload);
    this.changed();
    return interaction;
  }

  /** Adds a message from a human member (dispatching MESSAGE_CREATE to clients with GuildMessages). */
  addUserMessage(channelIdOrName: string, content: string, user?: Partial<FakeUser>): FakeMessage {
    const channel = this.channel(channelIdOrName);
    const author: FakeUser = {
      id: user?.id ?? '200000000000000001',
      username: user?.username ?? 'tester',
      global_name: user?.global_name ?? null,
      discriminator: '0',
      avatar: null,
    };
    if (!this.users.has(author.id)) this.users.set(author.id, author);
    return this.createMessage(channel, { content }, [], { source: 'user', author });
  }

  // -------------------------------------------------------------------------------------------------------
  // Setup

  private addGuild(spec: GuildSpec): FakeGuild {
    const id = spec.id ?? this.ids.next();
    const botRoleId = this.ids.next();
    const guild: FakeGuild = {
      id,
      name: spec.name ?? 'Threadline Test',
      ownerId: '100000000000000001',
      createdAt: Date.now(),
      botRoleId,
      roles: [
        {
          id,
          name: '@everyone',
          permissions: spec.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS,
          position: 0,
          managed: false,
        },
        {
          id: botRoleId,
          name: this.bot.username,
          permissions: spec.botPermissions ?? DEFAULT_BOT_PERMISSIONS,
          position: 1,
          managed: true,
          botId: this.bot.id,
        },
      ],
      members: new Map(),
    };
    for (const [i, r] of (spec.roles ?? []).entries()) {
      guild.roles.push({
        id: r.id ?? this.ids.next(),
        name: r.name,
        permissions: r.permissions ?? 0n,
        position: i + 2,
        managed: false,
      });
    }
    guild.members.set(this.bot.id, { user: this.bot, roles: [botRoleId], joinedAt: Date.now(), nick: null });
    for (const m of spec.members ?? []) {
      const user: FakeUser = {
        id: m.id ?? this.ids.next(),
        username: m.username,
        global_name: null,
        discriminator: '0',
        avatar: null,
      };
      this.users.set(user.id, user);
      guild.members.set(user.id, {
        user,
        roles: (m.roles ?? []).map((r) => this.resolveRoleId(guild, r)),
        joinedAt: Date.now(),
        nick: null,
      });
    }
    this.guildMap.set(id, guild);
    const types = { text: 0, announcement: 5, forum: 15, category: 4 } as const;
    for (const [i, c] of (spec.channels ?? []).entries()) {
      const type = types[c.type ?? 'text'];
      const parent = c.parent
        ? this.channels(id).find((x) => x.id === c.parent || x.name === c.parent)
        : undefined;
      const channel: FakeChannel = {
        id: c.id ?? this.ids.next(),
        guildId: id,
        type,
        name: c.name,
        position: i,
        parentId: parent?.id ?? null,
        topic: c.topic ?? null,
        nsfw: c.nsfw ?? false,
        flags: c.requireTag ? ChannelFlag.RequireTag : 0,
        rateLimitPerUser: 0,
        overwrites: (c.overwrites ?? []).map((o) => this.resolveOverwrite(guild, o)),
        availableTags: (c.tags ?? []).map((name) => ({
          id: this.ids.next(),
          name,
          moderated: false,
          emoji_id: null,
          emoji_name: null,
        })),
        lastMessageId: null,
      };
      this.channelMap.set(channel.id, channel);
    }
    return guild;
  }

  private resolveRoleId(guild: FakeGuild, idOrName: string): string {
    return guild.roles.find((r) => r.id === idOrName || r.name === idOrName)?.id ?? idOrName;
  }

  private resolveOverwrite(guild: FakeGuild, o: OverwriteSpec): PermissionOverwrite {
    let id = o.target;
    let type: 0 | 1 = o.type === 'member' ? 1 : 0;
    if (o.target === 'bot') {
      id = this.bot.id;
      type = 1;
    } else if (o.target === 'everyone') id = guild.id;
    else if (o.type !== 'member') id = this.resolveRoleId(guild, o.target);
    return { id, type, allow: o.allow ?? 0n, deny: o.deny ?? 0n };
  }

  private findChannel(idOrName: string): FakeChannel | undefined {
    return (
      this.channelMap.get(idOrName) ??
      [...this.channelMap.values()].find((c) => c.name === idOrName || c.name === idOrName.replace(/^#/, ''))
    );
  }

  private commandIdFor(name: string): string {
    let id = this.commandIds.get(`1:${name}`);
    if (!id) {
      id = this.ids.next();
      this.commandIds.set(`1:${name}`, id);
    }
    return id;
  }

  // -------------------------------------------------------------------------------------------------------
  // Permissions (Discord's algorithm: base role permissions, then @everyone / role / member overwrites)

  computePermissions(guild: FakeGuild, userId: string, roleIds: string[], channel: FakeChannel): bigint {
    if (userId === guild.ownerId) return ALL_PERMISSIONS;
    const everyone = guild.roles.find((r) => r.id === guild.id);
    let perms = everyone?.permissions ?? 0n;
    for (const r of guild.roles) if (roleIds.includes(r.id)) perms |= r.permissions;
    if (perms & Permission.Administrator) return ALL_PERMISSIONS;
    const target =
      channel.thread && channel.parentId ? (this.channelMap.get(channel.parentId) ?? channel) : channel;
    const ow = target.overwrites;
    const everyoneOw = ow.find((o) => o.id === guild.id);
    if (everyoneOw) perms = (perms & ~everyoneOw.deny) | everyoneOw.allow;
    let allow = 0n;
    let deny = 0n;
    for (const o of ow) {
      if (o.type === 0 && o.id !== guild.id && roleIds.includes(o.id)) {
        allow |= o.allow;
        deny |= o.deny;
      }
    }
    perms = (perms & ~deny) | allow;
    const memberOw = ow.find((o) => o.type === 1 && o.id === userId);
    if (memberOw) perms = (perms & ~memberOw.deny) | memberOw.allow;
    if (!(perms & Permission.ViewChannel)) return 0n;
    return perms;
  }

  botPermissions(channel: FakeChannel): bigint {
    const guild = this.guild(channel.guildId);
    return this.computePermissions(guild, this.bot.id, guild.members.get(this.bot.id)?.roles ?? [], channel);
  }

  private requireChannel(id: string | undefined): FakeChannel {
    const c = id ? this.channelMap.get(id) : undefined;
    if (!c) throw new ApiError(404, 10003);
    if (!(this.botPermissions(c) & Permission.ViewChannel)) throw new ApiError(403, 50001);
    return c;
  }

  private requirePermission(channel: FakeChannel, perm: bigint): void {
    if ((this.botPermissions(channel) & perm) !== perm) throw new ApiError(403, 50013);
  }

  // -------------------------------------------------------------------------------------------------------
  // JSON shapes

  private userJson(u: FakeUser): Json {
    return {
      id: u.id,
      username: u.username,
      global_name: u.global_name,
      discriminator: u.discriminator,
      avatar: u.avatar,
      avatar_decoration_data: null,
      public_flags: 0,
      flags: 0,
      banner: null,
      accent_color: null,
      ...(u.bot ? { bot: true } : {}),
    };
  }

  private roleJson(r: FakeRole): Json {
    return {
      id: r.id,
      name: r.name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: r.position,
      permissions: r.permissions.toString(),
      managed: r.managed,
      mentionable: false,
      flags: 0,
      ...(r.botId ? { tags: { bot_id: r.botId } } : {}),
    };
  }

  private memberJson(m: FakeMember): Json {
    return {
      user: this.userJson(m.user),
      nick: m.nick,
      avatar: null,
      banner: null,
      roles: m.roles,
      joined_at: iso(m.joinedAt),
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
    };
  }

  channelJson(c: FakeChannel, withGuildId = true): Json {
    const base: Json = { id: c.id, type: c.type, name: c.name, flags: c.flags };
    if (withGuildId || c.thread) base.guild_id = c.guildId;
    if (c.thread) {
      const t = c.thread;
      const parent = c.parentId ? this.channelMap.get(c.parentId) : undefined;
      return {
        ...base,
        parent_id: c.parentId,
        owner_id: t.ownerId,
        last_message_id: c.lastMessageId,
        rate_limit_per_user: c.rateLimitPerUser,
        message_count: t.messageCount,
        member_count: 1,
        total_message_sent: t.totalMessageSent,
        thread_metadata: {
          archived: t.archived,
          auto_archive_duration: t.autoArchiveDuration,
          archive_timestamp: iso(t.archiveTimestamp),
          locked: t.locked,
          create_timestamp: iso(t.createdAt),
          ...(c.type === ChannelType.PrivateThread ? { invitable: t.invitable } : {}),
        },
        ...(parent?.type === ChannelType.GuildForum ? { applied_tags: t.appliedTags } : {}),
      };
    }
    base.position = c.position;
    base.parent_id = c.parentId;
    base.permission_overwrites = c.overwrites.map((o) => ({
      id: o.id,
      type: o.type,
      allow: o.allow.toString(),
      deny: o.deny.toString(),
    }));
    if (c.type !== ChannelType.GuildCategory) {
      base.topic = c.topic;
      base.nsfw = c.nsfw;
      base.last_message_id = c.lastMessageId;
      base.rate_limit_per_user = c.rateLimitPerUser;
    }
    if (c.type === ChannelType.GuildForum) {
      base.available_tags = c.availableTags;
      base.default_reaction_emoji = null;
      base.default_sort_order = null;
      base.default_forum_layout = 0;
      base.default_thread_rate_limit_per_user = 0;
    }
    return base;
  }

  private guildJson(g: FakeGuild): Json {
    const firstText = this.channels(g.id).find((c) => c.type === ChannelType.GuildText);
    return {
      id: g.id,
      name: g.name,
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      owner_id: g.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      roles: g.roles.map((r) => this.roleJson(r)),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: firstText?.id ?? null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      max_presences: null,
      max_members: 500_000,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: 'en-US',
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      incidents_data: null,
    };
  }

  private gatewayGuildJson(g: FakeGuild): Json {
    return {
      ...this.guildJson(g),
      joined_at: iso(g.createdAt),
      large: false,
      unavailable: false,
      lazy: true,
      member_count: g.members.size,
      voice_states: [],
      members: [...g.members.values()].map((m) => this.memberJson(m)),
      // Channels inside GUILD_CREATE carry no guild_id, as on Discord.
      channels: this.channels(g.id).map((c) => this.channelJson(c, false)),
      threads: this.threads()
        .filter((t) => t.guildId === g.id && !t.thread?.archived)
        .map((t) => this.channelJson(t)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
    };
  }

  private attachmentJson(a: FakeAttachment): Json {
    return {
      id: a.id,
      filename: a.filename,
      size: a.size,
      url: a.url,
      proxy_url: a.url,
      content_type: a.contentType,
      ...(a.description ? { description: a.description } : {}),
      ...(a.ephemeral ? { ephemeral: true } : {}),
    };
  }

  /**
   * A message as the API shows it. Discord does not store a nonce: it is echoed only in the create response
   * (or a nonce replay) and in MESSAGE_CREATE, never when messages are fetched later.
   */
  messageJson(m: FakeMessage, echoNonce = false): Json {
    const interaction = m.interactionId ? this.interactions.find((i) => i.id === m.interactionId) : undefined;
    const thread = m.threadId ? this.channelMap.get(m.threadId) : undefined;
    const invoker = interaction ? asObj(asObj(interaction.payload.member).user) : undefined;
    return {
      type: m.type,
      channel_id: m.channelId,
      content: m.content,
      attachments: m.attachments.map((a) => this.attachmentJson(a)),
      embeds: m.embeds,
      timestamp: iso(m.createdAt),
      edited_timestamp: m.editedAt === null ? null : iso(m.editedAt),
      flags: m.flags,
      components: m.components,
      id: m.id,
      author: this.userJson(m.author),
      mentions: m.mentions.users.map((id) => this.userJson(this.users.get(id) ?? this.stubUser(id))),
      mention_roles: m.mentions.roles,
      pinned: false,
      mention_everyone: m.mentions.everyone,
      tts: m.tts,
      ...(echoNonce && m.nonce !== undefined ? { nonce: m.nonce } : {}),
      ...(m.position !== undefined ? { position: m.position } : {}),
      ...(m.webhookId ? { webhook_id: m.webhookId, application_id: this.applicationId } : {}),
      ...(m.reference ? { message_reference: { type: 0, ...m.reference, guild_id: m.guildId } } : {}),
      ...(interaction && invoker
        ? {
            interaction_metadata: {
              id: interaction.id,
              type: interaction.type,
              user: invoker,
              authorizing_integration_owners: { '0': interaction.guildId },
              name: interaction.commandName,
              command_type: 1,
            },
            interaction: {
              id: interaction.id,
              type: interaction.type,
              name: interaction.commandName,
              user: invoker,
            },
          }
        : {}),
      ...(thread ? { thread: this.channelJson(thread) } : {}),
    };
  }

  private stubUser(id: string): FakeUser {
    return { id, username: `user${id.slice(-4)}`, global_name: null, discriminator: '0', avatar: null };
  }

  // -------------------------------------------------------------------------------------------------------
  // HTTP

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);

    const cdn = /^\/(?:ephemeral-)?attachments\/[^/]+\/(\d+)\/[^/]+$/.exec(url.pathname);
    if (cdn && method === 'GET') {
      const att = this.attachmentMap.get(cdn[1]!);
      this.downloads.push(url.pathname);
      this.changed();
      if (!att) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
        return;
      }
      res
        .writeHead(200, { 'content-type': att.contentType, 'content-length': String(att.size) })
        .end(att.data);
      return;
    }

    const api = /^\/api(?:\/v(\d+))?(\/.*)$/.exec(url.pathname);
    if (!api) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const path = api[2]!.replace(/\/+$/, '') || '/';
    const record: RecordedRequest = {
      at: Date.now(),
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      route: null,
      auth: 'none',
      body: undefined,
      files: [],
      status: 0,
    };
    this.requests.push(record);

    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      if (status >= 400) record.error = body;
      this.changed();
      if (status === 204 || body === undefined) {
        res.writeHead(status, headers).end();
        return;
      }
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res
        .writeHead(status, {
          'content-type': typeof body === 'string' ? 'text/html' : 'application/json',
          ...headers,
        })
        .end(text);
    };

    if (api[1] !== undefined && api[1] !== '10') {
      // Only v10 is modelled; older versions would answer with different shapes.
      send(400, { message: `Invalid API version: ${api[1]}`, code: 50041 });
      return;
    }

    const contentType = req.headers['content-type'] ?? '';
    try {
      if (raw.length && contentType.startsWith('multipart/form-data')) {
        const parsed = await this.parseMultipart(raw, contentType);
        record.body = parsed.body;
        record.files = parsed.files;
      } else if (raw.length) {
        record.body = JSON.parse(raw.toString('utf8'));
      }
    } catch {
      send(400, new ApiError(400, 50109).body());
      return;
    }

    let route: RouteDef | undefined;
    let params: Record<string, string> = {};
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const p = matchParts(r.parts, path);
      if (p) {
        route = r;
        params = p;
        break;
      }
    }
    record.route = route ? `${route.method} ${route.pattern}` : null;

    const authHeader = req.headers.authorization;
    if (authHeader !== undefined) record.auth = authHeader === `Bot ${this.token}` ? 'bot' : 'invalid';
    if (!route) {
      send(404, { message: '404: Not Found', code: 0 });
      return;
    }
    if (route.auth && record.auth !== 'bot') {
      send(401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    const limits = this.rateLimitHeaders(route.pattern, 5, 4, 5);

    const hold = this.holds.find((h) => !h.taken && h.match(record));
    if (hold) {
      hold.taken = true;
      hold.arrived();
      await hold.released;
    }

    const fault = this.faults.find((f) => f.remaining > 0 && f.match(record));
    const afterCommit = fault && 'afterCommit' in fault.spec && fault.spec.afterCommit === true;
    if (fault && !afterCommit) {
      this.consumeFault(fault, record);
      this.sendFault(fault.spec, route.pattern, send);
      return;
    }

    let reply: Reply;
    try {
      reply = route.handler({
        method,
        path,
        params,
        query: url.searchParams,
        body: record.body,
        files: record.files,
        record,
      });
    } catch (error) {
      if (error instanceof ApiError) {
        send(error.status, error.body(), limits);
        return;
      }
      throw error;
    }

    if (fault && afterCommit && reply.status < 300) {
      this.consumeFault(fault, record);
      this.sendFault(fault.spec, route.pattern, send);
      return;
    }
    send(reply.status, reply.body, limits);
  }

  private rateLimitHeaders(
    route: string,
    limit: number,
    remaining: number,
    resetAfter: number,
  ): Record<string, string> {
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': ((Date.now() + resetAfter * 1000) / 1000).toFixed(3),
      'x-ratelimit-reset-after': String(resetAfter),
      'x-ratelimit-bucket': bucketHash(route),
    };
  }

  private consumeFault(fault: FaultEntry, record: RecordedRequest): void {
    fault.remaining--;
    fault.hits++;
    record.fault = fault.spec;
  }

  private sendFault(
    spec: FaultSpec,
    route: string,
    send: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): void {
    if (spec.status === 429) {
      const scope = spec.global ? 'global' : (spec.scope ?? 'user');
      const headers: Record<string, string> = {
        'retry-after': String(spec.retryAfter),
        'x-ratelimit-scope': scope,
      };
      if (spec.global) headers['x-ratelimit-global'] = 'true';
      else Object.assign(headers, this.rateLimitHeaders(route, 5, 0, spec.retryAfter));
      send(
        429,
        { message: 'You are being rate limited.', retry_after: spec.retryAfter, global: !!spec.global },
        headers,
      );
      return;
    }
    if (spec.status >= 500) {
      // 500 comes from the API itself; 502/503/504 from the proxy in front of it, which answers in HTML.
      if (spec.status === 500) send(500, { message: '500: Internal Server Error', code: 0 });
      else
        send(spec.status, `<html><body><h1>${spec.status} ${STATUS_CODES[spec.status]}</h1></body></html>`);
      return;
    }
    const code = 'code' in spec ? spec.code : 0;
    const message = ('message' in spec ? spec.message : undefined) ?? ERROR_MESSAGES[code];
    send(spec.status, new ApiError(spec.status, code, message).body());
  }

  private async parseMultipart(
    raw: Buffer,
    contentType: string,
  ): Promise<{ body: unknown; files: RecordedFile[] }> {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    let body: unknown;
    const fields: Json = {};
    const files: RecordedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
        else fields[field] = value;
      } else {
        files.push({
          field,
          filename: value.name,
          contentType: value.type || 'application/octet-stream',
          data: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return { body: body ?? fields, files };
  }

  private route(method: string, pattern: string, handler: (ctx: Ctx) => Reply, auth = true): void {
    this.routes.push({ method, pattern, parts: compileRoute(pattern).parts, auth, handler });
  }

  private defineRoutes(): void {
    const ok = (body: unknown): Reply => ({ status: 200, body });
    const noContent: Reply = { status: 204 };

    this.route('GET', '/gateway', () => ok({ url: this.gatewayUrl }), false);
    this.route('GET', '/gateway/bot', () =>
      ok({
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      }),
    );
    this.route('GET', '/users/@me', () =>
      ok({ ...this.userJson(this.bot), verified: true, mfa_enabled: false, email: null }),
    );
    this.route('GET', '/users/:userId', ({ params }) => {
      const u = this.users.get(params.userId!);
      if (!u) throw new ApiError(404, 10013);
      return ok(this.userJson(u));
    });
    this.route('GET', '/applications/@me', () => ok(this.applicationJson()));

    for (const scope of ['global', 'guild'] as const) {
      const base =
        scope === 'global'
          ? '/applications/:appId/commands'
          : '/applications/:appId/guilds/:guildId/commands';
      const list = (p: Record<string, string>): Json[] => {
        if (p.appId !== this.applicationId) throw new ApiError(403, 50001);
        if (scope === 'global') return this.globalCommands;
        if (!this.guildMap.has(p.guildId!)) throw new ApiError(404, 10004);
        let l = this.guildCommands.get(p.guildId!);
        if (!l) {
          l = [];
          this.guildCommands.set(p.guildId!, l);
        }
        return l;
      };
      this.route('GET', base, ({ params }) => ok(list(params)));
      this.route('PUT', base, ({ params, body }) => {
        const target = list(params);
        const next = this.validateCommands(asArr(body), params.guildId, target);
        target.splice(0, target.length, ...next);
        return ok(next);
      });
      this.route('POST', base, ({ params, body }) => {
        const target = list(params);
        const others = target.filter(
          (c) => !(c.name === asObj(body).name && (c.type ?? 1) === (asObj(body).type ?? 1)),
        );
        const [cmd] = this.validateCommands([body], params.guildId, target);
        const existed = others.length !== target.length;
        target.splice(0, target.length, ...others, cmd!);
        return { status: existed ? 200 : 201, body: cmd };
      });
      this.route('DELETE', `${base}/:commandId`, ({ params }) => {
        const target = list(params);
        const i = target.findIndex((c) => c.id === params.commandId);
        if (i < 0) throw new ApiError(404, 10063);
        target.splice(i, 1);
        return noContent;
      });
    }

    this.route('GET', '/guilds/:guildId', ({ params, query }) => {
      const g = this.guildMap.get(params.guildId!);
      if (!g) throw new ApiError(404, 10004);
      const body = this.guildJson(g);
      if (query.get('with_counts') === 'true') {
        body.approximate_member_count = g.members.size;
        body.approximate_presence_count = 0;
      }
      return ok(body);
    });
    this.route('GET', '/guilds/:guildId/channels', ({ params }) => {
      if (!this.guildMap.has(params.guildId!)) throw new ApiError(404, 10004);
      return ok(this.channels(params.guildId).map((c) => this.channelJson(c)));
    });
    this.route('GET', '/guilds/:guildId/threads/active', ({ params }) => {
      if (!this.guildMap.has(params.guildId!)) throw new ApiError(404, 10004);
      const threads = this.threads().filter((t) => t.guildId === params.guildId && !t.thread?.archived);
      return ok({ threads: threads.map((t) => this.channelJson(t)), members: [] });
    });
    this.route('GET', '/guilds/:guildId/members/:userId', ({ params }) => {
      const g = this.guildMap.get(params.guildId!);
      if (!g) throw new ApiError(404, 10004);
      const m = g.members.get(params.userId!);
      if (!m) throw new ApiError(404, 10007);
      return ok(this.memberJson(m));
    });

    this.route('GET', '/channels/:channelId', ({ params }) =>
      ok(this.channelJson(this.requireChannel(params.channelId))),
    );
    this.route('PATCH', '/channels/:channelId', (ctx) => ok(this.patchChannel(ctx)));
    this.route('POST', '/channels/:channelId/typing', ({ params }) => {
      this.requireChannel(params.channelId);
      return noContent;
    });
    this.route('GET', '/channels/:channelId/messages', (ctx) => ok(this.listMessages(ctx)));
    this.route('POST', '/channels/:channelId/messages', (ctx) => ok(this.postChannelMessage(ctx)));
    this.route('GET', '/channels/:channelId/messages/:messageId', ({ params }) => {
      this.requireChannel(params.channelId);
      return ok(this.messageJson(this.requireMessage(params.channelId!, params.messageId!)));
    });
    this.route('PATCH', '/channels/:channelId/messages/:messageId', ({ params, body, files }) => {
      this.requireChannel(params.channelId);
      const m = this.requireMessage(params.channelId!, params.messageId!);
      if (m.author.id !== this.bot.id) throw new ApiError(403, 50005);
      return ok(this.messageJson(this.editMessage(m, asObj(body), files)));
    });
    this.route('DELETE', '/channels/:channelId/messages/:messageId', ({ params }) => {
      const channel = this.requireChannel(params.channelId);
      const m = this.requireMessage(params.channelId!, params.messageId!);
      if (m.author.id !== this.bot.id) this.requirePermission(channel, Permission.ManageMessages);
      m.deleted = true;
      this.dispatchEvent(
        'MESSAGE_DELETE',
        { id: m.id, channel_id: m.channelId, guild_id: m.guildId },
        GatewayIntent.GuildMessages,
      );
      return noContent;
    });
    this.route('POST', '/channels/:channelId/messages/:messageId/crosspost', ({ params }) => {
      const channel = this.requireChannel(params.channelId);
      if (channel.type !== ChannelType.GuildAnnouncement) throw new ApiError(400, 50024);
      const m = this.requireMessage(params.channelId!, params.messageId!);
      if (m.author.id !== this.bot.id) this.requirePermission(channel, Permission.ManageMessages);
      if (m.flags & MessageFlag.Crossposted) throw new ApiError(400, 40033);
      m.flags |= MessageFlag.Crossposted;
      this.dispatchEvent('MESSAGE_UPDATE', this.messageJson(m), GatewayIntent.GuildMessages);
      return ok(this.messageJson(m));
    });
    this.route('POST', '/channels/:channelId/messages/:messageId/threads', (ctx) => ({
      status: 201,
      body: this.threadFromMessage(ctx),
    }));
    this.route('POST', '/channels/:channelId/threads', (ctx) => {
      const channel = this.requireChannel(ctx.params.channelId);
      return {
        status: 201,
        body:
          channel.type === ChannelType.GuildForum
            ? this.forumPost(channel, ctx)
            : this.threadWithoutMessage(channel, ctx),
      };
    });
    this.route('PUT', '/channels/:channelId/thread-members/@me', ({ params }) => {
      const c = this.requireChannel(params.channelId);
      if (!c.thread) throw new ApiError(400, 50024);
      return noContent;
    });

    this.route(
      'POST',
      '/interactions/:interactionId/:token/callback',
      (ctx) => this.interactionCallback(ctx),
      false,
    );
    const hook = '/webhooks/:appId/:token';
    this.route('POST', hook, (ctx) => this.webhookExecute(ctx), false);
    this.route(
      'GET',
      `${hook}/messages/:messageId`,
      (ctx) => ok(this.messageJson(this.webhookMessage(ctx))),
      false,
    );
    this.route('PATCH', `${hook}/messages/:messageId`, (ctx) => ok(this.webhookEdit(ctx)), false);
    this.route(
      'DELETE',
      `${hook}/messages/:messageId`,
      (ctx) => {
        this.webhookMessage(ctx).deleted = true;
        return noContent;
      },
      false,
    );
  }

  private applicationJson(): Json {
    return {
      id: this.applicationId,
      name: this.bot.username,
      icon: null,
      description: '',
      summary: '',
      type: null,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: 'ab'.repeat(32),
      flags: this.applicationFlags,
      owner: this.userJson({
        id: '100000000000000001',
        username: 'owner',
        global_name: null,
        discriminator: '0',
        avatar: null,
      }),
      team: null,
      bot: this.userJson(this.bot),
      hook: true,
      is_monetized: false,
      redirect_uris: [],
      interactions_endpoint_url: null,
      approximate_guild_count: this.guildMap.size,
      integration_types_config: { '0': {} },
    };
  }

  // -------------------------------------------------------------------------------------------------------
  // Commands

  private validateCommands(input: unknown[], guildId: string | undefined, existing: Json[]): Json[] {
    const errs = new FormErrors();
    if (input.length > 100) errs.add([], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
    const seen = new Set<string>();
    const out: Json[] = [];
    for (const [i, raw] of input.entries()) {
      const cmd = asObj(raw);
      const type = typeof cmd.type === 'number' ? cmd.type : 1;
      const name = asStr(cmd.name) ?? '';
      if (!NAME_RE.test(name) || (type === 1 && name !== name.toLowerCase())) {
        errs.add([i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      }
      if (type === 1) errs.length([i, 'description'], cmd.description, 1, 100);
      else if (cmd.description)
        errs.add([i, 'description'], 'APPLICATION_COMMAND_INVALID_DESCRIPTION', 'Must be empty.');
      if (seen.has(`${type}:${name}`)) {
        errs.add(
          [i, 'name'],
          'APPLICATION_COMMANDS_DUPLICATE_NAME',
          'Application command names must be unique',
        );
      }
      seen.add(`${type}:${name}`);
      if (cmd.options !== undefined) this.validateOptions(asArr(cmd.options), [i, 'options'], 0, errs);
      const dmp = cmd.default_member_permissions;
      if (dmp !== undefined && dmp !== null && !(typeof dmp === 'string' && /^\d+$/.test(dmp))) {
        errs.add(
          [i, 'default_member_permissions'],
          'BASE_TYPE_NUMBER',
          'Value is not a valid permission set.',
        );
      }
      const normalized: Json = {
        application_id: this.applicationId,
        version: '',
        default_member_permissions: typeof dmp === 'string' ? dmp : null,
        type,
        name,
        name_localizations: cmd.name_localizations ?? null,
        description: asStr(cmd.description) ?? '',
        description_localizations: cmd.description_localizations ?? null,
        ...(guildId ? { guild_id: guildId } : {}),
        ...(cmd.options ? { options: cmd.options } : {}),
        dm_permission: cmd.dm_permission ?? true,
        contexts: cmd.contexts ?? null,
        integration_types: cmd.integration_types ?? [0],
        nsfw: cmd.nsfw ?? false,
      };
      // Discord keeps a command's id across overwrites and bumps its version only when it changes.
      const key = `${type}:${name}`;
      const prev = existing.find((c) => c.name === name && c.type === type);
      let id = this.commandIds.get(key);
      if (!id) {
        id = this.ids.next();
        this.commandIds.set(key, id);
      }
      const same =
        prev &&
        JSON.stringify({ ...prev, id: 0, version: 0 }) ===
          JSON.stringify({ ...normalized, id: 0, version: 0 });
      out.push({ id, ...normalized, version: same ? prev.version : this.ids.next() });
    }
    errs.throwIfAny();
    return out;
  }

  private validateOptions(
    options: unknown[],
    path: (string | number)[],
    depth: number,
    errs: FormErrors,
  ): void {
    if (options.length > 25) errs.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    let optionalSeen = false;
    const names = new Set<string>();
    for (const [i, raw] of options.entries()) {
      const o = asObj(raw);
      const p = [...path, i];
      const type = typeof o.type === 'number' ? o.type : 0;
      const name = asStr(o.name) ?? '';
      if (type < 1 || type > 11)
        errs.add([...p, 'type'], 'BASE_TYPE_CHOICES', `Value must be one of {1..11}.`);
      if (!NAME_RE.test(name) || name !== name.toLowerCase()) {
        errs.add([...p, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      }
      if (names.has(name))
        errs.add(
          [...p, 'name'],
          'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS',
          'Option names must be unique',
        );
      names.add(name);
      errs.length([...p, 'description'], o.description, 1, 100);
      if (type === 1 || type === 2) {
        if ((type === 2 && depth > 0) || depth > 1) {
          errs.add(
            [...p, 'type'],
            'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
            'Sub-command nesting is too deep',
          );
        }
        this.validateOptions(asArr(o.options), [...p, 'options'], depth + 1, errs);
        continue;
      }
      if (o.required === true && optionalSeen) {
        errs.add(
          [...p, 'required'],
          'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          'Required options must be placed before non-required options',
        );
      }
      if (o.required !== true) optionalSeen = true;
      const choices = asArr(o.choices);
      if (choices.length > 25)
        errs.add([...p, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
      if (choices.length && o.autocomplete === true) {
        errs.add(
          [...p, 'autocomplete'],
          'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES',
          'Autocomplete cannot be set with choices',
        );
      }
      for (const [j, c] of choices.entries())
        errs.length([...p, 'choices', j, 'name'], asObj(c).name, 1, 100);
    }
  }

  /** Throws (in the test, not to the client) when an interaction carries options its command never declared. */
  private checkOptionsAgainst(command: Json, options: Json[], where: string): void {
    const declared = asArr(command.options).map(asObj);
    for (const o of options) {
      const d = declared.find((x) => x.name === o.name);
      if (!d) throw new Error(`FakeDiscord: /${where} has no option "${String(o.name)}"`);
      if (d.type !== o.type)
        throw new Error(`FakeDiscord: /${where} option "${String(o.name)}" has type ${String(d.type)}`);
      if (o.type === 1 || o.type === 2)
        this.checkOptionsAgainst(d, asArr(o.options).map(asObj), `${where} ${String(o.name)}`);
    }
  }

  private leafOptions(options: Json[]): Json[] {
    return options.flatMap((o) =>
      o.type === 1 || o.type === 2 ? this.leafOptions(asArr(o.options).map(asObj)) : [o],
    );
  }

  private resolveOptionTargets(guild: FakeGuild, leaves: Json[], resolved: Json): void {
    for (const o of leaves) {
      const id = String(o.value);
      if (o.type === 7) {
        const c = this.channelMap.get(id);
        if (!c) continue;
        const channels = asObj(resolved.channels);
        channels[id] = { ...this.channelJson(c), permissions: this.botPermissions(c).toString() };
        resolved.channels = channels;
      } else if (o.type === 6) {
        const u = this.users.get(id) ?? this.stubUser(id);
        resolved.users = { ...asObj(resolved.users), [id]: this.userJson(u) };
        const m = guild.members.get(id);
        if (m) {
          const { user: _user, ...member } = this.memberJson(m);
          resolved.members = { ...asObj(resolved.members), [id]: { ...member, permissions: '0' } };
        }
      } else if (o.type === 8) {
        const r = guild.roles.find((x) => x.id === id);
        if (r) resolved.roles = { ...asObj(resolved.roles), [id]: this.roleJson(r) };
      }
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Messages

  private requireMessage(channelId: string, messageId: string): FakeMessage {
    const m = this.messageMap.get(messageId);
    if (!m || m.deleted || m.channelId !== channelId || m.ephemeral) throw new ApiError(404, 10008);
    return m;
  }

  private listMessages({ params, query }: Ctx): Json[] {
    const channel = this.requireChannel(params.channelId);
    // Without Read Message History Discord answers with an empty list rather than an error.
    if (!(this.botPermissions(channel) & Permission.ReadMessageHistory)) return [];
    const limitRaw = Number(query.get('limit') ?? 50);
    if (!Number.isInteger(limitRaw) || limitRaw < 1 || limitRaw > 100) {
      const errs = new FormErrors();
      errs.add(['limit'], 'NUMBER_TYPE_MAX', 'int value should be between 1 and 100.');
      errs.throwIfAny();
    }
    const before = query.get('before');
    const after = query.get('after');
    const around = query.get('around');
    let list = this.messages(channel.id).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? 1 : -1));
    if (before) list = list.filter((m) => BigInt(m.id) < BigInt(before));
    if (after)
      list = list
        .filter((m) => BigInt(m.id) > BigInt(after))
        .reverse()
        .slice(0, limitRaw)
        .reverse();
    if (around) {
      const idx = list.findIndex((m) => BigInt(m.id) <= BigInt(around));
      const half = Math.floor(limitRaw / 2);
      list = list.slice(Math.max(0, idx - half), Math.max(0, idx - half) + limitRaw);
    }
    return list.slice(0, limitRaw).map((m) => this.messageJson(m));
  }

  private postChannelMessage({ params, body: rawBody, files, record }: Ctx): Json {
    const channel = this.requireChannel(params.channelId);
    if (channel.type === ChannelType.GuildForum || channel.type === ChannelType.GuildCategory) {
      throw new ApiError(400, 50008);
    }
    this.requirePermission(
      channel,
      channel.thread ? Permission.SendMessagesInThreads : Permission.SendMessages,
    );
    if (files.length) this.requirePermission(channel, Permission.AttachFiles);
    if (channel.thread?.archived) {
      if (channel.thread.locked) throw new ApiError(400, 50083);
      // Posting into an archived (unlocked) thread unarchives it.
      channel.thread.archived = false;
      channel.thread.archiveTimestamp = Date.now();
    }
    const body = asObj(rawBody);
    const errs = new FormErrors();
    this.validateMessage(body, [], errs);
    errs.throwIfAny();

    const nonceKey =
      body.enforce_nonce === true && body.nonce !== undefined && body.nonce !== null
        ? `${channel.id}:${this.bot.id}:${String(body.nonce)}`
        : undefined;
    if (nonceKey) {
      const seen = this.nonces.get(nonceKey);
      const original = seen ? this.messageMap.get(seen.messageId) : undefined;
      if (seen && original && Date.now() - seen.at < this.opts.nonceWindowMs) {
        record.note = 'nonce-replay';
        return this.messageJson(original, true);
      }
    }
    this.requireNotEmpty(body, files);
    const ref = asObj(body.message_reference);
    if (ref.message_id !== undefined) {
      const target = this.messageMap.get(String(ref.message_id));
      const refChannel = asStr(ref.channel_id) ?? channel.id;
      if (
        (!target || target.deleted || target.channelId !== refChannel) &&
        ref.fail_if_not_exists !== false
      ) {
        const e = new FormErrors();
        e.add(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
        e.throwIfAny();
      }
    }
    const message = this.createMessage(channel, body, files, { source: 'channel' });
    if (nonceKey) this.nonces.set(nonceKey, { messageId: message.id, at: Date.now() });
    return this.messageJson(message, true);
  }

  private validateMessage(body: Json, path: (string | number)[], errs: FormErrors): void {
    if (body.content !== undefined && body.content !== null)
      errs.length([...path, 'content'], body.content, 0, 2000);
    if (body.nonce !== undefined && body.nonce !== null) {
      if (typeof body.nonce === 'number') {
        if (!Number.isInteger(body.nonce))
          errs.add([...path, 'nonce'], 'BASE_TYPE_NUMBER', 'Value is not int.');
      } else errs.length([...path, 'nonce'], body.nonce, 0, 25);
    }
    const embeds = body.embeds === undefined || body.embeds === null ? [] : asArr(body.embeds);
    if (embeds.length > 10)
      errs.add([...path, 'embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
    let total = 0;
    for (const [i, raw] of embeds.entries()) {
      const e = asObj(raw);
      const p = [...path, 'embeds', i];
      const text = (key: string, max: number, v: unknown, sub: (string | number)[] = [key]) => {
        if (v === undefined || v === null) return;
        errs.length([...p, ...sub], v, 0, max);
        if (typeof v === 'string') total += v.length;
      };
      text('title', 256, e.title);
      text('description', 4096, e.description);
      text('footer', 2048, asObj(e.footer).text, ['footer', 'text']);
      text('author', 256, asObj(e.author).name, ['author', 'name']);
      const fields = asArr(e.fields);
      if (fields.length > 25)
        errs.add([...p, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
      for (const [j, f] of fields.entries()) {
        const field = asObj(f);
        errs.length([...p, 'fields', j, 'name'], field.name, 1, 256);
        errs.length([...p, 'fields', j, 'value'], field.value, 1, 1024);
        total += (asStr(field.name) ?? '').length + (asStr(field.value) ?? '').length;
      }
      if (e.color !== undefined && e.color !== null) {
        if (typeof e.color !== 'number' || !Number.isInteger(e.color) || e.color < 0 || e.color > 0xffffff) {
          errs.add([...p, 'color'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 16777215.');
        }
      }
      const urls: [(string | number)[], unknown, boolean][] = [
        [['url'], e.url, false],
        [['image', 'url'], asObj(e.image).url, true],
        [['thumbnail', 'url'], asObj(e.thumbnail).url, true],
        [['author', 'url'], asObj(e.author).url, false],
        [['author', 'icon_url'], asObj(e.author).icon_url, true],
        [['footer', 'icon_url'], asObj(e.footer).icon_url, true],
      ];
      for (const [sub, value, allowAttachment] of urls) {
        if (value === undefined || value === null) continue;
        this.validateUrl([...p, ...sub], value, allowAttachment, errs);
      }
      if (
        e.timestamp !== undefined &&
        e.timestamp !== null &&
        Number.isNaN(Date.parse(String(e.timestamp)))
      ) {
        errs.add(
          [...p, 'timestamp'],
          'DATE_TIME_TYPE_PARSE',
          'Could not parse timestamp. Should be ISO8601.',
        );
      }
    }
    if (total > 6000)
      errs.add([...path, 'embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
    if (body.allowed_mentions !== undefined && body.allowed_mentions !== null) {
      const am = asObj(body.allowed_mentions);
      const parse = asArr(am.parse);
      const p = [...path, 'allowed_mentions'];
      for (const [i, v] of parse.entries()) {
        if (v !== 'users' && v !== 'roles' && v !== 'everyone') {
          errs.add(
            [...p, 'parse', i],
            'BASE_TYPE_CHOICES',
            "Value must be one of ('roles', 'users', 'everyone').",
          );
        }
      }
      for (const kind of ['users', 'roles'] as const) {
        const ids = asArr(am[kind]);
        if (parse.includes(kind) && ids.length) {
          errs.add(
            p,
            'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
            `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
          );
        }
        if (ids.length > 100)
          errs.add([...p, kind], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
      }
    }
  }

  private validateUrl(
    path: (string | number)[],
    value: unknown,
    allowAttachment: boolean,
    errs: FormErrors,
  ): void {
    if (typeof value !== 'string') {
      errs.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
      return;
    }
    let scheme: string;
    try {
      scheme = new URL(value).protocol.replace(/:$/, '');
    } catch {
      errs.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
      return;
    }
    const allowed = allowAttachment ? ['http', 'https', 'attachment'] : ['http', 'https'];
    if (!allowed.includes(scheme)) {
      errs.add(
        path,
        'URL_TYPE_INVALID_SCHEME',
        `Scheme "${scheme}" is not supported. Scheme must be one of (${allowed.map((s) => `'${s}'`).join(', ')}).`,
      );
    }
  }

  private requireNotEmpty(body: Json, files: RecordedFile[]): void {
    const content = asStr(body.content) ?? '';
    const hasOther =
      asArr(body.embeds).length > 0 ||
      asArr(body.components).length > 0 ||
      asArr(body.sticker_ids).length > 0 ||
      files.length > 0 ||
      isObj(body.poll);
    if (!content.trim() && !hasOther) throw new ApiError(400, 50006);
  }

  private computeMentions(
    content: string,
    allowed: unknown,
    channel: FakeChannel,
    replyTo?: FakeMessage,
  ): MentionSet {
    const uniq = (xs: string[]) => [...new Set(xs)];
    const users = uniq([...content.matchAll(/<@!?(\d{15,21})>/g)].map((m) => m[1]!));
    const roles = uniq([...content.matchAll(/<@&(\d{15,21})>/g)].map((m) => m[1]!));
    const everyoneInText = /@(everyone|here)\b/.test(content);
    const canEveryone = (this.botPermissions(channel) & Permission.MentionEveryone) !== 0n;
    const replied = replyTo && replyTo.author.id !== this.bot.id ? replyTo.author.id : undefined;
    if (allowed === undefined || allowed === null) {
      // No allowed_mentions: Discord parses everything, and a reply pings the replied-to author.
      return {
        users: uniq(replied ? [...users, replied] : users),
        roles,
        everyone: everyoneInText && canEveryone,
      };
    }
    const am = asObj(allowed);
    const parse = asArr(am.parse);
    const explicitUsers = asArr(am.users).map(String);
    const explicitRoles = asArr(am.roles).map(String);
    const pingedUsers = parse.includes('users') ? users : users.filter((u) => explicitUsers.includes(u));
    if (replied && am.replied_user === true) pingedUsers.push(replied);
    return {
      users: uniq(pingedUsers),
      roles: parse.includes('roles') ? roles : roles.filter((r) => explicitRoles.includes(r)),
      everyone: parse.includes('everyone') && everyoneInText && canEveryone,
    };
  }

  private storeAttachment(
    filename: string,
    data: string | Uint8Array,
    contentType: string | undefined,
    ephemeral: boolean,
    prefix: string,
  ): FakeAttachment {
    const id = this.ids.next();
    const bytes = Buffer.from(data);
    const expires = Math.floor(Date.now() / 1000 + 86_400).toString(16);
    const att: FakeAttachment = {
      id,
      filename,
      contentType: contentType ?? 'application/octet-stream',
      size: bytes.length,
      data: bytes,
      // Signed-CDN-style query parameters, so code that handles real attachment URLs copes with them.
      url: `http://127.0.0.1:${this.portNumber}/${prefix}/${id}/${encodeURIComponent(filename)}?ex=${expires}&is=${expires}&hm=${randomBytes(16).toString('hex')}&`,
      ephemeral,
    };
    this.attachmentMap.set(id, att);
    return att;
  }

  private attachmentsFor(body: Json, files: RecordedFile[], channelId: string): FakeAttachment[] {
    const meta = asArr(body.attachments).map(asObj);
    return files.map((f, index) => {
      const key = /^files\[(\d+)\]$/.exec(f.field)?.[1] ?? String(index);
      const m = meta.find((a) => String(a.id) === key);
      const att = this.storeAttachment(
        asStr(m?.filename) ?? f.filename,
        f.data,
        f.contentType,
        false,
        `attachments/${channelId}`,
      );
      if (m?.description) att.description = String(m.description);
      return att;
    });
  }

  private createMessage(
    channel: FakeChannel,
    body: Json,
    files: RecordedFile[],
    opts: {
      source: MessageSource;
      author?: FakeUser;
      id?: string;
      type?: number;
      ephemeral?: boolean;
      flags?: number;
      interaction?: FakeInteraction;
      /** A deferral's loading message: not a payload the bot wrote. */
      placeholder?: boolean;
    },
  ): FakeMessage {
    const ref = asObj(body.message_reference);
    const replyTo = ref.message_id !== undefined ? this.messageMap.get(String(ref.message_id)) : undefined;
    const content = asStr(body.content) ?? '';
    const now = Date.now();
    const message: FakeMessage = {
      id: opts.id ?? this.ids.next(),
      channelId: channel.id,
      guildId: channel.guildId,
      type: opts.type ?? (replyTo ? 19 : 0),
      author: opts.author ?? this.bot,
      content,
      embeds: asArr(body.embeds).map((e) => ({ type: 'rich', ...asObj(e) })),
      components: asArr(body.components),
      attachments: this.attachmentsFor(body, files, channel.id),
      flags: opts.flags ?? (typeof body.flags === 'number' ? body.flags : 0),
      tts: body.tts === true,
      ...(body.nonce !== undefined && body.nonce !== null ? { nonce: body.nonce as string | number } : {}),
      createdAt: now,
      editedAt: null,
      payload: body,
      allowedMentions: body.allowed_mentions,
      mentions: this.computeMentions(content, body.allowed_mentions, channel, replyTo),
      edits: [],
      ephemeral: opts.ephemeral ?? false,
      deleted: false,
      source: opts.source,
      ...(opts.interaction ? { interactionId: opts.interaction.id, webhookId: this.applicationId } : {}),
      ...(replyTo ? { reference: { message_id: replyTo.id, channel_id: replyTo.channelId } } : {}),
    };
    if (channel.thread) {
      message.position = channel.thread.totalMessageSent;
      channel.thread.totalMessageSent++;
      if (opts.source !== 'forum-starter') channel.thread.messageCount++;
    }
    if (!message.ephemeral) channel.lastMessageId = message.id;
    let list = this.messagesByChannel.get(channel.id);
    if (!list) {
      list = [];
      this.messagesByChannel.set(channel.id, list);
    }
    list.push(message);
    this.messageMap.set(message.id, message);
    // A member's message is not a payload anyone sent through the API.
    if (!opts.placeholder && opts.source !== 'user') {
      this.messagePayloads.push({
        kind: 'create',
        messageId: message.id,
        channelId: channel.id,
        payload: body,
        allowedMentions: body.allowed_mentions,
      });
    }
    if (!message.ephemeral) {
      this.dispatchEvent(
        'MESSAGE_CREATE',
        { ...this.messageJson(message, true), guild_id: channel.guildId },
        GatewayIntent.GuildMessages,
      );
    }
    this.changed();
    return message;
  }

  private editMessage(
    m: FakeMessage,
    body: Json,
    files: RecordedFile[],
    completesDeferral = false,
  ): FakeMessage {
    const errs = new FormErrors();
    this.validateMessage(body, [], errs);
    errs.throwIfAny();
    const channel = this.channelMap.get(m.channelId)!;
    const next = {
      content: body.content !== undefined ? (asStr(body.content) ?? '') : m.content,
      embeds:
        body.embeds !== undefined ? asArr(body.embeds).map((e) => ({ type: 'rich', ...asObj(e) })) : m.embeds,
      components: body.components !== undefined ? asArr(body.components) : m.components,
    };
    let attachments = m.attachments;
    if (body.attachments !== undefined || files.length) {
      // `attachments` lists what to keep (by id) plus metadata for new uploads.
      const keep = asArr(body.attachments).map((a) => String(asObj(a).id));
      attachments = [
        ...m.attachments.filter((a) => keep.includes(a.id)),
        ...this.attachmentsFor(body, files, m.channelId),
      ];
    }
    if (!next.content.trim() && !next.embeds.length && !next.components.length && !attachments.length) {
      throw new ApiError(400, 50006);
    }
    m.content = next.content;
    m.embeds = next.embeds;
    m.components = next.components;
    m.attachments = attachments;
    if (typeof body.flags === 'number') {
      // Only SUPPRESS_EMBEDS can be toggled by an edit; state flags such as EPHEMERAL are kept.
      m.flags = (m.flags & ~4) | (body.flags & 4);
    }
    if (completesDeferral) {
      m.flags &= ~MessageFlag.Loading;
      m.allowedMentions = body.allowed_mentions;
      m.payload = body;
    } else {
      m.editedAt = Date.now();
      m.edits.push({ at: m.editedAt, payload: body, allowedMentions: body.allowed_mentions });
    }
    const allowed = body.allowed_mentions !== undefined ? body.allowed_mentions : m.allowedMentions;
    m.mentions = this.computeMentions(m.content, allowed, channel);
    this.messagePayloads.push({
      kind: 'edit',
      messageId: m.id,
      channelId: m.channelId,
      payload: body,
      allowedMentions: body.allowed_mentions,
    });
    if (!m.ephemeral) {
      this.dispatchEvent(
        'MESSAGE_UPDATE',
        { ...this.messageJson(m), guild_id: m.guildId },
        GatewayIntent.GuildMessages,
      );
    }
    this.changed();
    return m;
  }

  // -------------------------------------------------------------------------------------------------------
  // Threads

  private validateThreadBody(body: Json, errs: FormErrors): number {
    errs.length(['name'], body.name, 1, 100);
    const duration = body.auto_archive_duration ?? 1440;
    if (typeof duration !== 'number' || !AUTO_ARCHIVE_DURATIONS.includes(duration)) {
      errs.add(
        ['auto_archive_duration'],
        'BASE_TYPE_CHOICES',
        'Value must be one of {60, 1440, 4320, 10080}.',
      );
    }
    return typeof duration === 'number' ? duration : 1440;
  }

  private createThread(
    parent: FakeChannel,
    id: string,
    type: number,
    body: Json,
    duration: number,
    tags: string[] = [],
  ): FakeChannel {
    const now = Date.now();
    const thread: FakeChannel = {
      id,
      guildId: parent.guildId,
      type,
      name: String(body.name),
      position: 0,
      parentId: parent.id,
      topic: null,
      nsfw: parent.nsfw,
      flags: 0,
      rateLimitPerUser: typeof body.rate_limit_per_user === 'number' ? body.rate_limit_per_user : 0,
      overwrites: [],
      availableTags: [],
      lastMessageId: null,
      thread: {
        ownerId: this.bot.id,
        archived: false,
        locked: false,
        autoArchiveDuration: duration,
        archiveTimestamp: now,
        createdAt: now,
        appliedTags: tags,
        messageCount: 0,
        totalMessageSent: 0,
        invitable: body.invitable !== false,
      },
    };
    this.channelMap.set(id, thread);
    return thread;
  }

  private threadCreated(thread: FakeChannel): Json {
    const member = { id: thread.id, user_id: this.bot.id, join_timestamp: iso(Date.now()), flags: 1 };
    const json = { ...this.channelJson(thread), member };
    this.dispatchEvent('THREAD_CREATE', { ...json, newly_created: true }, GatewayIntent.Guilds);
    this.changed();
    return json;
  }

  private threadFromMessage({ params, body: rawBody }: Ctx): Json {
    const channel = this.requireChannel(params.channelId);
    if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) {
      throw new ApiError(400, 50024);
    }
    const message = this.requireMessage(channel.id, params.messageId!);
    this.requirePermission(channel, Permission.CreatePublicThreads);
    if (message.threadId) throw new ApiError(400, 160004);
    const body = asObj(rawBody);
    const errs = new FormErrors();
    const duration = this.validateThreadBody(body, errs);
    errs.throwIfAny();
    const type =
      channel.type === ChannelType.GuildAnnouncement
        ? ChannelType.AnnouncementThread
        : ChannelType.PublicThread;
    // A thread started from a message shares the message's id.
    const thread = this.createThread(channel, message.id, type, body, duration);
    message.threadId = thread.id;
    message.flags |= MessageFlag.HasThread;
    const json = this.threadCreated(thread);
    this.dispatchEvent(
      'MESSAGE_UPDATE',
      { ...this.messageJson(message), guild_id: message.guildId },
      GatewayIntent.GuildMessages,
    );
    return json;
  }

  private threadWithoutMessage(channel: FakeChannel, { body: rawBody }: Ctx): Json {
    if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) {
      throw new ApiError(400, 50024);
    }
    const body = asObj(rawBody);
    const errs = new FormErrors();
    const duration = this.validateThreadBody(body, errs);
    // Discord still defaults to a private thread when `type` is omitted.
    const type =
      channel.type === ChannelType.GuildAnnouncement
        ? ChannelType.AnnouncementThread
        : typeof body.type === 'number'
          ? body.type
          : ChannelType.PrivateThread;
    if (
      channel.type === ChannelType.GuildText &&
      type !== ChannelType.PublicThread &&
      type !== ChannelType.PrivateThread
    ) {
      errs.add(['type'], 'BASE_TYPE_CHOICES', 'Value must be one of {11, 12}.');
    }
    errs.throwIfAny();
    this.requirePermission(
      channel,
      type === ChannelType.PrivateThread ? Permission.CreatePrivateThreads : Permission.CreatePublicThreads,
    );
    return this.threadCreated(this.createThread(channel, this.ids.next(), type, body, duration));
  }

  private forumPost(forum: FakeChannel, { body: rawBody, files }: Ctx): Json {
    this.requirePermission(forum, Permission.SendMessages);
    const body = asObj(rawBody);
    const errs = new FormErrors();
    const duration = this.validateThreadBody(body, errs);
    if (!isObj(body.message)) errs.add(['message'], 'BASE_TYPE_REQUIRED', 'This field is required');
    const message = asObj(body.message);
    this.validateMessage(message, ['message'], errs);
    const tags = asArr(body.applied_tags).map(String);
    for (const [i, t] of tags.entries()) {
      if (!forum.availableTags.some((x) => x.id === t))
        errs.add(['applied_tags', i], 'BASE_TYPE_CHOICES', 'Unknown tag.');
    }
    if (tags.length > 5) errs.add(['applied_tags'], 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
    errs.throwIfAny();
    if (forum.flags & ChannelFlag.RequireTag && tags.length === 0) throw new ApiError(400, 40067);
    this.requireNotEmpty(message, files);
    // The starter message and the post share one id.
    const id = this.ids.next();
    const thread = this.createThread(forum, id, ChannelType.PublicThread, body, duration, tags);
    forum.lastMessageId = id;
    const starter = this.createMessage(thread, message, files, { source: 'forum-starter', id });
    const json = this.threadCreated(thread);
    return { ...json, message: this.messageJson(starter) };
  }

  private patchChannel({ params, body: rawBody }: Ctx): Json {
    const channel = this.requireChannel(params.channelId);
    const body = asObj(rawBody);
    const errs = new FormErrors();
    if (body.name !== undefined) errs.length(['name'], body.name, 1, 100);
    errs.throwIfAny();
    if (channel.thread) {
      const owner = channel.thread.ownerId === this.bot.id;
      if (!owner) this.requirePermission(channel, Permission.ManageThreads);
      if (typeof body.archived === 'boolean') {
        channel.thread.archived = body.archived;
        channel.thread.archiveTimestamp = Date.now();
      }
      if (typeof body.locked === 'boolean') {
        this.requirePermission(channel, Permission.ManageThreads);
        channel.thread.locked = body.locked;
      }
      if (typeof body.auto_archive_duration === 'number')
        channel.thread.autoArchiveDuration = body.auto_archive_duration;
      if (Array.isArray(body.applied_tags)) channel.thread.appliedTags = body.applied_tags.map(String);
    } else {
      this.requirePermission(channel, Permission.ManageChannels);
      if (typeof body.topic === 'string' || body.topic === null) channel.topic = body.topic as string | null;
    }
    if (typeof body.name === 'string') channel.name = body.name;
    const json = this.channelJson(channel);
    this.dispatchEvent(channel.thread ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE', json, GatewayIntent.Guilds);
    this.changed();
    return json;
  }

  // -------------------------------------------------------------------------------------------------------
  // Interaction responses

  private interactionCallback({ params, body: rawBody, files, query }: Ctx): Reply {
    const interaction = this.interactionsByToken.get(params.token!);
    if (!interaction || interaction.id !== params.interactionId) throw new ApiError(404, 10062);
    if (interaction.acknowledged) throw new ApiError(400, 40060);
    if (Date.now() - interaction.createdAt > this.opts.interactionAckTimeoutMs)
      throw new ApiError(404, 10062);
    const body = asObj(rawBody);
    const type = typeof body.type === 'number' ? body.type : -1;
    const data = asObj(body.data);
    const allowed =
      interaction.type === InteractionType.Autocomplete
        ? [CallbackType.AutocompleteResult]
        : [CallbackType.ChannelMessage, CallbackType.DeferredChannelMessage, CallbackType.Modal];
    const errs = new FormErrors();
    if (!(allowed as number[]).includes(type)) {
      errs.add(
        ['type'],
        'INTERACTION_RESPONSE_TYPE_INVALID',
        'Interaction response type is invalid for this interaction.',
      );
      errs.throwIfAny();
    }
    const channel = this.channelMap.get(interaction.channelId)!;
    let message: FakeMessage | undefined;
    if (type === CallbackType.ChannelMessage) {
      this.validateMessage(data, ['data'], errs);
      errs.throwIfAny();
      this.requireNotEmpty(data, files);
      const ephemeral = typeof data.flags === 'number' && (data.flags & MessageFlag.Ephemeral) !== 0;
      message = this.createMessage(channel, data, files, {
        source: 'interaction-reply',
        type: 20,
        ephemeral,
        interaction,
      });
    } else if (type === CallbackType.DeferredChannelMessage) {
      const ephemeral = typeof data.flags === 'number' && (data.flags & MessageFlag.Ephemeral) !== 0;
      message = this.createMessage(channel, {}, [], {
        source: 'interaction-reply',
        type: 20,
        ephemeral,
        interaction,
        flags: MessageFlag.Loading | (ephemeral ? MessageFlag.Ephemeral : 0),
        placeholder: true,
      });
    } else if (type === CallbackType.AutocompleteResult) {
      const choices = asArr(data.choices);
      if (choices.length > 25)
        errs.add(['data', 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
      for (const [i, c] of choices.entries()) {
        const choice = asObj(c);
        errs.length(['data', 'choices', i, 'name'], choice.name, 1, 100);
        if (typeof choice.value === 'string')
          errs.length(['data', 'choices', i, 'value'], choice.value, 0, 100);
        else if (typeof choice.value !== 'number')
          errs.add(['data', 'choices', i, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
      }
      errs.throwIfAny();
    }
    interaction.original = message;
    interaction.callbacks.push({ type, data, files, at: Date.now() });
    this.changed();
    if (query.get('with_response') !== 'true') return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: interaction.id,
          type: interaction.type,
          ...(message
            ? {
                response_message_id: message.id,
                response_message_loading: (message.flags & MessageFlag.Loading) !== 0,
                response_message_ephemeral: message.ephemeral,
              }
            : {}),
        },
        resource: { type, ...(message ? { message: this.messageJson(message) } : {}) },
      },
    };
  }

  private webhookInteraction(params: Record<string, string>): FakeInteraction {
    const interaction = this.interactionsByToken.get(params.token!);
    if (params.appId !== this.applicationId || !interaction) throw new ApiError(404, 10015);
    // Interaction tokens stay valid for 15 minutes.
    if (Date.now() - interaction.createdAt > 15 * 60_000) throw new ApiError(401, 50027);
    if (!interaction.acknowledged) throw new ApiError(404, 10015);
    return interaction;
  }

  private webhookMessage({ params }: Ctx): FakeMessage {
    const interaction = this.webhookInteraction(params);
    const m =
      params.messageId === '@original'
        ? interaction.original
        : [interaction.original, ...interaction.followUps].find((x) => x?.id === params.messageId);
    if (!m || m.deleted) throw new ApiError(404, 10008);
    return m;
  }

  private webhookEdit(ctx: Ctx): Json {
    const m = this.webhookMessage(ctx);
    const completes = (m.flags & MessageFlag.Loading) !== 0;
    return this.messageJson(this.editMessage(m, asObj(ctx.body), ctx.files, completes));
  }

  private webhookExecute({ params, body: rawBody, files, query }: Ctx): Reply {
    const interaction = this.webhookInteraction(params);
    const body = asObj(rawBody);
    const original = interaction.original;
    let message: FakeMessage;
    if (original && original.flags & MessageFlag.Loading) {
      // The first follow-up after a deferral edits the loading message and keeps the deferral's
      // ephemeral setting, as Discord does for backwards compatibility.
      message = this.editMessage(original, body, files, true);
    } else {
      const errs = new FormErrors();
      this.validateMessage(body, [], errs);
      errs.throwIfAny();
      this.requireNotEmpty(body, files);
      const channel = this.channelMap.get(interaction.channelId)!;
      const ephemeral = typeof body.flags === 'number' && (body.flags & MessageFlag.Ephemeral) !== 0;
      message = this.createMessage(channel, body, files, {
        source: 'interaction-followup',
        type: 20,
        ephemeral,
        interaction,
      });
      interaction.followUps.push(message);
      this.changed();
    }
    return query.get('wait') === 'true' ? { status: 200, body: this.messageJson(message) } : { status: 204 };
  }

  // -------------------------------------------------------------------------------------------------------
  // Gateway

  private onGateway(ws: WebSocket, req: IncomingMessage): void {
    const conn: GatewayConnection = { ws, session: null };
    this.connections.add(conn);
    this.gatewayLog.connections++;
    ws.on('close', (code) => {
      this.connections.delete(conn);
      const session = conn.session;
      if (session && session.conn === conn) {
        session.conn = null;
        // A normal close ends the session; any other code leaves it resumable.
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
      this.changed();
    });
    ws.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.searchParams.get('v') !== '10') {
      this.closeConn(conn, 4012, 'Invalid API version.');
      return;
    }
    if (url.searchParams.get('encoding') !== 'json' || url.searchParams.has('compress')) {
      // Only plain JSON is modelled; discord.js without zlib-sync uses exactly that.
      this.closeConn(conn, 4002, 'Error while decoding payload.');
      return;
    }
    ws.on('message', (raw) => this.onGatewayMessage(conn, String(raw)));
    this.send(conn, {
      op: 10,
      d: { heartbeat_interval: this.opts.heartbeatIntervalMs, _trace: ['["fake-gateway"]'] },
    });
  }

  private send(conn: GatewayConnection, payload: Json): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify({ s: null, t: null, ...payload }));
  }

  private closeConn(conn: GatewayConnection, code: number, reason: string): void {
    this.gatewayLog.closes.push(code);
    conn.ws.close(code, reason);
  }

  private onGatewayMessage(conn: GatewayConnection, raw: string): void {
    let payload: Json;
    try {
      payload = asObj(JSON.parse(raw));
    } catch {
      this.closeConn(conn, 4002, 'Error while decoding payload.');
      return;
    }
    const d = asObj(payload.d);
    switch (payload.op) {
      case 1:
        this.gatewayLog.heartbeats++;
        if (this.opts.ackHeartbeats) this.send(conn, { op: 11 });
        this.changed();
        return;
      case 2:
        this.identify(conn, d);
        return;
      case 6:
        this.resume(conn, d);
        return;
    }
    if (!conn.session) {
      this.closeConn(conn, 4003, 'Not authenticated.');
      return;
    }
    switch (payload.op) {
      case 3: // presence update
      case 4: // voice state update
        return;
      case 8: {
        const guild = this.guildMap.get(String(d.guild_id));
        if (!guild) return;
        this.dispatchTo(conn.session, 'GUILD_MEMBERS_CHUNK', {
          guild_id: guild.id,
          members: [...guild.members.values()].map((m) => this.memberJson(m)),
          chunk_index: 0,
          chunk_count: 1,
          ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
        });
        return;
      }
      default:
        this.closeConn(conn, 4001, 'Unknown opcode.');
    }
  }

  private identify(conn: GatewayConnection, d: Json): void {
    if (conn.session) {
      this.closeConn(conn, 4005, 'Already authenticated.');
      return;
    }
    if (d.token !== this.token) {
      this.closeConn(conn, 4004, 'Authentication failed.');
      return;
    }
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0) {
      this.closeConn(conn, 4013, 'Invalid intent(s).');
      return;
    }
    if (intents & PRIVILEGED_INTENTS & ~this.opts.privilegedIntents) {
      this.closeConn(conn, 4014, 'Disallowed intent(s).');
      return;
    }
    const shard = d.shard;
    if (shard !== undefined && !(Array.isArray(shard) && shard[0] === 0 && shard[1] === 1)) {
      this.closeConn(conn, 4010, 'Invalid shard.');
      return;
    }
    this.gatewayLog.identifies.push({ intents, properties: d.properties, shard, at: Date.now() });
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      intents,
      seq: 0,
      conn,
      frames: [],
    };
    this.sessions.set(session.id, session);
    conn.session = session;
    const guilds = [...this.guildMap.values()];
    this.dispatchTo(session, 'READY', {
      v: 10,
      user_settings: {},
      user: { ...this.userJson(this.bot), verified: true, mfa_enabled: false, email: null },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.gatewayUrl,
      shard: [0, 1],
      application: { id: this.applicationId, flags: this.applicationFlags },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth_session_id_hash: '',
      _trace: ['["fake-gateway"]'],
    });
    // Without the Guilds intent Discord sends no GUILD_CREATE, and discord.js does not wait for one.
    if (intents & GatewayIntent.Guilds) {
      for (const g of guilds) this.dispatchTo(session, 'GUILD_CREATE', this.gatewayGuildJson(g));
    }
    this.changed();
  }

  private resume(conn: GatewayConnection, d: Json): void {
    if (conn.session) {
      this.closeConn(conn, 4005, 'Already authenticated.');
      return;
    }
    if (d.token !== this.token) {
      this.closeConn(conn, 4004, 'Authentication failed.');
      return;
    }
    const session = this.sessions.get(String(d.session_id));
    if (!session) {
      this.send(conn, { op: 9, d: false });
      return;
    }
    if (session.conn && session.conn !== conn)
      this.closeConn(session.conn, 4000, 'Session resumed elsewhere.');
    session.conn = conn;
    conn.session = session;
    this.gatewayLog.resumes++;
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    for (const frame of session.frames) if (frame.s > seq) conn.ws.send(frame.raw);
    this.dispatchTo(session, 'RESUMED', { _trace: ['["fake-gateway"]'] });
    this.changed();
  }

  private dispatchTo(session: GatewaySession, event: string, data: unknown): void {
    session.seq++;
    const raw = JSON.stringify({ op: 0, t: event, s: session.seq, d: data });
    session.frames.push({ s: session.seq, raw });
    if (session.frames.length > 1000) session.frames.shift();
    if (session.conn && session.conn.ws.readyState === WebSocket.OPEN) session.conn.ws.send(raw);
  }

  private dispatchEvent(event: string, data: unknown, intent?: number): void {
    for (const session of this.sessions.values()) {
      if (intent !== undefined && (session.intents & intent) === 0) continue;
      this.dispatchTo(session, event, data);
    }
  }

  private changed(): void {
    this.events.emit('change');
  }
}
