import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { errors, SESSION } from '../../platform/api-schemas.ts';
import { requireUser } from '../../platform/auth.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import {
  adminStanding,
  decideAdminRequest,
  getAdminRequest,
  listAdminRequests,
  requestAdministrator,
} from './administrators.service.ts';
import {
  createContract,
  getContract,
  getPartnerPica,
  importContracts,
  listContracts,
  listContractTypes,
  saveContractType,
  setPartnerSettings,
  updateContract,
} from './contracts.service.ts';
import {
  confirmRegistration,
  resendConfirmation,
  startRegistration,
  submitDetails,
  verifyRegistrationKey,
} from './end-users.service.ts';
import {
  decideToolRequest,
  myAccess,
  reconfirmCustomer,
  requestTool,
  revokeAccess,
  setToolAccess,
  sponsoredCustomers,
  sponsoredUsers,
} from './entitlements.service.ts';
import {
  getSponsorship,
  listSponsorships,
  reissueKey,
  revokeSponsorship,
  sponsorCustomer,
} from './sponsorships.service.ts';
import * as s from './pica.schemas.ts';

const csvBody = {
  description: 'A CSV file (text/csv), streamed',
  content: {
    'text/csv': {
      schema: { description: 'CSV with the header number,partner_id,type,customer,starts_on,ends_on,status' },
    },
  },
} as const;
const GUESS_LIMIT = { rateLimit: { max: 20, timeWindow: '1 minute' } };

