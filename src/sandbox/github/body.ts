import { invalidField } from './errors.ts';

/** Typed reads of a JSON request body; a wrong type answers 422 naming the field, as GitHub does. */
export class Body {
  readonly #fields: Record<string, unknown>;
  readonly #resource: string;

  constructor(raw: unknown, resource: string) {
    if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
      throw invalidField(resource, 'body', 'Invalid request. Body must be a JSON object.');
    }
    this.#fields = (raw ?? {}) as Record<string, unknown>;
    this.#resource = resource;
  }

  #has(field: string): boolean {
    return this.#fields[field] !== undefined && this.#fields[field] !== null;
  }

  string(field: string): string | undefined {
    return this.#typed(field, 'string', (v): v is string => typeof v === 'string');
  }

  requiredString(field: string): string {
    const value = this.string(field);
    if (value === undefined || value === '') throw this.#invalid(field, `"${field}" wasn't supplied.`);
    return value;
  }

  boolean(field: string): boolean | undefined {
    return this.#typed(field, 'boolean', (v): v is boolean => typeof v === 'boolean');
  }

  strings(field: string): string[] | undefined {
    return this.#typed(
      field,
      'array of strings',
      (v): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string'),
    );
  }

  object(field: string): Record<string, unknown> | undefined {
    return this.#typed(
      field,
      'object',
      (v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v),
    );
  }

  objectOrString(field: string): Record<string, unknown> | string | undefined {
    return this.#typed(
      field,
      'object or string',
      (v): v is Record<string, unknown> | string =>
        typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v)),
    );
  }

  #typed<T>(field: string, type: string, is: (v: unknown) => v is T): T | undefined {
    if (!this.#has(field)) return undefined;
    const value = this.#fields[field];
    if (!is(value)) throw this.#invalid(field, `For '${field}', ${JSON.stringify(value)} is not a ${type}.`);
    return value;
  }

  #invalid(field: string, message: string) {
    return invalidField(this.#resource, field, message);
  }
}
