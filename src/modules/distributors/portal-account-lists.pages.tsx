import { createReadStream, rmSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import type { RequestMeta } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { acceptFileUploads, keepUpload, uploadedFile, type SavedUpload } from '../../platform/upload-form.ts';
import { formErrors, noErrors, type FormErrors } from '../../platform/views/components.tsx';
import { errorText, pageCtx } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import {
  ACCOUNT_LIST_COLUMNS,
  checkAccountListFile,
  claimsConfirmedByUpload,
  getUpload,
  listUploads,
  processAccountList,
  startAccountListUpload,
} from './account-lists.service.ts';
import type { Distributor } from './distributors.service.ts';
import type { PortalRoutes } from './portal-access.ts';
import { AccountListsPage, UploadPage } from './portal-account-lists.views.tsx';

/** A list of a million rows with long reseller names stays well below this. */
const MAX_LIST_BYTES = 256 * 1024 * 1024;

/** REG-2: uploading customer account lists, and each upload's progress. */
export async function accountListPages(app: FastifyInstance, { appCtx, access }: PortalRoutes): Promise<void> {
  await acceptFileUploads(app, { maxBytes: MAX_LIST_BYTES });

  // Uploads keep running after their request; the server waits for them before it closes.
  const running = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...running]);
  });
  const processInBackground = (
    actor: Actor,
    distributorId: string,
    uploadId: string,
    file: SavedUpload,
    meta: RequestMeta,
  ) => {
    const job = processAccountList(appCtx(), actor, distributorId, uploadId, createReadStream(file.path), meta)
      .then(() => undefined)
      .catch((error: unknown) => app.log.error({ err: error, uploadId }, 'account list upload failed'))
      // Synchronously: an asynchronous rm waits for turns of the event loop, which on PGlite can
      // come only after the requests that queued behind the upload's transaction have answered.
      .finally(() => rmSync(file.path, { force: true }));
    running.add(job);
    void job.finally(() => running.delete(job));
  };

  const listsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    d: Distributor,
    errors: FormErrors,
    status = 200,
  ) => {
    const uploads = await listUploads(appCtx(), actor, d.id);
    const ctx = pageCtx(req, reply, { path: `/distributor/${d.id}/account-lists` });
    return sendPage(reply, <AccountListsPage ctx={ctx} d={d} uploads={uploads} errors={errors} />, status);
  };

  app.get<{ Params: { id: string } }>('/distributor/:id/account-lists', async (req, reply) => {
    const found = await access(req, reply, req.params.id, 'distributor:read');
    if (!found) return reply;
    return listsPage(req, reply, found.actor, found.d, noErrors);
  });

  app.post<{ Params: { id: string } }>('/distributor/:id/account-lists', async (req, reply) => {
    const found = await access(
      req,
      reply,
      req.params.id,
      'claims:decide',
      `/distributor/${req.params.id}/account-lists`,
    );
    if (!found) return reply;
    const { actor, d } = found;
    const file = uploadedFile(req, 'file');
    if (!file || file.size === 0)
      return listsPage(
        req,
        reply,
        actor,
        d,
        formErrors(req.t, [{ field: 'file', rule: file ? 'file_empty' : 'file_required' }]),
        422,
      );
    if (file.tooLarge)
      return listsPage(
        req,
        reply,
        actor,
        d,
        formErrors(req.t, [{ field: 'file', rule: 'file_too_large', params: { max: MAX_LIST_BYTES / 1024 / 1024 } }]),
        413,
      );
    try {
      await checkAccountListFile(createReadStream(file.path));
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const ctx = pageCtx(req, reply);
      return listsPage(
        req,
        reply,
        actor,
        d,
        { general: errorText(ctx, error, { columns: ACCOUNT_LIST_COLUMNS.join(', ') }), fields: {} },
        error.status,
      );
    }
    const meta = requestMeta(req);
    const uploadId = await startAccountListUpload(appCtx(), actor, d.id, file.filename, meta);
    keepUpload(req, file);
    processInBackground(actor, d.id, uploadId, file, meta);
    return reply.redirect(`/distributor/${d.id}/account-lists/${uploadId}`, 303);
  });

  app.get<{ Params: { id: string; uploadId: string } }>(
    '/distributor/:id/account-lists/:uploadId',
    async (req, reply) => {
      const found = await access(req, reply, req.params.id, 'distributor:read');
      if (!found) return reply;
      const { actor, d } = found;
      const upload = await getUpload(appCtx(), actor, d.id, req.params.uploadId);
      const claimsConfirmed = await claimsConfirmedByUpload(appCtx(), actor, d.id, upload.id);
      return sendPage(
        reply,
        <UploadPage ctx={pageCtx(req, reply)} d={d} upload={upload} claimsConfirmed={claimsConfirmed} />,
      );
    },
  );
}
