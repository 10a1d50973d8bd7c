import { randomBytes } from 'node:crypto';

export interface StoredFile {
  id: string;
  filename: string;
  title: string;
  /** The length announced in files.getUploadURLExternal. */
  length: number;
  content?: Buffer;
}

/** Files of the two-step upload: announced by getUploadURLExternal, filled by the upload URL. */
export class FileStore {
  readonly #files = new Map<string, StoredFile>();

  create(filename: string, length: number): StoredFile {
    const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
    const file: StoredFile = { id, filename, title: filename, length };
    this.#files.set(file.id, file);
    return file;
  }

  get(id: string): StoredFile | undefined {
    return this.#files.get(id);
  }
}
