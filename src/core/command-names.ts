/** How the slash commands are named in this workspace: `ops-` gives `/ops-deploy`; a map names each one. */
export interface CommandNaming {
  prefix?: string | undefined;
  /** By family: `{ deploy: ship }` gives `/ship`. Wins over the prefix. */
  names?: Readonly<Record<string, string>> | undefined;
}

/**
 * The slash command each family answers to. Workspaces often have a `/deploy` already, so the names are
 * configurable; the families (`deploy`, `ops`) stay what permissions, audit and metrics speak of.
 */
export class CommandNames {
  readonly #slash = new Map<string, string>();
  readonly #family = new Map<string, string>();

  constructor(families: readonly string[], naming: CommandNaming = {}) {
    for (const family of Object.keys(naming.names ?? {})) {
      if (!families.includes(family))
        throw new Error(
          `slack.commands.names.${family}: no command family ${family} (there are ${families.join(', ')})`,
        );
    }
    for (const family of families) {
      const name = (naming.names?.[family] ?? `${naming.prefix ?? ''}${family}`).replace(/^\//, '').toLowerCase();
      if (this.#family.has(name)) throw new Error(`two commands would be named /${name}`);
      this.#slash.set(family, `/${name}`);
      this.#family.set(name, family);
    }
  }

  /** `/ops-deploy` for `deploy`. */
  slash(family: string): string {
    return this.#slash.get(family) ?? `/${family}`;
  }

  /**
   * The family a typed command (without its slash) belongs to. The plain family name is understood too:
   * runbook steps and buttons are written with it, and Slack only sends the names the manifest declares.
   */
  family(typed: string): string | undefined {
    const name = typed.replace(/^\//, '').toLowerCase();
    return this.#family.get(name) ?? (this.#slash.has(name) ? name : undefined);
  }

  /** Rewrites every `/family` at the start of a word to its configured name (usage lines, examples). */
  rename(text: string): string {
    return text.replace(/(^|[\s`(])\/([a-z][\w-]*)/g, (whole, before: string, family: string) =>
      this.#slash.has(family) ? `${before}${this.slash(family)}` : whole,
    );
  }

  all(): { family: string; slash: string }[] {
    return [...this.#slash].map(([family, slash]) => ({ family, slash }));
  }
}
