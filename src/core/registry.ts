import { type Command, commandName } from './command.ts';
import type { CommandList } from './command-list.ts';
import { didYouMean } from './did-you-mean.ts';
import { UserError } from './errors.ts';
import type { Token } from './tokenize.ts';

/** The static list of commands, indexed by family and subcommand. */
export class Registry implements CommandList {
  readonly #families = new Map<string, Map<string | undefined, Command>>();

  constructor(specs: readonly Command[]) {
    for (const spec of specs) {
      const subs = this.#families.get(spec.family) ?? new Map<string | undefined, Command>();
      if (subs.has(spec.sub)) throw new Error(`duplicate command ${commandName(spec)}`);
      const mixes = spec.sub === undefined ? subs.size > 0 : subs.has(undefined);
      if (mixes) throw new Error(`/${spec.family} cannot have both a bare form and subcommands`);
      subs.set(spec.sub, spec);
      this.#families.set(spec.family, subs);
    }
  }

  families(): string[] {
    return [...this.#families.keys()];
  }

  all(): Command[] {
    return [...this.#families.values()].flatMap((subs) => [...subs.values()]);
  }

  /** Picks the spec for `/family words…`; families with subcommands default to `help`. */
  resolve(family: string, tokens: readonly Token[]): { spec: Command; rest: Token[] } {
    const subs = this.#families.get(family);
    if (!subs) {
      const guess = didYouMean(family, this.families());
      throw new UserError(`Unknown command \`/${family}\`.${guess ? ` Did you mean \`/${guess}\`?` : ''}`);
    }
    const bare = subs.get(undefined);
    if (bare) return { spec: bare, rest: [...tokens] };
    const [first, ...rest] = tokens;
    const word = first?.text.toLowerCase();
    const spec = word === undefined ? subs.get('help') : subs.get(word);
    if (spec) return { spec, rest: word === undefined ? [] : rest };
    const names = [...subs.keys()].filter((s): s is string => s !== undefined);
    const guess = word === undefined ? undefined : didYouMean(word, names);
    const hint = guess ? ` Did you mean \`/${family} ${guess}\`?` : '';
    throw new UserError(
      `Unknown subcommand \`${first?.text ?? ''}\` for \`/${family}\`.${hint} ` +
        `Try: ${names.map((n) => `\`${n}\``).join(', ')}.`,
    );
  }
}
