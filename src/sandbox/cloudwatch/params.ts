import { AwsError, invalidParameter } from './errors.ts';

interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

// Truncated, so a 10,001-event batch does not come back inside its own error message.
const shown = (value: unknown): string =>
  value === undefined ? 'null' : `'${(typeof value === 'string' ? value : JSON.stringify(value)).slice(0, 200)}'`;

// The service's own validation wording, so clients and people see what they would see against AWS.
export const violation = (value: unknown, member: string, constraint: string): AwsError =>
  invalidParameter(
    `1 validation error detected: Value ${shown(value)} at '${member}' failed to satisfy constraint: ${constraint}`,
  );

// A member of the wrong JSON type never reaches validation on AWS: the deserializer rejects it.
const wrongType = (member: string, expected: string): AwsError =>
  new AwsError('SerializationException', `Expected ${expected} for member '${member}'`);

/** The request's JSON members, read with the checks the service model declares. */
export class Params {
  readonly #body: Readonly<Record<string, unknown>>;
  /** Where these members sit in the request, for messages about nested members (`logEvents.1.member.`). */
  readonly #path: string;

  constructor(body: Readonly<Record<string, unknown>>, path = '') {
    this.#body = body;
    this.#path = path;
  }

  string(name: string, bounds: Bounds = {}): string | undefined {
    const value = this.#present(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw wrongType(this.#path + name, 'a string');
    const { min = 0, max = Infinity } = bounds;
    if (value.length < min)
      throw violation(value, this.#path + name, `Member must have length greater than or equal to ${min}`);
    if (value.length > max)
      throw violation(value, this.#path + name, `Member must have length less than or equal to ${max}`);
    return value;
  }

  requiredString(name: string, bounds: Bounds = {}): string {
    return this.#required(name, this.string(name, bounds));
  }

  integer(name: string, bounds: Bounds = {}): number | undefined {
    const value = this.#present(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(this.#path + name, 'an integer');
    const { min = -Infinity, max = Infinity } = bounds;
    if (value < min)
      throw violation(value, this.#path + name, `Member must have value greater than or equal to ${min}`);
    if (value > max) throw violation(value, this.#path + name, `Member must have value less than or equal to ${max}`);
    return value;
  }

  requiredInteger(name: string, bounds: Bounds = {}): number {
    return this.#required(name, this.integer(name, bounds));
  }

  boolean(name: string): boolean | undefined {
    const value = this.#present(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw wrongType(this.#path + name, 'a boolean');
    return value;
  }

  list(name: string, bounds: Bounds = {}): unknown[] | undefined {
    const value = this.#present(name);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw wrongType(this.#path + name, 'a list');
    const { min = 0, max = Infinity } = bounds;
    if (value.length < min)
      throw violation(value, this.#path + name, `Member must have length greater than or equal to ${min}`);
    if (value.length > max)
      throw violation(value, this.#path + name, `Member must have length less than or equal to ${max}`);
    return value;
  }

  requiredList(name: string, bounds: Bounds = {}): unknown[] {
    return this.#required(name, this.list(name, bounds));
  }

  strings(name: string, bounds: Bounds = {}): string[] | undefined {
    const value = this.list(name, bounds);
    if (value?.some((item) => typeof item !== 'string')) throw wrongType(this.#path + name, 'a list of strings');
    return value as string[] | undefined;
  }

  #required<T>(name: string, value: T | undefined): T {
    if (value === undefined) throw violation(undefined, this.#path + name, 'Member must not be null');
    return value;
  }

  #present(name: string): unknown {
    const value = this.#body[name];
    return value === null ? undefined : value;
  }
}
