/** The OAuth `state` of Slack installs: signed, short-lived, and good for one install only. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { InstallURLOptions, StateStore } from '@slack/bolt';
import type { Store } from '../../store/index.js';

/** Slack's own code for a state that does not verify, so that the failure page can tell it apart. */
export const INVALID_STATE = 'slack_oauth_invalid_state';

export class InvalidInstallState extends Error {
  readonly code = INVALID_STATE;
}

interface StatePayload {
  /** Random: names this state among those used. */
  nonce: string;
  /** When the install page made it, epoch ms. */
  issued: number;
  options: InstallURLOptions;
}

/**
 * Bolt's default state is signed and runs out after ten minutes, but within those minutes it can be replayed:
 * a callback URL seen once (a browser history, a proxy log) would install again. This one is also recorded as
 * used, in the store, before the install goes ahead, and refused after that.
 */
export class OneTimeStateStore implements StateStore {
  /** States being checked now: two callbacks with one state at once must not both pass. */
  private readonly checking = new Set<string>();

  constructor(
    private readonly secret: string,
    private readonly store: () => Store,
    private readonly ttlMs = 600_000,
  ) {}

  async generateStateParam(options: InstallURLOptions, now: Date): Promise<string> {
    const payload: StatePayload = {
      nonce: randomBytes(16).toString('base64url'),
      issued: now.getTime(),
      options,
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  async verifyStateParam(now: Date, state: string): Promise<InstallURLOptions> {
    const [body, mac, extra] = state.split('.');
    if (!body || !mac || extra !== undefined || !sameText(mac, this.sign(body)))
      throw new InvalidInstallState('the state parameter was not made by this app');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as StatePayload;
    const age = now.getTime() - payload.issued;
    if (!(age >= 0 && age <= this.ttlMs)) throw new InvalidInstallState('the install link has run out');
    const key = `oauth-state:${payload.nonce}`;
    const used = this.store().ns<true>('installations');
    const usedAlready = new InvalidInstallState('the install link was used already');
    if (this.checking.has(key)) throw usedAlready;
    this.checking.add(key);
    try {
      if (await used.get(key)) throw usedAlready;
      // Kept as long as the state could otherwise pass, then it goes by itself.
      await used.set(key, true, this.ttlMs - age + 1000);
    } finally {
      this.checking.delete(key);
    }
    return payload.options;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
