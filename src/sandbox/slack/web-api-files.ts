import { type ApiContext, type ApiHandler, fail, str } from './api-types.ts';
import type { FileStore, StoredFile } from './file-store.ts';
import { parseMultipart } from './http-util.ts';

/** Where the bytes of a file go and come back from; both paths are served by the emulator. */
export const uploadPath = (fileId: string): string => `/upload/${fileId}`;
export const filePath = (fileId: string): string => `/files/${fileId}`;

function describe(file: StoredFile, ctx: ApiContext): Record<string, unknown> {
  const url = `${ctx.baseUrl}${filePath(file.id)}`;
  const size = file.content?.length ?? 0;
  return { id: file.id, title: file.title, name: file.filename, size, url_private: url, permalink: url };
}

const getUploadUrl: ApiHandler = (args, ctx) => {
  const filename = str(args, 'filename');
  const length = Number(str(args, 'length'));
  if (filename === undefined || !Number.isInteger(length) || length < 0) return fail('invalid_arguments');
  const file = ctx.files.create(filename, length);
  return { ok: true, upload_url: `${ctx.baseUrl}${uploadPath(file.id)}`, file_id: file.id };
};

const completeUpload: ApiHandler = (args, ctx) => {
  const requested = args.files;
  if (!Array.isArray(requested) || requested.length === 0) return fail('invalid_arguments');
  const files: StoredFile[] = [];
  for (const entry of requested as { id?: unknown; title?: unknown }[]) {
    const file = typeof entry?.id === 'string' ? ctx.files.get(entry.id) : undefined;
    if (!file?.content) return fail('file_not_found');
    if (typeof entry.title === 'string' && entry.title !== '') file.title = entry.title;
    files.push(file);
  }
  const channelRef = str(args, 'channel_id');
  if (channelRef !== undefined) {
    const channel = ctx.workspace.resolveChannel(channelRef);
    if (!channel) return fail('channel_not_found');
    const threadTs = str(args, 'thread_ts');
    ctx.store.add({
      channel: channel.id,
      text: str(args, 'initial_comment') ?? '',
      blocks: [],
      files,
      ...(threadTs ? { threadTs } : {}),
      ...ctx.workspace.botAuthor,
      source: 'api',
    });
  }
  return { ok: true, files: files.map((f) => describe(f, ctx)) };
};

export const FILE_METHODS: Readonly<Record<string, ApiHandler>> = {
  'files.getUploadURLExternal': getUploadUrl,
  'files.completeUploadExternal': completeUpload,
};

/**
 * Stores the bytes sent to an upload URL: raw, or the first file part of a multipart form (web-api posts
 * a Buffer as a form field). Returns false for an id that getUploadURLExternal never issued.
 */
export async function receiveUpload(
  files: FileStore,
  fileId: string,
  raw: Buffer,
  contentType: string,
): Promise<boolean> {
  const file = files.get(fileId);
  if (!file) return false;
  if (contentType.startsWith('multipart/form-data')) {
    const parts = [...(await parseMultipart(raw, contentType)).values()];
    file.content = parts.find((p) => Buffer.isBuffer(p)) ?? Buffer.from(String(parts[0] ?? ''));
  } else {
    file.content = raw;
  }
  return true;
}
