import { type Command, commandName } from './command.ts';
import { CommandNames, type CommandNaming } from './command-names.ts';
import type { CommandList } from './command-list.ts';
import { didYouMean } from './did-you-mean.ts';
import { UserError } from './errors.ts';
import type { Token } from './tokenize.ts';

/** The static list of commands, indexed by family and subcommand. */
export class Registry implements CommandList {
  readonly #families = new Map<string, Map<string | undefined, Command>>();
  readonly names: CommandNames;

  constructor(specs: readonly Command[], naming: CommandNaming = {}) {
    for (const spec of specs) {
      const subs = this.#families.get(spec.family) ?? new Map<string | undefined, Command>();
      if (subs.has(spec.sub)) throw new Error(`duplicate command ${commandName(spec)}`);
      const mixes = spec.sub === undefined ? subs.size > 0 : subs.has(undefined);
      if (mixes) throw new Error(`/${spec.family} cannot have both a bare form and subcommands`);
      subs.set(spec.sub, spec);
      this.#families.set(spec.family, subs);
    }
    this.names = new CommandNames(this.families(), naming);
  }

  rename(text: string): string {
    return this.names.rename(text);
  }

  families(): string[] {
    return [...this.#families.keys()];
  }

  all(): Command[] {
    return [...this.#families.values()].flatMap((subs) => [...subs.values()]);
  }

  /** Picks the spec for `/family words…`; families with subcommands default to `help`. */
  resolve(typed: string, tokens: readonly Token[]): { spec: Command; rest: Token[] } {
    const family = this.names.family(typed) ?? typed;
    const subs = this.#families.get(family);
    if (!subs) {
      const slashes = this.names.all().map((n) => n.slash.slice(1));
      const guess = didYouMean(typed, slashes);
      throw new UserError(`Unknown command \`/${typed}\`.${guess ? ` Did you mean \`/${guess}\`?` : ''}`);
    }
    const bare = subs.get(undefined);
    if (bare) return { spec: bare, rest: [...tokens] };
    const [first, ...rest] = tokens;
    const word = first?.text.toLowerCase();
    const spec = word === undefined ? subs.get('help') : subs.get(word);
    if (spec) return { spec, rest: word === undefined ? [] : rest };
    const names = [...subs.keys()].filter((s): s is string => s !== undefined);
    const guess = word === undefined ? undefined : didYouMean(word, names);
    const slash = this.names.slash(family);
    const hint = guess ? ` Did you mean \`${slash} ${guess}\`?` : '';
    throw new UserError(
      `Unknown subcommand \`${first?.text ?? ''}\` for \`${slash}\`.${hint} ` +
        `Try: ${names.map((n) => `\`${n}\``).join(', ')}.`,
    );
  }
}
