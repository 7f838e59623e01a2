import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePermission, type Actor } from '../../platform/auth.ts';

import { AppError, notFound } from '../../platform/errors.ts';
import { formVersion, requestMeta } from '../../platform/request-meta.ts';
import { formErrors, noErrors, type FormErrors } from '../../platform/views/components.tsx';

import { sendPage } from '../../platform/views/render.ts';

import type { DistributorInput } from './distributors.rules.ts';
import {
  createDistributor,
  DISTRIBUTOR_COLUMNS,
  getDistributor,
  importDistributors,
  listDistributors,
  setDistributorStatus,
  updateDistributor,
  type Distributor,
  type ImportReport,
} from './distributors.service.ts';
import { asFormErrors, errorText, pageCtx, pick, signedIn } from '../../platform/views/page-helpers.tsx';
import { isUuid } from '../../platform/ids.ts';

import { acceptFileUploads, uploadedFile } from '../../platform/upload-form.ts';
import { DistributorForm, ListPage } from './staff-views.tsx';

const NOTICES = {
  created: 'staff_distributors.created',
  saved: 'staff_distributors.saved',
  retired: 'staff_distributors.retired',
  reactivated: 'staff_distributors.reactivated',
};
const FORM_FIELDS = [
  'code',
  'legal_name',
  'hq_country',
  'territories',
  'website',
  'phone',
  'email',
  'accepts_new_resellers',
  'version',
];
/** The directory import holds at most 100,000 rows; 20 MiB is ample for that. */
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

type Values = Record<string, string>;

function valuesOf(d: Distributor): Values {
  return {
    code: d.code,
    legal_name: d.legalName,
    hq_country: d.hqCountry,
    territories: d.territories.join(' '),
    website: d.website ?? '',
    phone: d.phone ?? '',
    email: d.email ?? '',
    accepts_new_resellers: d.acceptsNewResellers ? 'yes' : '',
    version: String(d.version),
  };
}

/** What the form sent, as the service's input. Territories are codes separated by spaces, commas or semicolons. */
function inputOf(values: Values): DistributorInput {
  return {
    code: values.code ?? '',
    legalName: values.legal_name ?? '',
    hqCountry: values.hq_country ?? '',
    territories: (values.territories ?? '').split(/[;,\s]+/).filter(Boolean),
    website: values.website ?? '',
    phone: values.phone ?? '',
    email: values.email ?? '',
    acceptsNewResellers: values.accepts_new_resellers === 'yes',
  };
}

