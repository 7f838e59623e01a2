import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../../platform/api-schemas.ts';
import { requireUser } from '../../platform/auth.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import * as accounts from './accounts.service.ts';
import {
  Accepted,
  Account,
  EmailBody,
  Me,
  ResetConfirmBody,
  SettingsBody,
  SignInBody,
  SignInResponse,
  SignUpBody,
  TokenBody,
} from './accounts.schemas.ts';
import { clearSessionCookie, readSessionToken, setSessionCookie } from './session.ts';

/** the account capabilities as JSON (REG-1 foundation). */
export async function accountsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = () => app.appContext;
  const secure = () => app.appContext.config.isProduction;
  const tags = ['accounts'];

  app.post(
    '/auth/sign-up',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary:
          'Create an account; a confirmation link is emailed (an address that has an account gets the same answer, and its owner an email)',
        body: SignUpBody,
        response: { 202: Accepted, ...errors(400, 422, 429) },
      },
    },
    async (req, reply) => {
      await accounts.signUp(ctx(), { ...req.body, language: req.body.language ?? req.lang }, requestMeta(req));
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/auth/verify-email',
    {
      schema: {
        tags,
        summary: 'Confirm an email address with the token from the emailed link',
        body: TokenBody,
        response: { 204: { type: 'null' }, ...errors(400) },
      },
    },
    async (req, reply) => {
      await accounts.verifyEmail(ctx(), req.body.token, requestMeta(req));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/resend-verification',
    {
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Email a new confirmation link (answers the same for unknown addresses)',
        body: EmailBody,
        response: { 202: Accepted, ...errors(400, 429) },
      },
    },
    async (req, reply) => {
      await accounts.resendVerification(ctx(), req.body.email, requestMeta(req));
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/auth/sign-in',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Sign in; sets the session cookie',
        body: SignInBody,
        response: { 200: SignInResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (req, reply) => {
      const result = await accounts.signIn(ctx(), req.body, requestMeta(req));
      const previous = readSessionToken(req);
      if (previous) await accounts.discardSession(ctx(), previous);
      setSessionCookie(reply, result.sessionToken, secure());
      return { account: result.account, expiresAt: result.expiresAt.toISOString() };
    },
  );

  app.post(
    '/auth/sign-out',
    { schema: { tags, summary: 'End the current session', response: { 204: { type: 'null' } } } },
    async (req, reply) => {
      const token = readSessionToken(req);
      if (token) await accounts.signOut(ctx(), token, requestMeta(req));
      clearSessionCookie(reply, secure());
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/password-reset',
    {
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Email a password reset link (answers the same for unknown addresses)',
        body: EmailBody,
        response: { 202: Accepted, ...errors(400, 429) },
      },
    },
    async (req, reply) => {
      await accounts.requestPasswordReset(ctx(), req.body.email, requestMeta(req));
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Set a new password with the token from the reset link; ends every session',
        body: ResetConfirmBody,
        response: { 204: { type: 'null' }, ...errors(400, 422) },
      },
    },
    async (req, reply) => {
      await accounts.resetPassword(ctx(), req.body.token, req.body.password, requestMeta(req));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags,
        summary: 'The signed-in account and its roles',
        security: [{ session: [] }],
        response: { 200: Me, ...errors(401) },
      },
    },
    async (req) => {
      const actor = requireUser(req.actor);
      return {
        id: actor.userId,
        email: actor.email,
        name: actor.name,
        language: actor.language,
        emailVerified: actor.emailVerified,
        roles: actor.grants,
      };
    },
  );

  app.patch(
    '/me',
    {
      schema: {
        tags,
        summary: 'Change name or language preference',
        security: [{ session: [] }],
        body: SettingsBody,
        response: { 200: Account, ...errors(400, 401, 422) },
      },
    },
    async (req) => {
      const actor = requireUser(req.actor);
      return accounts.updateSettings(
        ctx(),
        actor,
        { name: req.body.name ?? actor.name, language: req.body.language ?? actor.language },
        requestMeta(req),
      );
    },
  );
}
