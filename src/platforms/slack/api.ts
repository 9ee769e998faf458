/**
 * Web API calls for delivery, with retries that never duplicate a post. web-api itself would retry a
 * chat.postMessage whose answer was lost (5xx, time-out) and post it twice, so its retries are off and this
 * layer decides: a 429 is waited out (nothing was posted), a refusal becomes a PlatformError, and an unknown
 * outcome is settled by looking for the post's metadata before trying again.
 */
import { webApi } from '@slack/bolt';
import { CLOCK_SKEW_MS, PlatformError, type PlatformErrorKind } from '../../deliver/platform.js';
import type { Logger } from '../../log.js';
import type { SlackConfig } from './config.js';

export type DeliveryTuning = SlackConfig['delivery'];

/** Metadata event types: every top-level post (stories, notices), and every thread reply we make. */
export const TOP_LEVEL_EVENT = 'threadline_story';
export const REPLY_EVENT = 'threadline_reply';

export interface SlackMessage {
  ts?: string;
  bot_id?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

type Args = Record<string, unknown>;

/** Pages of history searched when the time of the post is known: everything since then, up to this much. */
const PAGES_SINCE = 20;

/** A refusal Slack answered with `ok: false`, keeping the error code for callers that care. */
export class SlackPlatformError extends PlatformError {
  constructor(
    message: string,
    kind: PlatformErrorKind,
    readonly code: string,
  ) {
    super(message, kind);
  }
}

const GONE = new Set(['channel_not_found', 'is_archived', 'channel_is_archived']);
const FORBIDDEN = new Set([
  'not_in_channel',
  'missing_scope',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'cannot_reply_to_message',
  'ekm_access_denied',
  'no_permission',
  'access_denied',
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'team_access_not_granted',
  'not_allowed_token_type',
  'org_login_required',
]);
const RATE_LIMITED = new Set(['ratelimited', 'rate_limited', 'message_limit_exceeded']);

/** The reason shown with a paused channel (`/threadline list`), naming the fix where there is one. */
export function describeSlackError(code: string): string {
  switch (code) {
    case 'channel_not_found':
      return 'Slack says this channel does not exist or the app cannot see it (channel_not_found)';
    case 'is_archived':
    case 'channel_is_archived':
      return 'the channel is archived (is_archived)';
    case 'not_in_channel':
      return 'the app is not a member of this channel; invite it with /invite (not_in_channel)';
    case 'missing_scope':
      return 'the app lacks a permission; reinstall it with the scopes in docs/slack.md (missing_scope)';
    case 'invalid_auth':
    case 'not_authed':
    case 'account_inactive':
    case 'token_revoked':
    case 'token_expired':
      return `the app's token is no longer valid; reinstall the app (${code})`;
    default:
      return `Slack refused the post (${code})`;
  }
}

export function slackError(code: string, method: string): SlackPlatformError {
  const kind: PlatformErrorKind = GONE.has(code)
    ? 'gone'
    : FORBIDDEN.has(code)
      ? 'forbidden'
      : RATE_LIMITED.has(code)
        ? 'rate-limited'
        : 'transient';
  const message = kind === 'transient' ? `${method}: Slack answered ${code}` : describeSlackError(code);
  return new SlackPlatformError(message, kind, code);
}

type Outcome =
  | { kind: 'refused'; code: string }
  | { kind: 'rate-limited'; retryAfter: number }
  /** The call may or may not have taken effect: a 5xx, a time-out, a dropped connection. */
  /** `answered`: Slack answered (a 5xx); otherwise no answer came in time and the call may still be under way. */
  | { kind: 'unknown'; detail: string; answered: boolean };

function classify(err: unknown): Outcome {
  const e = err as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number };
  if (e?.code === webApi.ErrorCode.RateLimitedError)
    return { kind: 'rate-limited', retryAfter: e.retryAfter ?? 1 };
  if (e?.code === webApi.ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    // An `ok: false` rate limit answer means nothing was posted either.
    return RATE_LIMITED.has(code) ? { kind: 'rate-limited', retryAfter: 1 } : { kind: 'refused', code };
  }
  if (e?.code === webApi.ErrorCode.HTTPError)
    return { kind: 'unknown', detail: `HTTP ${e.statusCode}`, answered: true };
  return { kind: 'unknown', detail: err instanceof Error ? err.message : String(err), answered: false };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SlackApi {
  readonly client: webApi.WebClient;

  constructor(
    token: string,
    private readonly tuning: DeliveryTuning,
    private readonly logger: Logger,
    opts: { apiUrl?: string; clientLogger?: webApi.WebClientOptions['logger'] } = {},
  ) {
    this.client = new webApi.WebClient(token, {
      ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
      ...(opts.clientLogger ? { logger: opts.clientLogger } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: tuning.timeoutMs,
    });
  }

  /**
   * Calls `method`, retrying rate limits and unknown outcomes. When the outcome is unknown, `settle` (if
   * given) looks for the effect; a found effect ends the call, otherwise it is tried again. Without `settle`
   * the call must be safe to repeat.
   */
  async call<T = Args>(method: string, args: Args, settle?: () => Promise<T | undefined>): Promise<T> {
    const { attempts, backoffMs, maxRateLimitWaitSeconds } = this.tuning;
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return (await this.client.apiCall(method, args)) as T;
      } catch (err) {
        const outcome = classify(err);
        if (outcome.kind === 'refused') throw slackError(outcome.code, method);
        if (outcome.kind === 'rate-limited') {
          last = `rate limited for ${outcome.retryAfter} s`;
          if (outcome.retryAfter > maxRateLimitWaitSeconds || attempt === attempts) {
            throw new PlatformError(`${method}: ${last}`, 'rate-limited');
          }
          this.logger.info({ method, retryAfter: outcome.retryAfter }, 'slack rate limit, waiting');
          await sleep(outcome.retryAfter * 1000);
          continue;
        }
        last = outcome.detail;
        this.logger.warn({ method, attempt, detail: outcome.detail }, 'slack call outcome unknown');
        if (settle) {
          const found = await settle();
          if (found !== undefined) return found;
          if (!outcome.answered && attempt < attempts) {
            // No answer came: Slack may still be carrying the call out. Look again once it would have finished,
            // or a post committed late would be posted twice.
            await sleep(this.tuning.timeoutMs);
            const late = await settle();
            if (late !== undefined) return late;
          }
        }
        if (attempt < attempts) await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
    throw new PlatformError(`${method} failed after ${attempts} attempts: ${last}`, 'transient');
  }

  /** Posts a message once: after an unknown outcome, `find` looks for it before it is posted again. */
  async post(args: Args, find: () => Promise<string | undefined>): Promise<string> {
    const res = await this.call<{ ts?: string }>('chat.postMessage', args, async () => {
      const ts = await find();
      return ts === undefined ? undefined : { ts };
    });
    if (!res.ts) throw new PlatformError('chat.postMessage answered without a ts', 'transient');
    return res.ts;
  }

  /**
   * Our top-level message carrying `key` in its metadata: among all posted since `since` (epoch ms), or
   * without it in the channel's latest `historyPages` pages.
   */
  async findTopLevel(channel: string, key: string, since?: number): Promise<SlackMessage | undefined> {
    let cursor: string | undefined;
    const pages = since === undefined ? this.tuning.historyPages : PAGES_SINCE;
    const oldest = since === undefined ? undefined : (Math.max(0, since - CLOCK_SKEW_MS) / 1000).toFixed(6);
    for (let page = 0; page < pages; page++) {
      const res = await this.call<{
        messages?: SlackMessage[];
        response_metadata?: { next_cursor?: string };
      }>('conversations.history', {
        channel,
        limit: 100,
        include_all_metadata: true,
        ...(oldest ? { oldest } : {}),
        ...(cursor ? { cursor } : {}),
      });
      const hit = res.messages?.find(
        (m) =>
          m.bot_id && m.metadata?.event_type === TOP_LEVEL_EVENT && m.metadata.event_payload?.key === key,
      );
      if (hit) return hit;
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /** The thread replies we posted under `key`, by part number. */
  async replyParts(channel: string, threadTs: string, key: string): Promise<Map<number, string>> {
    const parts = new Map<number, string>();
    let cursor: string | undefined;
    // Threads hold one story and its updates, so a few pages of 200 cover any real one.
    for (let page = 0; page < 10; page++) {
      const res = await this.call<{
        messages?: SlackMessage[];
        response_metadata?: { next_cursor?: string };
      }>('conversations.replies', {
        channel,
        ts: threadTs,
        limit: 200,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      });
      for (const m of res.messages ?? []) {
        const payload = m.metadata?.event_payload;
        if (m.bot_id && m.ts && m.metadata?.event_type === REPLY_EVENT && payload?.key === key) {
          parts.set(Number(payload.part), m.ts);
        }
      }
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return parts;
  }
}
