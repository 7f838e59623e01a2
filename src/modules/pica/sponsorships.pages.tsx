import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { noErrors, type FormErrors } from '../../platform/views/components.tsx';
import { pageCtx, pick, signedIn } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { sponsoringPartner } from './administrators.service.ts';
import { listContracts } from './contracts.service.ts';
import {
  decideToolRequest,
  reconfirmCustomer,
  revokeAccess,
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
import { picaFormErrors } from './views.tsx';
import { SponsorshipsPage, SponsorForm, KeyPage, SponsorshipPage, UsersPage } from './sponsorships.views.tsx';

const NOTICES = {
  revoked: 'pica.admin.revoked',
  access_revoked: 'pica.admin.users.revoked',
  reconfirmed: 'pica.admin.users.reconfirmed',
  decided: 'pica.admin.users.request_decided',
};

const SPONSOR_FIELDS = [
  'customer_name',
  'country',
  'email_domains',
  'contract_number',
  'purchase_reference',
  'attest_purchase',
  'valid_days',
  'max_uses',
];
const optionalInt = (value: string | undefined) => (value?.trim() ? Number(value) : undefined);

/** PICA-5, PICA-8: the PICA administrator's tool: sponsorships, keys, sponsored users. */
export async function picaSponsorshipPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  const admin = (req: FastifyRequest, reply: FastifyReply): Actor | undefined => {
    const actor = signedIn(req, reply, req.method === 'GET' ? req.url : '/pica/admin');
    if (actor) sponsoringPartner(actor);
    return actor;
  };

  app.get('/pica/admin', async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    return sendPage(
      reply,
      <SponsorshipsPage
        ctx={pageCtx(req, reply, { notices: NOTICES })}
        sponsorships={await listSponsorships(appCtx(), actor)}
      />,
    );
  });

  const sponsorForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    values: Record<string, string>,
    errors: FormErrors,
    status = 200,
  ) =>
    sendPage(
      reply,
      <SponsorForm
        ctx={pageCtx(req, reply, { path: '/pica/admin/sponsor' })}
        contracts={await listContracts(appCtx(), actor, sponsoringPartner(actor))}
        values={values}
        errors={errors}
      />,
      status,
    );

  app.get('/pica/admin/sponsor', async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    return sponsorForm(req, reply, actor, {}, noErrors);
  });

  app.post('/pica/admin/sponsor', async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    const v = pick(req.body, ...SPONSOR_FIELDS);
    try {
      const issued = await sponsorCustomer(
        appCtx(),
        actor,
        {
          customerName: v.customer_name!,
          country: v.country!,
          emailDomains: v.email_domains!,
          contractNumber: v.contract_number!,
          purchaseReference: v.purchase_reference!,
          attestPurchase: v.attest_purchase === 'yes',
          validDays: optionalInt(v.valid_days),
          maxUses: optionalInt(v.max_uses),
        },
        requestMeta(req),
      );
      return sendPage(
        reply,
        <KeyPage
          ctx={pageCtx(req, reply, { path: `/pica/admin/sponsorships/${issued.sponsorship.id}` })}
          issued={issued}
        />,
        201,
      );
    } catch (error) {
      return sponsorForm(req, reply, actor, v, picaFormErrors(pageCtx(req, reply), error), 422);
    }
  });

  app.get<{ Params: { id: string } }>('/pica/admin/sponsorships/:id', async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    return sendPage(
      reply,
      <SponsorshipPage
        ctx={pageCtx(req, reply, { notices: NOTICES })}
        s={await getSponsorship(appCtx(), actor, req.params.id)}
        errors={noErrors}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/pica/admin/sponsorships/:id/revoke', async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    await revokeSponsorship(appCtx(), actor, req.params.id, requestMeta(req));
    return reply.redirect(`/pica/admin/sponsorships/${req.params.id}?notice=revoked`, 303);
  });

  app.post<{ Params: { id: string } }>('/pica/admin/sponsorships/:id/key', async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    try {
      const issued = await reissueKey(appCtx(), actor, req.params.id, {}, requestMeta(req));
      return sendPage(
        reply,
        <KeyPage ctx={pageCtx(req, reply, { path: `/pica/admin/sponsorships/${req.params.id}` })} issued={issued} />,
      );
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: `/pica/admin/sponsorships/${req.params.id}` });
      return sendPage(
        reply,
        <SponsorshipPage
          ctx={ctx}
          s={await getSponsorship(appCtx(), actor, req.params.id)}
          errors={picaFormErrors(ctx, error)}
        />,
        409,
      );
    }
  });

  app.get('/pica/admin/users', async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    return sendPage(
      reply,
      <UsersPage
        ctx={pageCtx(req, reply, { notices: NOTICES })}
        users={await sponsoredUsers(appCtx(), actor)}
        customers={await sponsoredCustomers(appCtx(), actor)}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/pica/admin/access/:id/revoke', async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    await revokeAccess(appCtx(), actor, { accessId: req.params.id }, requestMeta(req));
    return reply.redirect('/pica/admin/users?notice=access_revoked', 303);
  });

  app.post<{ Params: { id: string } }>('/pica/admin/customers/:id/revoke', async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    await revokeAccess(appCtx(), actor, { customerId: req.params.id }, requestMeta(req));
    return reply.redirect('/pica/admin/users?notice=access_revoked', 303);
  });

  app.post<{ Params: { id: string } }>('/pica/admin/customers/:id/reconfirm', async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    await reconfirmCustomer(appCtx(), actor, req.params.id, requestMeta(req));
    return reply.redirect('/pica/admin/users?notice=reconfirmed', 303);
  });

  app.post<{ Params: { id: string } }>('/pica/admin/tool-requests/:id/decision', async (req, reply) => {
    const actor = admin(req, reply);
    if (!actor) return reply;
    const { decision } = pick(req.body, 'decision');
    await decideToolRequest(
      appCtx(),
      actor,
      req.params.id,
      decision === 'grant' ? 'grant' : 'decline',
      requestMeta(req),
    );
    return reply.redirect('/pica/admin/users?notice=decided', 303);
  });
}
