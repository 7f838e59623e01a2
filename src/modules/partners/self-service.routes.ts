import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { DateTime, errors, SESSION } from '../../platform/api-schemas.ts';
import { requireUser } from '../../platform/auth.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import {
  acceptInvitation,
  inviteColleague,
  listColleagues,
  removeColleague,
  resendInvitation,
  revokeInvitation,
  setColleagueRoles,
} from './colleagues.service.ts';
import {
  accountsOfPartner,
  addAccountClaim,
  confirmAccountsReviewed,
  removeAccountClaim,
} from './distributor-accounts.service.ts';
import { partnersOfUser } from './partners.service.ts';
import { locationRoutes } from './locations.routes.ts';
import { renewalRoutes } from './renewal.routes.ts';
import { PARTNER_ROLES } from './self-service.rules.ts';
import { partnerOverview } from './self-service.service.ts';
import { Claim, Nullable, P, PId, Standing, Uuid } from './self-service.schemas.ts';

// Issue #12 item 8: Partner Self Service as JSON, for the partner's own users. Every route
// names the partner; another partner's id answers 404 like one that does not exist.

export async function selfServiceRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;
  const tags = ['partner self service'];
  const security = SESSION;
  const noContent = { 204: Type.Null() };

  app.get(
    '/partner',
    {
      schema: {
        tags,
        summary: 'The partners the signed-in person works for',
        security,
        response: {
          200: Type.Array(
            Type.Object({ id: Uuid, legalName: Type.String(), country: Type.String(), status: Type.String() }),
          ),
          ...errors(401),
        },
      },
    },
    async (req) =>
      (await partnersOfUser(ctx().db, requireUser(req.actor).userId))
        .filter((p) => p.status !== 'applicant')
        .map((p) => ({ id: p.id, legalName: p.legalName, country: p.country, status: p.status })),
  );
  app.get(
    '/partner/:partnerId',
    {
      schema: {
        tags,
        summary: 'Issue #12 item 2: status, purchase eligibility per account as distributors see it (REG-4), and tasks',
        security,
        params: P,
        response: {
          200: Type.Object({
            id: Uuid,
            legalName: Type.String(),
            status: Type.String(),
            registeredAt: Nullable(DateTime),
            standing: Standing,
            eligibility: Type.Array(
              Type.Object({
                claim: Claim,
                eligible: Type.Boolean(),
                reasons: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
              }),
            ),
            tasks: Type.Array(Type.String()),
          }),
          ...errors(401, 404),
        },
      },
    },
    async (req) => {
      const o = await partnerOverview(ctx(), req.actor, req.params.partnerId);
      return {
        id: o.partner.id,
        legalName: o.partner.legalName,
        status: o.partner.status,
        registeredAt: o.partner.registeredAt,
        standing: o.standing,
        eligibility: o.eligibility,
        tasks: o.tasks,
      };
    },
  );

  // ---- Colleagues ----
  const Role = Type.Enum([...PARTNER_ROLES]);
  app.get(
    '/partner/:partnerId/colleagues',
    {
      schema: {
        tags,
        summary: 'Issue #12 item 3: people and invitations (pending, accepted, expired, revoked)',
        security,
        params: P,
        response: {
          200: Type.Object({
            colleagues: Type.Array(
              Type.Object({
                userId: Uuid,
                name: Type.String(),
                email: Type.String(),
                roles: Type.Array(Type.String()),
              }),
            ),
            invitations: Type.Array(
              Type.Object({
                id: Uuid,
                email: Type.String(),
                role: Type.String(),
                invitedBy: Type.String(),
                createdAt: DateTime,
                expiresAt: DateTime,
                state: Type.String(),
              }),
            ),
          }),
          ...errors(401, 404),
        },
      },
    },
    async (req) => listColleagues(ctx(), req.actor, req.params.partnerId),
  );
  app.post(
    '/partner/:partnerId/invitations',
    {
      schema: {
        tags,
        summary: 'Invite a colleague by email (valid 7 days); 409 while an invitation to the address is open',
        security,
        params: P,
        body: Type.Object({ email: Type.String({ maxLength: 254 }), role: Role }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Uuid }), ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await inviteColleague(ctx(), req.actor, req.params.partnerId, req.body, requestMeta(req))),
  );
  app.post(
    '/partner/:partnerId/invitations/:id/resend',
    {
      schema: {
        tags,
        summary: 'Send the invitation again with a new link valid 7 days',
        security,
        params: PId,
        response: { ...noContent, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await resendInvitation(ctx(), req.actor, req.params.partnerId, req.params.id, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
  app.delete(
    '/partner/:partnerId/invitations/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an open invitation',
        security,
        params: PId,
        response: { ...noContent, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await revokeInvitation(ctx(), req.actor, req.params.partnerId, req.params.id, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/partner/invitations/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invitation: only the invited, confirmed address',
        security,
        body: Type.Object({ token: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ partnerId: Uuid }), ...errors(400, 401, 403) },
      },
    },
    async (req) => ({ partnerId: await acceptInvitation(ctx(), req.actor, req.body.token, requestMeta(req)) }),
  );
  app.put(
    '/partner/:partnerId/colleagues/:id/roles',
    {
      schema: {
        tags,
        summary: 'Set a colleague’s roles; 409 when it would leave no administrator',
        security,
        params: PId,
        body: Type.Object({ roles: Type.Array(Role, { minItems: 1, maxItems: 3 }) }, { additionalProperties: false }),
        response: { ...noContent, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      await setColleagueRoles(ctx(), req.actor, req.params.partnerId, req.params.id, req.body.roles, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
  app.delete(
    '/partner/:partnerId/colleagues/:id',
    {
      schema: {
        tags,
        summary: 'Remove a person from the partner; 409 for the last administrator',
        security,
        params: PId,
        response: { ...noContent, ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await removeColleague(ctx(), req.actor, req.params.partnerId, req.params.id, requestMeta(req));
      return reply.status(204).send(null);
    },
  );

  // ---- Distributor accounts (REG-2, REG-4) ----
  app.get(
    '/partner/:partnerId/accounts',
    {
      schema: {
        tags,
        summary: 'REG-4: account claims with their confirmation state, the last review and the restriction',
        security,
        params: P,
        response: {
          200: Type.Object({
            claims: Type.Array(Claim),
            standing: Standing,
            reviewedAt: Nullable(DateTime),
            maintenanceMonths: Type.Integer(),
            distributors: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
          }),
          ...errors(401, 404),
        },
      },
    },
    async (req) => accountsOfPartner(ctx(), req.actor, req.params.partnerId),
  );
  app.post(
    '/partner/:partnerId/accounts',
    {
      schema: {
        tags,
        summary: 'REG-2: claim an account; the distributor must serve the partner’s country',
        security,
        params: P,
        body: Type.Object(
          { distributorId: Uuid, accountNumber: Type.String({ maxLength: 64 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Uuid, status: Type.String() }), ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await addAccountClaim(ctx(), req.actor, req.params.partnerId, req.body, requestMeta(req))),
  );
  app.delete(
    '/partner/:partnerId/accounts/:id',
    {
      schema: {
        tags,
        summary: 'Withdraw an account claim',
        security,
        params: PId,
        response: { ...noContent, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await removeAccountClaim(ctx(), req.actor, req.params.partnerId, req.params.id, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/partner/:partnerId/accounts/review',
    {
      schema: {
        tags,
        summary: 'REG-4: confirm the accounts are accurate; restarts the maintenance period',
        security,
        params: P,
        response: { ...noContent, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await confirmAccountsReviewed(ctx(), req.actor, req.params.partnerId, requestMeta(req));
      return reply.status(204).send(null);
    },
  );

  locationRoutes(fastify);
  renewalRoutes(fastify);
}
