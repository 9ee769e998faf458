/** Bolt's InstallationStore over our store's `installations` namespace, for multi-workspace OAuth installs. */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Store } from '../../store/index.js';

type AnyInstallation = Installation<'v1' | 'v2', boolean>;

/**
 * An org-wide (Enterprise Grid) install is one installation for every workspace of the org, keyed by the
 * enterprise id; any other install is keyed by its team id, which is unique across Slack even inside an org.
 */
function keyOf(query: { isEnterpriseInstall?: boolean; enterpriseId?: string; teamId?: string }): string {
  if (query.isEnterpriseInstall) {
    if (!query.enterpriseId) throw new Error('an org-wide installation needs an enterprise id');
    return `enterprise:${query.enterpriseId}`;
  }
  if (!query.teamId) throw new Error('a workspace installation needs a team id');
  return `team:${query.teamId}`;
}

/** The workspace an installation was stored for, or the org for an org-wide one. */
export interface Installed {
  teamId?: string;
  enterpriseId?: string;
}

export class KeyvInstallationStore implements InstallationStore {
  /**
   * The store is late-bound: the worker opens it after the Slack app is built. `onStored` hears of each
   * installation once it is saved.
   */
  constructor(
    private readonly store: () => Store,
    private readonly onStored?: (installed: Installed) => Promise<void>,
  ) {}

  private get space() {
    return this.store().ns('installations');
  }

  async storeInstallation<V extends 'v1' | 'v2'>(installation: Installation<V, boolean>): Promise<void> {
    const key = keyOf({
      isEnterpriseInstall: installation.isEnterpriseInstall,
      enterpriseId: installation.enterprise?.id,
      teamId: installation.team?.id,
    });
    await this.space.set(key, installation);
    await this.onStored?.({
      teamId: installation.isEnterpriseInstall ? undefined : installation.team?.id,
      enterpriseId: installation.enterprise?.id,
    });
  }

  /** The org a workspace was seen in with an org-wide install, if any. */
  async orgOf(teamId: string): Promise<string | undefined> {
    return (await this.space.get(`team-org:${teamId}`)) as string | undefined;
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<AnyInstallation> {
    const found = (await this.space.get(keyOf(query))) as AnyInstallation | undefined;
    if (!found) {
      const where = query.isEnterpriseInstall ? `enterprise ${query.enterpriseId}` : `team ${query.teamId}`;
      throw new Error(`Threadline is not installed in ${where}`);
    }
    return found;
  }

  /** With a user id, only that user's token is forgotten when a bot installation remains. */
  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const key = keyOf(query);
    if (query.userId) {
      const found = (await this.space.get(key)) as AnyInstallation | undefined;
      if (!found || found.user.id !== query.userId) return;
      if (found.bot) {
        await this.space.set(key, {
          ...found,
          user: { id: found.user.id, token: undefined, scopes: undefined },
        });
        return;
      }
    }
    await this.space.delete(key);
  }

  /** Records that a workspace belongs to an org with an org-wide install, so deliveries there find its token. */
  async noteOrgWorkspace(teamId: string, enterpriseId: string): Promise<void> {
    const key = `team-org:${teamId}`;
    if ((await this.space.get(key)) !== enterpriseId) await this.space.set(key, enterpriseId);
  }

  /** The bot token for deliveries to a workspace: its own install, else its org's install. */
  async botTokenFor(teamId: string): Promise<string | undefined> {
    const own = (await this.space.get(`team:${teamId}`)) as AnyInstallation | undefined;
    if (own?.bot?.token) return own.bot.token;
    const enterpriseId = (await this.space.get(`team-org:${teamId}`)) as string | undefined;
    if (!enterpriseId) return undefined;
    const org = (await this.space.get(`enterprise:${enterpriseId}`)) as AnyInstallation | undefined;
    return org?.bot?.token;
  }
}
