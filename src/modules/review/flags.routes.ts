import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { DateTime, errors, SESSION_OR_API_KEY } from '../../platform/api-schemas.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import {
  addressLists,
  addToAllowlist,
  addToWatchlist,
  ALLOWLIST_CODES,
  removeFromAllowlist,
  removeFromWatchlist,
  WATCHLIST_KINDS,
} from '../registration/index.ts';
import { VERDICTS } from './flags.rules.ts';
import { allowListFalseAlarm, recordVerdict } from './flags.service.ts';

// REG-7, REG-8 (#11): reviewers' verdicts on flags, the allow-list and the watchlist as JSON (staff only).

const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const IdParams = Type.Object({ id: Uuid });
const Key = {
  rule: Type.String({ maxLength: 20 }),
  code: Type.String({ maxLength: 100 }),
  field: Type.String({ maxLength: 200 }),
};

export const FindingVerdictSchema = Type.Object({
  ...Key,
  verdict: Type.Enum(VERDICTS),
  note: Nullable(Type.String()),
  reviewer: Type.String(),
  at: DateTime,
});
export const FlagKindRateSchema = Type.Object({
  code: Type.String(),
  flags: Type.Integer(),
  confirmed: Type.Integer(),
  falseAlarms: Type.Integer(),
  confirmationRate: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
});
const AllowlistEntry = Type.Object({
  id: Uuid,
  code: Type.String(),
  phrase: Type.String(),
  scope: Nullable(Type.String()),
  reason: Type.String(),
  addedBy: Nullable(Type.String()),
  addedAt: DateTime,
});
const WatchlistEntry = Type.Object({
  id: Uuid,
  kind: Type.Enum(WATCHLIST_KINDS),
  name: Type.String(),
  country: Nullable(Type.String()),
  note: Nullable(Type.String()),
  addedBy: Nullable(Type.String()),
  addedAt: DateTime,
});
const Added = Type.Object({
  id: Nullable(Uuid),
  created: Type.Boolean({ description: 'false when the same entry was already listed' }),
});

export async function flagRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;
  const tags = ['staff: flags'];
  const security = SESSION_OR_API_KEY;

  app.put(
    '/staff/applications/:id/findings/verdict',
    {
      schema: {
        tags,
        summary:
          'REG-7, REG-8: record or change the verdict on one flag (409 when `previous` is given and no longer current)',
        security,
        params: IdParams,
        body: Type.Object(
          {
            ...Key,
            verdict: Type.Enum(VERDICTS),
            note: Type.Optional(Type.String({ maxLength: 1000 })),
            previous: Type.Optional(Nullable(Type.Enum(VERDICTS))),
          },
          { additionalProperties: false },
        ),
        response: { 200: FindingVerdictSchema, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (req) => recordVerdict(ctx(), req.actor, req.params.id, req.body, requestMeta(req)),
  );
  app.post(
    '/staff/applications/:id/findings/allowlist',
    {
      schema: {
        tags,
        summary:
          'Put a flag marked as a false alarm on the allow-list, only at its address or website (`here`) or everywhere',
        security,
        params: IdParams,
        body: Type.Object({ ...Key, where: Type.Enum(['here', 'everywhere']) }, { additionalProperties: false }),
        response: { 200: Added, ...errors(401, 403, 404, 422) },
      },
    },
    async (req) => {
      const { rule, code, field, where } = req.body;
      return allowListFalseAlarm(ctx(), req.actor, req.params.id, { rule, code, field }, where, requestMeta(req));
    },
  );
  app.get(
    '/staff/allowlist',
    {
      schema: {
        tags,
        summary: 'Confirmed false alarms the address and email checks no longer raise',
        security,
        response: { 200: Type.Array(AllowlistEntry), ...errors(401, 403) },
      },
    },
    async (req) => (await addressLists(ctx(), req.actor)).allowlist,
  );
  app.post(
    '/staff/allowlist',
    {
      schema: {
        tags,
        summary: 'Add an allow-list entry: a flag kind, the phrase, optionally the address or website it is limited to',
        security,
        body: Type.Object(
          {
            code: Type.Enum(ALLOWLIST_CODES as string[]),
            phrase: Type.String({ maxLength: 200 }),
            scope: Type.Optional(Nullable(Type.String({ maxLength: 400 }))),
            reason: Type.String({ maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Added, ...errors(401, 403, 422) },
      },
    },
    async (req) => addToAllowlist(ctx(), req.actor, req.body, requestMeta(req)),
  );
  app.delete(
    '/staff/allowlist/:id',
    {
      schema: {
        tags,
        summary: 'Remove an allow-list entry',
        security,
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await removeFromAllowlist(ctx(), req.actor, req.params.id, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/staff/watchlist',
    {
      schema: {
        tags,
        summary: 'REG-7: providers staff added to the watchlist (the shipped list is data-files/address-watchlist.csv)',
        security,
        response: { 200: Type.Array(WatchlistEntry), ...errors(401, 403) },
      },
    },
    async (req) => (await addressLists(ctx(), req.actor)).watchlist,
  );
  app.post(
    '/staff/watchlist',
    {
      schema: {
        tags,
        summary: 'REG-7: add a provider to flag',
        security,
        body: Type.Object(
          {
            kind: Type.Enum(WATCHLIST_KINDS),
            name: Type.String({ maxLength: 200 }),
            country: Type.Optional(Type.String({ maxLength: 2 })),
            note: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Added, ...errors(401, 403, 422) },
      },
    },
    async (req) => addToWatchlist(ctx(), req.actor, req.body, requestMeta(req)),
  );
  app.delete(
    '/staff/watchlist/:id',
    {
      schema: {
        tags,
        summary: 'REG-7: remove a provider staff added',
        security,
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await removeFromWatchlist(ctx(), req.actor, req.params.id, requestMeta(req));
      return reply.status(204).send(null);
    },
  );
}
