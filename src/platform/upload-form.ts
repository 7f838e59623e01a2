import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart, { type MultipartFile } from '@fastify/multipart';

/** A file a form uploaded, saved whole to disk before the handler runs. */
export interface SavedUpload {
  path: string;
  filename: string;
  /** The name the browser sent: empty when the form's file field was left empty. */
  originalName: string;
  size: number;
  /** True when the file was larger than the limit: what is on disk is cut short. */
  tooLarge: boolean;
}

/** Temporary files of each request, deleted after the response unless a handler keeps one. */
const savedFiles = new WeakMap<FastifyRequest, Set<string>>();

/** Files older than this in the uploads folder were left by a crash; they are swept at start. */
const ORPHAN_AGE_MS = 24 * 3600_000;

/**
 * Lets the plugin's routes take multipart form posts with one file. Every part is read to the
 * end during the request's validation stage, the file straight to a temporary file under
 * `DATA_DIR/uploads`, so that the form's `_csrf` field is in `req.body` when the CSRF check
 * runs (preHandler) and the request can finish before the file is processed. Scoped to the
 * plugin that calls it.
 */
export async function acceptFileUploads(app: FastifyInstance, { maxBytes }: { maxBytes: number }): Promise<void> {
  const folder = path.join(app.appContext.config.dataDir, 'uploads');
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await sweepOrphans(folder);

  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { files: 1, fields: 20, fieldSize: 10_000, parts: 25, fileSize: maxBytes },
    async onFile(this: FastifyRequest, part: MultipartFile) {
      const file = path.join(folder, `${randomUUID()}.upload`);
      const files = savedFiles.get(this) ?? new Set<string>();
      savedFiles.set(this, files);
      files.add(file);
      await pipeline(part.file, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      const { size } = await stat(file);
      const saved: SavedUpload = {
        path: file,
        filename: path.basename(part.filename || 'upload.csv'),
        originalName: part.filename ?? '',
        size,
        tooLarge: part.file.truncated,
      };
      part.value = saved;
    },
  });

  app.addHook('onResponse', async (req) => {
    const files = savedFiles.get(req);
    if (!files) return;
    savedFiles.delete(req);
    await Promise.all([...files].map((file) => rm(file, { force: true })));
  });
}

/** The uploaded file of a form field, if the form sent one. */
export function uploadedFile(req: FastifyRequest, field: string): SavedUpload | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[field];
  if (
    !value ||
    typeof value !== 'object' ||
    !('path' in value) ||
    !savedFiles.get(req)?.has((value as SavedUpload).path)
  )
    return undefined;
  return value as SavedUpload;
}

/** Takes the file over from the request: it is no longer deleted after the response, the caller deletes it. */
export function keepUpload(req: FastifyRequest, upload: SavedUpload): void {
  savedFiles.get(req)?.delete(upload.path);
}

async function sweepOrphans(folder: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(folder)) {
    const file = path.join(folder, name);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() && now - info.mtimeMs > ORPHAN_AGE_MS) await rm(file, { force: true });
  }
}
