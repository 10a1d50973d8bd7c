export interface TeamSeed {
  id: string;
  domain: string;
  name: string;
}

export interface BotSeed {
  userId: string;
  botId: string;
  name: string;
  /** The app id Slack puts in interaction payloads (`api_app_id`). */
  appId?: string;
}

export interface UserSeed {
  id: string;
  name: string;
  realName: string;
  tz?: string;
}

export interface UsergroupSeed {
  id: string;
  handle: string;
  name: string;
  users: string[];
}

export interface ChannelSeed {
  id: string;
  name: string;
  isPrivate?: boolean;
}

export interface WorkspaceSeed {
  team: TeamSeed;
  bot: BotSeed;
  users: UserSeed[];
  usergroups: UsergroupSeed[];
  channels: ChannelSeed[];
}

export interface Channel {
  id: string;
  name: string;
  isPrivate: boolean;
  /** Set for the direct-message conversation between the bot and this user. */
  imUser?: string;
}

export interface User {
  id: string;
  name: string;
  realName: string;
  tz: string;
  isBot: boolean;
}

export const DEFAULT_WORKSPACE: WorkspaceSeed = {
  team: { id: 'T0OPSDECK', domain: 'opsdeck-sandbox', name: 'opsdeck sandbox' },
  bot: { userId: 'U0OPSDECK', botId: 'B0OPSDECK', name: 'opsdeck', appId: 'A0OPSDECK' },
  users: [
    { id: 'U0ALICE', name: 'alice', realName: 'Alice Chen', tz: 'Europe/Berlin' },
    { id: 'U0BOB', name: 'bob', realName: 'Bob Okafor', tz: 'America/New_York' },
    { id: 'U0CAROL', name: 'carol', realName: 'Carol Diaz', tz: 'UTC' },
    { id: 'U0DAVE', name: 'dave', realName: 'Dave Novak', tz: 'Asia/Tokyo' },
  ],
  usergroups: [
    { id: 'S0SRE', handle: 'sre-oncall', name: 'SRE on-call', users: ['U0BOB'] },
    { id: 'S0ENG', handle: 'eng', name: 'Engineering', users: ['U0ALICE', 'U0DAVE'] },
  ],
  channels: [
    { id: 'C0DEPLOYS', name: 'deploys' },
    { id: 'C0INCIDENT', name: 'incident' },
    { id: 'C0GENERAL', name: 'general' },
  ],
};

/** The emulated workspace: who and where, resolved the way Slack resolves ids and names. */
export class Workspace {
  readonly team: TeamSeed;
  readonly bot: Required<BotSeed>;
  readonly usergroups: readonly UsergroupSeed[];
  readonly #users = new Map<string, User>();
  readonly #channels = new Map<string, Channel>();

  constructor(seed: Partial<WorkspaceSeed> = {}) {
    const full = { ...DEFAULT_WORKSPACE, ...seed };
    this.team = { ...full.team };
    this.bot = { appId: DEFAULT_WORKSPACE.bot.appId ?? 'A0OPSDECK', ...full.bot };
    this.usergroups = full.usergroups.map((g) => ({ ...g, users: [...g.users] }));
    for (const u of full.users) this.#users.set(u.id, { tz: 'UTC', isBot: false, ...u });
    this.#users.set(this.bot.userId, {
      id: this.bot.userId,
      name: this.bot.name,
      realName: this.bot.name,
      tz: 'UTC',
      isBot: true,
    });
    for (const c of full.channels) this.#channels.set(c.id, { isPrivate: false, ...c });
  }

  get users(): User[] {
    return [...this.#users.values()];
  }

  get channels(): Channel[] {
    return [...this.#channels.values()];
  }

  /** How the bot's own messages are attributed. */
  get botAuthor(): { user: string; botId: string } {
    return { user: this.bot.userId, botId: this.bot.botId };
  }

  user(id: string): User | undefined {
    return this.#users.get(id);
  }

  usergroup(id: string): UsergroupSeed | undefined {
    return this.usergroups.find((g) => g.id === id);
  }

  /**
   * Accepts what chat.postMessage accepts: a channel id, `#name` or `name`, a DM id, or a user id (which
   * means the bot's DM with that user, opened on first use).
   */
  resolveChannel(ref: string): Channel | undefined {
    const byId = this.#channels.get(ref);
    if (byId) return byId;
    const name = ref.replace(/^#/, '');
    const byName = [...this.#channels.values()].find((c) => c.name === name && !c.imUser);
    if (byName) return byName;
    const user = this.#users.get(ref);
    if (!user || user.isBot) return undefined;
    const dm: Channel = { id: `D${user.id.slice(1)}`, name: 'directmessage', isPrivate: true, imUser: user.id };
    this.#channels.set(dm.id, dm);
    return dm;
  }
}
