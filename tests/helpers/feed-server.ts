import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedEntry {
  guid: string;
  title: string;
  link: string;
  /** Full text; paragraphs become <p> elements in content:encoded. */
  body: string;
  /** Left out of the feed when absent, as some feeds do. */
  pubDate?: Date;
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Renders an RSS 2.0 document carrying full article text in content:encoded. */
export function renderRss(title: string, link: string, entries: FeedEntry[]): string {
  const items = entries
    .map((e) => {
      const html = e.body
        .split(/\n+/)
        .filter((p) => p.trim())
        .map((p) => `<p>${xmlEscape(p)}</p>`)
        .join('');
      return [
        '<item>',
        `<title>${xmlEscape(e.title)}</title>`,
        `<link>${xmlEscape(e.link)}</link>`,
        `<guid isPermaLink="false">${xmlEscape(e.guid)}</guid>`,
        e.pubDate ? `<pubDate>${e.pubDate.toUTCString()}</pubDate>` : '',
        `<description>${xmlEscape(e.body.slice(0, 280))}</description>`,
        `<content:encoded><![CDATA[${html.replace(/]]>/g, ']]]]><![CDATA[>')}]]></content:encoded>`,
        '</item>',
      ].join('');
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>${xmlEscape(title)}</title><link>${xmlEscape(link)}</link><description>${xmlEscape(title)}</description>
${items}
</channel></rss>`;
}

/**
 * A local feed server on 127.0.0.1 with ETag-based conditional GET. Feeds can be replaced while it runs,
 * and every request is recorded so tests can see what the poller sent.
 */
export class FeedServer {
  private readonly feeds = new Map<string, string>();
  private readonly redirects = new Map<string, string>();
  readonly requests: { path: string; ifNoneMatch?: string; status: number }[] = [];
  private server?: Server;
  port = 0;

  setFeed(path: string, xml: string): void {
    this.feeds.set(path, xml);
  }

  /** Answers `path` with a permanent redirect to `to` (a path on this server). */
  setRedirect(path: string, to: string): void {
    this.redirects.set(path, to);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      const to = this.redirects.get(path);
      if (to !== undefined) {
        this.requests.push({ path, status: 301 });
        res.writeHead(301, { Location: to }).end();
        return;
      }
      const body = this.feeds.get(path);
      const ifNoneMatch = req.headers['if-none-match'];
      let status = 200;
      if (body === undefined) status = 404;
      else {
        const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
        res.setHeader('ETag', etag);
        if (ifNoneMatch === etag) status = 304;
      }
      this.requests.push({ path, ifNoneMatch, status });
      res.statusCode = status;
      if (status === 200) {
        res.setHeader('Content-Type', 'application/rss+xml; charset=utf-8');
        res.end(body);
      } else res.end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
