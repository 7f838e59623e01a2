import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import { AppError } from '../../platform/errors.ts';
import { formVersion, requestMeta } from '../../platform/request-meta.ts';
import { formErrors, noErrors, type FormErrors } from '../../platform/views/components.tsx';
import { pageCtx, pick } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { acceptFileUploads, uploadedFile } from '../../platform/upload-form.ts';
import {
  createContract,
  getContract,
  importContracts,
  listContracts,
  listContractTypes,
  listPartnersPica,
  saveContractType,
  setPartnerSettings,
  updateContract,
  type Contract,
  type ContractImportReport,
} from './contracts.service.ts';
import { staffActor } from './staff-views.tsx';
import { day, picaErrorText, picaFormErrors } from './views.tsx';
import { PartnersPage, TypesPage, ContractsPage, ContractPage } from './staff-screens.tsx';

const NOTICES = { saved: 'pica.staff.saved', created: 'pica.staff.contracts.created' };
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** PICA-1, PICA-3: programme staff's pages for partners' PICA settings, contract types and support contracts. */
export async function picaStaffPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  await acceptFileUploads(app, { maxBytes: MAX_IMPORT_BYTES });

  const staff = staffActor;
  const partnerNames = async (actor: Actor) =>
    new Map((await listPartnersPica(appCtx(), actor)).map((p) => [p.partnerId, p.legalName]));

  app.get('/staff/pica', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    return sendPage(
      reply,
      <PartnersPage
        ctx={pageCtx(req, reply, { notices: NOTICES })}
        partners={await listPartnersPica(appCtx(), actor)}
        errors={noErrors}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/staff/pica/partners/:id/settings', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const values = pick(req.body, 'own_brand_support', 'agreement_signed_on');
    try {
      await setPartnerSettings(
        appCtx(),
        actor,
        req.params.id,
        { ownBrandSupport: values.own_brand_support === 'yes', agreementSignedOn: values.agreement_signed_on || null },
        requestMeta(req),
      );
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: '/staff/pica' });
      return sendPage(
        reply,
        <PartnersPage
          ctx={ctx}
          partners={await listPartnersPica(appCtx(), actor)}
          errors={picaFormErrors(ctx, error)}
        />,
        422,
      );
    }
    return reply.redirect('/staff/pica?notice=saved', 303);
  });

  const typesPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FormErrors,
    values: Record<string, string | string[]>,
    status = 200,
  ) =>
    sendPage(
      reply,
      <TypesPage
        ctx={pageCtx(req, reply, { notices: NOTICES, path: '/staff/pica/contract-types' })}
        types={await listContractTypes(appCtx())}
        errors={errors}
        values={values}
      />,
      status,
    );

  app.get('/staff/pica/contract-types', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    return typesPage(req, reply, noErrors, {});
  });

  app.post('/staff/pica/contract-types', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const body = req.body as Record<string, unknown>;
    const entitlements = ([] as unknown[])
      .concat(body.entitlements ?? [])
      .filter((e): e is string => typeof e === 'string');
    const values: Record<string, string | string[]> & { code?: string; type_name?: string; qualifies_pica?: string } = {
      ...pick(body, 'code', 'type_name', 'qualifies_pica'),
      entitlements,
    };
    try {
      await saveContractType(
        appCtx(),
        actor,
        { code: values.code!, name: values.type_name!, qualifiesPica: values.qualifies_pica === 'yes', entitlements },
        requestMeta(req),
      );
    } catch (error) {
      return typesPage(req, reply, picaFormErrors(pageCtx(req, reply), error), values, 422);
    }
    return reply.redirect('/staff/pica/contract-types?notice=saved', 303);
  });

  const contractsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    errors: FormErrors,
    values: Record<string, string>,
    status = 200,
    report?: ContractImportReport,
  ) =>
    sendPage(
      reply,
      <ContractsPage
        ctx={pageCtx(req, reply, { notices: NOTICES, path: '/staff/pica/contracts' })}
        contracts={await listContracts(appCtx(), actor)}
        types={await listContractTypes(appCtx())}
        partners={await partnerNames(actor)}
        errors={errors}
        values={values}
        report={report}
      />,
      status,
    );

  app.get('/staff/pica/contracts', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    return contractsPage(req, reply, actor, noErrors, {});
  });

  const CONTRACT_FIELDS = ['number', 'partner_id', 'type', 'customer', 'starts_on', 'ends_on', 'status'];
  app.post('/staff/pica/contracts', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const v = pick(req.body, ...CONTRACT_FIELDS);
    try {
      await createContract(
        appCtx(),
        actor,
        {
          number: v.number!,
          partnerId: v.partner_id!.trim(),
          typeCode: v.type!,
          customerName: v.customer,
          startsOn: v.starts_on!,
          endsOn: v.ends_on!,
          status: v.status as Contract['status'],
        },
        requestMeta(req),
      );
    } catch (error) {
      return contractsPage(req, reply, actor, picaFormErrors(pageCtx(req, reply), error), v, 422);
    }
    return reply.redirect('/staff/pica/contracts?notice=created', 303);
  });

  app.post('/staff/pica/contracts/import', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const file = uploadedFile(req, 'file');
    if (!file || file.size === 0)
      return contractsPage(
        req,
        reply,
        actor,
        formErrors(req.t, [{ field: 'file', rule: file ? 'file_empty' : 'file_required' }]),
        {},
        422,
      );
    if (file.tooLarge)
      return contractsPage(
        req,
        reply,
        actor,
        formErrors(req.t, [{ field: 'file', rule: 'file_too_large', params: { max: MAX_IMPORT_BYTES / 1024 / 1024 } }]),
        {},
        413,
      );
    try {
      const report = await importContracts(appCtx(), actor, createReadStream(file.path), requestMeta(req));
      return await contractsPage(req, reply, actor, noErrors, {}, 200, report);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 403) throw error;
      return contractsPage(
        req,
        reply,
        actor,
        { general: picaErrorText(pageCtx(req, reply), error), fields: {} },
        {},
        error.status,
      );
    }
  });

  const contractValues = (c: Contract): Record<string, string> => ({
    partner_id: c.partnerId,
    type: c.typeCode,
    customer: c.customerName ?? '',
    starts_on: day(c.startsOn),
    ends_on: day(c.endsOn),
    status: c.status,
  });

  app.get<{ Params: { id: string } }>('/staff/pica/contracts/:id', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const contract = await getContract(appCtx(), actor, req.params.id);
    return sendPage(
      reply,
      <ContractPage
        ctx={pageCtx(req, reply)}
        contract={contract}
        types={await listContractTypes(appCtx())}
        partners={await partnerNames(actor)}
        values={contractValues(contract)}
        errors={noErrors}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/staff/pica/contracts/:id', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const contract = await getContract(appCtx(), actor, req.params.id);
    const v = pick(req.body, ...CONTRACT_FIELDS, 'version');
    try {
      await updateContract(
        appCtx(),
        actor,
        contract.id,
        {
          number: contract.number,
          partnerId: v.partner_id!.trim(),
          typeCode: v.type!,
          customerName: v.customer,
          startsOn: v.starts_on!,
          endsOn: v.ends_on!,
          status: v.status as Contract['status'],
        },
        formVersion(v.version),
        requestMeta(req),
      );
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: `/staff/pica/contracts/${contract.id}` });
      return sendPage(
        reply,
        <ContractPage
          ctx={ctx}
          contract={contract}
          types={await listContractTypes(appCtx())}
          partners={await partnerNames(actor)}
          values={v}
          errors={picaFormErrors(ctx, error)}
        />,
        error instanceof AppError ? error.status : 500,
      );
    }
    return reply.redirect('/staff/pica/contracts?notice=saved', 303);
  });
}