/** Programme staff: the directory of authorised distributors, with CSV import and export. */
export async function staffDistributorPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  await acceptFileUploads(app, { maxBytes: MAX_IMPORT_BYTES });

  /** The staff member, or undefined after redirecting an anonymous visitor to sign in; others get 403. */
  const staff = (req: FastifyRequest, reply: FastifyReply, returnTo?: string): Actor | undefined => {
    const actor = signedIn(req, reply, returnTo);
    return actor && requirePermission(actor, 'distributors:manage');
  };

  const distributorOf = async (id: string) => {
    if (!isUuid(id)) throw notFound('Distributor');
    return getDistributor(appCtx(), id);
  };

  const listPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    report: ImportReport | undefined,
    importErrors: FormErrors,
    status = 200,
  ) =>
    sendPage(
      reply,
      <ListPage
        ctx={pageCtx(req, reply, { notices: NOTICES, path: '/staff/distributors' })}
        distributors={await listDistributors(appCtx())}
        report={report}
        importErrors={importErrors}
      />,
      status,
    );

  app.get('/staff/distributors', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    return listPage(req, reply, undefined, noErrors);
  });

  app.post('/staff/distributors/import', async (req, reply) => {
    const actor = staff(req, reply, '/staff/distributors');
    if (!actor) return reply;
    const file = uploadedFile(req, 'file');
    if (!file || file.size === 0)
      return listPage(
        req,
        reply,
        undefined,
        formErrors(req.t, [{ field: 'file', rule: file ? 'file_empty' : 'file_required' }]),
        422,
      );
    if (file.tooLarge)
      return listPage(
        req,
        reply,
        undefined,
        formErrors(req.t, [{ field: 'file', rule: 'file_too_large', params: { max: MAX_IMPORT_BYTES / 1024 / 1024 } }]),
        413,
      );
    try {
      const report = await importDistributors(appCtx(), actor, createReadStream(file.path), requestMeta(req));
      return await listPage(req, reply, report, noErrors);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 403) throw error;
      const ctx = pageCtx(req, reply);
      return listPage(
        req,
        reply,
        undefined,
        { general: errorText(ctx, error, { columns: DISTRIBUTOR_COLUMNS.join(', ') }), fields: {} },
        error.status,
      );
    }
  });

  app.get('/staff/distributors/new', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    return sendPage(
      reply,
      <DistributorForm ctx={pageCtx(req, reply)} values={{ accepts_new_resellers: 'yes' }} errors={noErrors} />,
    );
  });

  app.post('/staff/distributors', async (req, reply) => {
    const actor = staff(req, reply, '/staff/distributors/new');
    if (!actor) return reply;
    const values = pick(req.body, ...FORM_FIELDS);
    try {
      const created = await createDistributor(appCtx(), actor, inputOf(values), requestMeta(req));
      return reply.redirect(`/staff/distributors/${created.id}?notice=created`, 303);
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: '/staff/distributors/new' });
      return sendPage(reply, <DistributorForm ctx={ctx} values={values} errors={asFormErrors(ctx, error)} />, 422);
    }
  });

  app.get<{ Params: { id: string } }>('/staff/distributors/:id', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    const distributor = await distributorOf(req.params.id);
    return sendPage(
      reply,
      <DistributorForm
        ctx={pageCtx(req, reply, { notices: NOTICES })}
        distributor={distributor}
        values={valuesOf(distributor)}
        errors={noErrors}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/staff/distributors/:id', async (req, reply) => {
    const actor = staff(req, reply, `/staff/distributors/${req.params.id}`);
    if (!actor) return reply;
    const distributor = await distributorOf(req.params.id);
    const values = pick(req.body, ...FORM_FIELDS);
    try {
      await updateDistributor(
        appCtx(),
        actor,
        distributor.id,
        inputOf(values),
        formVersion(values.version),
        requestMeta(req),
      );
      return reply.redirect(`/staff/distributors/${distributor.id}?notice=saved`, 303);
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: `/staff/distributors/${distributor.id}` });
      const errors = asFormErrors(ctx, error);
      return sendPage(
        reply,
        <DistributorForm
          ctx={ctx}
          distributor={distributor}
          values={{ ...values, code: distributor.code }}
          errors={errors}
        />,
        error instanceof AppError && error.status === 409 ? 409 : 422,
      );
    }
  });

  for (const [action, status] of [
    ['retire', 'retired'],
    ['reactivate', 'active'],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/staff/distributors/:id/${action}`, async (req, reply) => {
      const actor = staff(req, reply, `/staff/distributors/${req.params.id}`);
      if (!actor) return reply;
      const distributor = await distributorOf(req.params.id);
      try {
        await setDistributorStatus(
          appCtx(),
          actor,
          distributor.id,
          status,
          formVersion(pick(req.body, 'version').version),
          requestMeta(req),
        );
        return reply.redirect(
          `/staff/distributors/${distributor.id}?notice=${status === 'retired' ? 'retired' : 'reactivated'}`,
          303,
        );
      } catch (error) {
        const ctx = pageCtx(req, reply, { path: `/staff/distributors/${distributor.id}` });
        return sendPage(
          reply,
          <DistributorForm
            ctx={ctx}
            distributor={distributor}
            values={valuesOf(distributor)}
            errors={asFormErrors(ctx, error)}
          />,
          error instanceof AppError && error.status === 409 ? 409 : 422,
        );
      }
    });
  }
}