/** X-3, PICA-1…PICA-8: every PICA step as JSON under /api/v1/pica. */
export async function picaRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;
  app.addContentTypeParser('text/csv', (_req, payload, done) => done(null, payload));
  const staffTags = ['pica: staff'];
  const adminTags = ['pica: administrators'];
  const userTags = ['pica: end users'];
  const security = SESSION;

  // ---- Staff: contract types, contracts, partner settings, administrator requests (PICA-1, PICA-4) ----
  app.get(
    '/pica/contract-types',
    {
      schema: {
        tags: staffTags,
        summary: 'PICA-1: contract types, which qualify for PICA and the entitlements each carries',
        response: { 200: Type.Array(s.ContractType) },
      },
    },
    async () => listContractTypes(ctx()),
  );
  app.put(
    '/pica/contract-types/:code',
    {
      schema: {
        tags: staffTags,
        summary: 'PICA-1: create or change a contract type',
        security,
        params: s.CodeParams,
        body: s.ContractTypeBody,
        response: { 200: s.ContractType, ...errors(401, 403, 422) },
      },
    },
    async (req) => saveContractType(ctx(), req.actor, { code: req.params.code, ...req.body }, requestMeta(req)),
  );
  app.get(
    '/pica/contracts',
    {
      schema: {
        tags: staffTags,
        summary: 'PICA-1: support contracts (all for staff; one partner’s for its people)',
        security,
        querystring: s.ContractsQuery,
        response: { 200: Type.Array(s.Contract), ...errors(401, 403) },
      },
    },
    async (req) => listContracts(ctx(), req.actor, req.query.partnerId),
  );
  app.post(
    '/pica/contracts',
    {
      schema: {
        tags: staffTags,
        summary: 'PICA-1: create a support contract',
        security,
        body: s.ContractBody,
        response: { 201: s.Contract, ...errors(401, 403, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await createContract(ctx(), req.actor, req.body, requestMeta(req))),
  );
  app.get(
    '/pica/contracts/:id',
    {
      schema: {
        tags: staffTags,
        summary: 'One support contract',
        security,
        params: s.IdParams,
        response: { 200: s.Contract, ...errors(401, 403, 404) },
      },
    },
    async (req) => getContract(ctx(), req.actor, req.params.id),
  );
  app.put(
    '/pica/contracts/:id',
    {
      schema: {
        tags: staffTags,
        summary: 'PICA-1: change a support contract (send the version you read; 409 when stale)',
        security,
        params: s.IdParams,
        body: s.ContractUpdateBody,
        response: { 200: s.Contract, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => {
      const current = await getContract(ctx(), req.actor, req.params.id);
      const { version, ...rest } = req.body;
      return updateContract(
        ctx(),
        req.actor,
        req.params.id,
        { ...rest, number: current.number },
        version,
        requestMeta(req),
      );
    },
  );
  app.post(
    '/pica/contracts/import',
    {
      schema: {
        tags: staffTags,
        summary: 'PICA-1: import support contracts from CSV (a known number is updated)',
        security,
        body: csvBody,
        response: { 200: s.ImportReport, ...errors(400, 401, 403, 413, 415) },
      },
    },
    async (req) => importContracts(ctx(), req.actor, req.body as unknown as Readable, requestMeta(req)),
  );
  app.get(
    '/pica/partners/:id',
    {
      schema: {
        tags: staffTags,
        summary: 'PICA-1, PICA-3: a partner’s PICA standing and what is missing',
        security,
        params: s.IdParams,
        response: { 200: s.PartnerPica, ...errors(401, 403, 404) },
      },
    },
    async (req) => getPartnerPica(ctx(), req.actor, req.params.id),
  );
  app.put(
    '/pica/partners/:id/settings',
    {
      schema: {
        tags: staffTags,
        summary: 'PICA-1, PICA-3: own brand of support and the PICA contract agreement',
        security,
        params: s.IdParams,
        body: s.SettingsBody,
        response: { 200: s.PartnerPica, ...errors(401, 403, 404, 422) },
      },
    },
    async (req) => setPartnerSettings(ctx(), req.actor, req.params.id, req.body, requestMeta(req)),
  );
  app.get(
    '/pica/administrator-requests',
    {
      schema: {
        tags: staffTags,
        summary: 'PICA-4: the staff queue of administrator requests',
        security,
        querystring: s.RequestsQuery,
        response: { 200: Type.Array(s.StaffAdminRequest), ...errors(401, 403) },
      },
    },
    async (req) => listAdminRequests(ctx(), req.actor, req.query.status),
  );
  app.get(
    '/pica/administrator-requests/:id',
    {
      schema: {
        tags: staffTags,
        summary: 'PICA-4: one administrator request',
        security,
        params: s.IdParams,
        response: { 200: s.StaffAdminRequest, ...errors(401, 403, 404) },
      },
    },
    async (req) => getAdminRequest(ctx(), req.actor, req.params.id),
  );
  app.post(
    '/pica/administrator-requests/:id/decision',
    {
      schema: {
        tags: staffTags,
        summary: 'PICA-4: approve (emails the applicant from the help mailbox) or decline (reason kept internal)',
        security,
        params: s.IdParams,
        body: s.DecisionBody,
        response: { 200: s.StaffAdminRequest, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => decideAdminRequest(ctx(), req.actor, req.params.id, req.body, requestMeta(req)),
  );

  // ---- Partner users and administrators (PICA-3…PICA-5, PICA-8) ----
  app.get(
    '/pica/administrator',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-3: where the signed-in partner user stands (eligibility, role, own requests)',
        security,
        response: { 200: Type.Array(s.AdminStanding), ...errors(401) },
      },
    },
    async (req) => adminStanding(ctx(), req.actor),
  );
  app.post(
    '/pica/administrator-requests',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-4: register to be a PICA administrator, with the complete list of contract numbers',
        security,
        body: s.AdminRequestBody,
        response: { 201: s.AdminRequest, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(
        await requestAdministrator(
          ctx(),
          req.actor,
          {
            partnerId: req.body.partnerId,
            jobTitle: req.body.jobTitle,
            contractNumbers: req.body.contractNumbers.join('\n'),
          },
          requestMeta(req),
        ),
      ),
  );
  app.get(
    '/pica/sponsorships',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-5: the partner’s sponsorships and their ledger',
        security,
        response: { 200: Type.Array(s.Sponsorship), ...errors(401, 403) },
      },
    },
    async (req) => listSponsorships(ctx(), req.actor),
  );
  app.post(
    '/pica/sponsorships',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-5: sponsor a customer; the verification key is in this answer only',
        security,
        body: s.SponsorshipBody,
        response: { 201: s.IssuedSponsorship, ...errors(401, 403, 409, 422) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await sponsorCustomer(
            ctx(),
            req.actor,
            { ...req.body, emailDomains: req.body.emailDomains.join(' ') },
            requestMeta(req),
          ),
        ),
  );
  app.get(
    '/pica/sponsorships/:id',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-5: one sponsorship (404 for another partner’s)',
        security,
        params: s.IdParams,
        response: { 200: s.Sponsorship, ...errors(401, 404) },
      },
    },
    async (req) => getSponsorship(ctx(), req.actor, req.params.id),
  );
  app.post(
    '/pica/sponsorships/:id/revoke',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-5: revoke a sponsorship',
        security,
        params: s.IdParams,
        response: { 200: s.Sponsorship, ...errors(401, 404, 409) },
      },
    },
    async (req) => revokeSponsorship(ctx(), req.actor, req.params.id, requestMeta(req)),
  );
  // The body is optional (`{ "validDays": n }`), so it is not declared as a required schema.
  app.post(
    '/pica/sponsorships/:id/key',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-5: issue a new verification key (the old one stops at once); optional body { validDays }',
        security,
        params: s.IdParams,
        response: { 200: s.IssuedSponsorship, ...errors(401, 404, 409, 422) },
      },
    },
    async (req) => {
      const validDays = (req.body as { validDays?: unknown } | undefined)?.validDays;
      return reissueKey(
        ctx(),
        req.actor,
        req.params.id,
        { validDays: validDays === undefined ? undefined : Number(validDays) },
        requestMeta(req),
      );
    },
  );
  app.get(
    '/pica/sponsored-users',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-8: the users the partner sponsored, their access and when it last changed',
        security,
        response: { 200: Type.Array(s.Access), ...errors(401, 403) },
      },
    },
    async (req) => sponsoredUsers(ctx(), req.actor),
  );
  app.post(
    '/pica/sponsored-users/:id/revoke',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-8: revoke one user’s access',
        security,
        params: s.IdParams,
        response: { 200: s.Count, ...errors(401, 404) },
      },
    },
    async (req) => ({ count: await revokeAccess(ctx(), req.actor, { accessId: req.params.id }, requestMeta(req)) }),
  );
  app.get(
    '/pica/customers',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-8: sponsored customers and when each must be re-confirmed',
        security,
        response: { 200: Type.Array(s.Customer), ...errors(401, 403) },
      },
    },
    async (req) => sponsoredCustomers(ctx(), req.actor),
  );
  app.post(
    '/pica/customers/:id/revoke',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-8: revoke the access of every user of one customer',
        security,
        params: s.IdParams,
        response: { 200: s.Count, ...errors(401, 404) },
      },
    },
    async (req) => ({ count: await revokeAccess(ctx(), req.actor, { customerId: req.params.id }, requestMeta(req)) }),
  );
  app.post(
    '/pica/customers/:id/reconfirm',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-8: re-confirm a customer for another year',
        security,
        params: s.IdParams,
        response: { 204: Type.Null(), ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      await reconfirmCustomer(ctx(), req.actor, req.params.id, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/pica/tool-requests/:id/decision',
    {
      schema: {
        tags: adminTags,
        summary: 'PICA-8: grant or decline an end user’s request for more tools',
        security,
        params: s.IdParams,
        body: s.ToolDecisionBody,
        response: { 204: Type.Null(), ...errors(401, 404, 409) },
      },
    },
    async (req, reply) => {
      await decideToolRequest(ctx(), req.actor, req.params.id, req.body.decision, requestMeta(req));
      return reply.status(204).send(null);
    },
  );

  // ---- End users (PICA-6…PICA-8) ----
  app.post(
    '/pica/registrations/verify',
    {
      config: GUESS_LIMIT,
      schema: {
        tags: userTags,
        summary:
          'PICA-6: check a registration number and verification key (throttled like the page; one answer for any wrong part)',
        body: s.VerifyBody,
        response: { 200: s.Verified, ...errors(400, 410, 429) },
      },
    },
    async (req) => {
      const v = await verifyRegistrationKey(ctx(), req.body, requestMeta(req));
      return { registrationNumber: v.registrationNumber, customerName: v.customerName, partnerName: v.partnerName };
    },
  );
  app.post(
    '/pica/registrations',
    {
      config: GUESS_LIMIT,
      schema: {
        tags: userTags,
        summary:
          'PICA-6, PICA-7: register (or, signed in, add the access to the account); the emailed link completes it',
        body: s.RegistrationBody,
        response: { 202: s.RegistrationAccepted, ...errors(400, 409, 410, 422, 429) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const { draft } = await startRegistration(
        ctx(),
        req.actor,
        {
          you: { name: b.name ?? '', email: b.email ?? '', password: b.password ?? '', language: b.language ?? 'en' },
          accessType: 'pica_customer',
          registrationNumber: b.registrationNumber,
          verificationKey: b.verificationKey,
        },
        requestMeta(req),
        { jobTitle: b.jobTitle, attestEmployment: b.attestEmployment ?? false },
      );
      const { email } = await submitDetails(
        ctx(),
        draft,
        { jobTitle: b.jobTitle, attestEmployment: b.attestEmployment ?? false },
        requestMeta(req),
      );
      return reply.status(202).send({
        email,
        message: `An e-mail has been sent to you at ${email}. The registration is not final until you follow the link in the message.`,
      });
    },
  );
  app.post(
    '/pica/registrations/confirm',
    {
      schema: {
        tags: userTags,
        summary: 'PICA-6: complete a registration with the token from the emailed link (single use, 24 hours)',
        body: s.TokenBody,
        response: { 200: s.Confirmed, ...errors(400, 409, 410) },
      },
    },
    async (req) => confirmRegistration(ctx(), req.body.token, requestMeta(req)),
  );
  app.post(
    '/pica/registrations/resend',
    {
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        tags: userTags,
        summary: 'PICA-6: send the confirmation link again (same answer for any address)',
        body: s.EmailBody,
        response: { 202: Type.Object({ status: Type.String() }), ...errors(429) },
      },
    },
    async (req, reply) => {
      await resendConfirmation(ctx(), req.body.email, requestMeta(req));
      return reply.status(202).send({ status: 'accepted' });
    },
  );
  app.get(
    '/pica/access',
    {
      schema: {
        tags: userTags,
        summary: 'PICA-8: my entitlements and tool access',
        security,
        response: { 200: Type.Array(s.Access), ...errors(401) },
      },
    },
    async (req) => myAccess(ctx(), requireUser(req.actor)),
  );
  app.put(
    '/pica/access/:id/tools/:tool',
    {
      schema: {
        tags: userTags,
        summary: 'PICA-8: turn a tool on or off',
        security,
        params: s.ToolParams,
        body: s.ToolBody,
        response: { 200: s.Access, ...errors(401, 404, 409, 422) },
      },
    },
    async (req) => setToolAccess(ctx(), req.actor, req.params.id, req.params.tool, req.body.enabled, requestMeta(req)),
  );
  app.post(
    '/pica/access/:id/requests',
    {
      schema: {
        tags: userTags,
        summary: 'PICA-8: ask the administrator for a tool the sponsorship does not carry',
        security,
        params: s.IdParams,
        body: s.ToolRequestBody,
        response: { 201: s.Access, ...errors(401, 404, 409, 422) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await requestTool(ctx(), req.actor, req.params.id, req.body, requestMeta(req))),
  );
}
