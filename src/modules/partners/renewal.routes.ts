import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { DateTime, errors, SESSION } from '../../platform/api-schemas.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { requirePermission } from '../../platform/auth.ts';
import { confirmRenewal, renewalOf, renewalsForStaff } from './renewal.service.ts';
import { RENEWAL_CONFIRMATIONS } from './self-service.rules.ts';
import { partnerSettings, updatePartnerSettings } from './self-service.service.ts';
import { Nullable, P, Uuid } from './self-service.schemas.ts';

// Issue #12 item 6: the annual renewal, and programme staff's renewals and maintenance period (REG-4).
export function renewalRoutes(fastify: FastifyInstance): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;
  const tags = ['partner self service'];
  const security = SESSION;

  // ---- Renewal (issue #12 item 6) ----
  app.get(
    '/partner/:partnerId/renewal',
    {
      schema: {
        tags,
        summary: 'The annual renewal: state, term end, and a newer agreement to accept',
        security,
        params: P,
        response: {
          200: Type.Object({
            state: Type.String(),
            termEndsAt: Nullable(DateTime),
            newerAgreement: Nullable(
              Type.Object({ id: Uuid, version: Type.String(), title: Type.String(), body: Type.String() }),
            ),
          }),
          ...errors(401, 404),
        },
      },
    },
    async (req) => renewalOf(ctx(), req.actor, req.params.partnerId),
  );
  app.post(
    '/partner/:partnerId/renewal',
    {
      schema: {
        tags,
        summary:
          'Confirm the renewal (every confirmation, and the newer agreement when there is one); extends the term by 12 months',
        security,
        params: P,
        body: Type.Object(
          {
            confirmed: Type.Array(Type.Enum([...RENEWAL_CONFIRMATIONS]), { maxItems: RENEWAL_CONFIRMATIONS.length }),
            agreementAccepted: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ termEndsAt: DateTime }), ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) =>
      confirmRenewal(
        ctx(),
        req.actor,
        req.params.partnerId,
        { confirmed: req.body.confirmed, agreementAccepted: req.body.agreementAccepted ?? false },
        requestMeta(req),
      ),
  );

  // ---- Programme staff ----
  const staffTags = ['staff: partners'];
  app.get(
    '/staff/renewals',
    {
      schema: {
        tags: staffTags,
        summary: 'Renewals due, done and lapsed',
        security,
        response: {
          200: Type.Array(
            Type.Object({
              partnerId: Uuid,
              legalName: Type.String(),
              country: Type.String(),
              termEndsAt: Nullable(DateTime),
              lastRenewedAt: Nullable(DateTime),
              state: Type.String(),
            }),
          ),
          ...errors(401, 403),
        },
      },
    },
    async (req) => renewalsForStaff(ctx(), req.actor),
  );
  const Settings = Type.Object(
    {
      maintenanceMonths: Type.Integer({
        minimum: 1,
        maximum: 60,
        description: 'REG-4: months within which a partner must review its distributor accounts',
      }),
    },
    { additionalProperties: false },
  );
  app.get(
    '/staff/partner-settings',
    {
      schema: {
        tags: staffTags,
        summary: 'REG-4: the maintenance period',
        security,
        response: { 200: Settings, ...errors(401, 403) },
      },
    },
    async (req) => {
      requirePermission(req.actor, 'applications:review');
      return partnerSettings(ctx().db);
    },
  );
  app.put(
    '/staff/partner-settings',
    {
      schema: {
        tags: staffTags,
        summary: 'REG-4: change the maintenance period (staff administrators)',
        security,
        body: Settings,
        response: { 200: Settings, ...errors(401, 403, 422) },
      },
    },
    async (req) => updatePartnerSettings(ctx(), req.actor, req.body, requestMeta(req)),
  );
}
