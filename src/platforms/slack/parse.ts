/** Parsing of the management command's text (`/threadline subscribe …`), independent of Bolt. */
import { isValidTimeZone, parseClockTime } from '../../deliver/zoned-time.js';
import { unwrapFeedScheme } from '../../ingest/normalize.js';

export type ManageCommand =
  | { op: 'help' }
  | { op: 'list' }
  | { op: 'export' }
  | { op: 'subscribe-feed'; url: string }
  | { op: 'subscribe-topic'; topic: string }
  | { op: 'unsubscribe'; target?: string }
  | {
      op: 'digest';
      time?: string;
      timezone?: string;
      mode?: 'realtime' | 'daily' | 'both';
      minSources?: number;
      /** A time was given without a mode: it turns daily digests on where they are off. */
      dailyIfOff?: boolean;
    }
  | { op: 'import'; source: { kind: 'url'; url: string } | { kind: 'slack-file'; fileId: string } }
  | { op: 'invalid'; error: string };

/** Subcommands that change a channel's settings, and so need the configure permission. */
export const CONFIGURING: ReadonlySet<ManageCommand['op']> = new Set([
  'subscribe-feed',
  'subscribe-topic',
  'unsubscribe',
  'digest',
  'import',
]);

/** Subcommands that show the channel's feed addresses, which can carry access keys: configurers only too. */
export const SHOWING_FEEDS: ReadonlySet<ManageCommand['op']> = new Set(['list', 'export']);

const MODES = ['realtime', 'daily', 'both'] as const;

/**
 * Slack may send a link as `<https://x|label>` or `<https://x>` (when the command escapes links); people
 * paste them with angle brackets too. This returns the bare target.
 */
export function unwrapLink(text: string): string {
  const m = /^<([^|>]+)(?:\|[^>]*)?>$/.exec(text.trim());
  return (m?.[1] ?? text).trim();
}

/**
 * A command's text as typed: Slack sends `&`, `<` and `>` typed by the user as `&amp;`, `&lt;` and `&gt;`
 * (its own links keep real angle brackets), so `AT&T` or a feed URL with `&` in its query arrive escaped.
 */
export function commandText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * A single token that names a web address: `https://…`, or a bare host such as `example.com/feed` or
 * `bücher.example/feed`.
 */
function asUrl(text: string): string | undefined {
  if (/^https?:\/\//i.test(text)) return text;
  if (/^feed:(?:\/\/|https?:\/\/)/i.test(text)) return unwrapFeedScheme(text);
  if (
    /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+(:\d+)?(\/\S*)?$/u.test(text) &&
    /\.\p{L}{2,}(?=[:/]|$)/u.test(text)
  ) {
    return `https://${text}`;
  }
  return undefined;
}

/** A Slack file ID (F…) or a file permalink (`https://team.slack.com/files/U…/F…/name`). */
function slackFileId(text: string): string | undefined {
  if (/^F[A-Z0-9]{6,}$/.test(text)) return text;
  const m = /^https:\/\/[^/]+\.slack\.com\/files\/[^/]+\/(F[A-Z0-9]{6,})(?:\/|$)/.exec(text);
  return m?.[1];
}

function parseDigest(args: string[]): ManageCommand {
  if (!args.length) {
    return {
      op: 'invalid',
      error: 'give a time and optionally a time zone and mode, for example: digest 08:00 Europe/Berlin daily',
    };
  }
  const out: Omit<Extract<ManageCommand, { op: 'digest' }>, 'op'> = {};
  for (const arg of args) {
    const lower = arg.toLowerCase();
    if (lower === 'off') out.mode = 'realtime';
    else if ((MODES as readonly string[]).includes(lower)) out.mode = lower as (typeof MODES)[number];
    else if (/^\d{1,2}[:.h]\d{2}$/.test(arg)) {
      const time = arg.replace(/[.h]/, ':');
      if (!parseClockTime(time))
        return { op: 'invalid', error: `"${arg}" is not a time: use HH:MM, for example 08:00` };
      out.time = time;
    } else if (isValidTimeZone(arg)) out.timezone = arg;
    else {
      return {
        op: 'invalid',
        error: `"${arg}" is not a time (08:00), an IANA time zone (Europe/Berlin) or a mode (daily, both, off)`,
      };
    }
  }
  // A digest time alone turns daily digests on in a realtime channel, and keeps the mode of one that has them
  // ("both" keeps its realtime posts).
  if (out.time && !out.mode) out.dailyIfOff = true;
  return { op: 'digest', ...out };
}

export function parseManageCommand(text: string): ManageCommand {
  const trimmed = commandText(text).trim();
  const [head = '', ...rest] = trimmed.split(/\s+/);
  const sub = head.toLowerCase();
  const arg = trimmed.slice(head.length).trim();
  switch (sub) {
    case '':
    case 'help':
      return { op: 'help' };
    case 'list':
    case 'ls':
    case 'status':
      return { op: 'list' };
    case 'export':
      return { op: 'export' };
    case 'subscribe':
    case 'sub':
    case 'follow': {
      if (!arg) return { op: 'invalid', error: 'give a feed URL or a topic, for example: subscribe ukraine' };
      const [kind = '', ...more] = arg.split(/\s+/);
      const value = more.join(' ');
      if (!value && kind.toLowerCase() === 'feed')
        return {
          op: 'invalid',
          error: 'give a feed URL after "feed", for example: subscribe feed example.com/rss',
        };
      if (!value && kind.toLowerCase() === 'topic')
        return { op: 'invalid', error: 'give keywords after "topic", for example: subscribe topic ukraine' };
      if (kind.toLowerCase() === 'topic' && value) return { op: 'subscribe-topic', topic: value };
      if (kind.toLowerCase() === 'feed' && value) {
        const url = asUrl(unwrapLink(value));
        return url ? { op: 'subscribe-feed', url } : { op: 'invalid', error: `"${value}" is not a feed URL` };
      }
      const single = unwrapLink(arg);
      const url = /\s/.test(single) ? undefined : asUrl(single);
      return url ? { op: 'subscribe-feed', url } : { op: 'subscribe-topic', topic: arg };
    }
    case 'unsubscribe':
    case 'unsub':
    case 'unfollow':
    case 'remove': {
      if (!arg) {
        return {
          op: 'invalid',
          error: 'say what to drop: a feed URL or title, a topic, or "all" (see the list subcommand)',
        };
      }
      if (arg.toLowerCase() === 'all') return { op: 'unsubscribe' };
      return { op: 'unsubscribe', target: unwrapLink(arg) };
    }
    case 'digest':
      return parseDigest(rest);
    case 'mode': {
      const mode = arg.toLowerCase();
      if (!(MODES as readonly string[]).includes(mode))
        return { op: 'invalid', error: 'mode is realtime, daily or both' };
      return { op: 'digest', mode: mode as (typeof MODES)[number] };
    }
    case 'sources':
    case 'min-sources': {
      if (!/^\d+$/.test(arg))
        return { op: 'invalid', error: 'give a whole number of outlets, for example: sources 3' };
      return { op: 'digest', minSources: Number(arg) };
    }
    case 'import': {
      const target = unwrapLink(arg);
      if (!target) {
        return {
          op: 'invalid',
          error: 'give the URL of an OPML file, or upload the file to this channel and give its link',
        };
      }
      const fileId = slackFileId(target);
      if (fileId) return { op: 'import', source: { kind: 'slack-file', fileId } };
      const url = asUrl(target);
      if (!url) return { op: 'invalid', error: `"${target}" is neither a URL nor a Slack file link` };
      return { op: 'import', source: { kind: 'url', url } };
    }
    default:
      return { op: 'invalid', error: `unknown subcommand "${head}"` };
  }
}

const CONFIGURERS = {
  admins: 'workspace admins and owners',
  'channel-managers': "this channel's creator and workspace admins",
  everyone: 'everyone',
} as const;

/**
 * Help as Slack mrkdwn, saying who may use the commands for configurers (`policy`); `<` and `>` of the
 * placeholders become entities so Slack shows them.
 */
export function helpText(manage: string, story: string, policy: keyof typeof CONFIGURERS): string {
  const lines = [
    `*${story} <words>* — the latest story matching the words, e.g. \`${story} ukraine\``,
    `*${manage} help* — this list`,
    `For ${CONFIGURERS[policy]}:`,
    `*${manage} subscribe <feed URL | topic>* — follow a feed (or a web page that links one) or a topic`,
    `*${manage} unsubscribe <feed URL | title | topic | all>* — stop following`,
    `*${manage} list* — what this channel follows, and how it gets stories`,
    `*${manage} digest <HH:MM> [time zone] [daily | both | off]* — a daily digest, e.g. \`digest 08:00 Europe/Berlin\``,
    `*${manage} sources <n>* — post a story once this many outlets cover it`,
    `*${manage} import <OPML URL | Slack file link>* — follow every feed of an OPML file`,
    `*${manage} export* — this channel's feeds as OPML`,
  ];
  return lines.join('\n').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
