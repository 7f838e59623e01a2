import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import { isCountryCode } from '../../platform/countries.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { formField, formVersion, requestMeta } from '../../platform/request-meta.ts';
import { noErrors } from '../../platform/views/components.tsx';
import { errorText, pageCtx, signedIn } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { distributorsServing, getDistributor, type Distributor } from '../distributors/index.ts';
import { JoinPage, JoinRefusedPage } from './invitation-views.tsx';
import { ListPage } from './list-page.tsx';
import { parseSignature, parseStep } from './registration.forms.ts';
import { AgreementPage } from './agreement-views.tsx';
import { blocking, STEPS, type ApplicationAnswers, type Step } from './registration.rules.ts';
import { isEditable } from './application-status.rules.ts';
import { textFor } from './agreement-texts.rules.ts';
import * as registration from './registration.service.ts';
import * as agreements from './agreements.service.ts';
import * as invitations from './invitations.service.ts';
import { StatusPage } from './status-page.tsx';
import { StepPage, type StepState } from './step-page.tsx';
import { ReviewPage, type ReviewState } from './summary-page.tsx';
import { applicantErrors, asViolation, continuePath, flagsOf, isStep, REPEATED } from './wizard-frame.tsx';

// REG-13: the Partner Registration Tool's routes. A guided application in steps, saved at every
// step (even when a rule fails, so nothing typed is lost), resumable, with a summary, the signing
// form (REG-1, REG-6, REG-11) and the applicant's view of the status (REG-12). The screens are
// in their own files (step-page, summary-page, status-page, list-page, invitation-views).

const NOTICES: Record<string, string> = {
  step_saved: 'registration.notice_saved',
  step_saved_flagged: 'registration.notice_saved_flagged',
  invited: 'registration.notice_invited',
  joined: 'registration.notice_joined',
};

const ctxOf = (req: FastifyRequest, reply: FastifyReply) => pageCtx(req, reply, { notices: NOTICES });

/**
 * Empty groups offered under a repeated step's filled ones: one when nothing is listed yet;
 * otherwise none, and "Add another" adds one (an empty group would look required).
 */
function emptyGroupsFor(step: Step, answers: ApplicationAnswers[Step] | undefined): number {
  if (!REPEATED.includes(step)) return 0;
  return ((answers as { items?: unknown[] } | undefined)?.items ?? []).length === 0 ? 1 : 0;
}

const JOIN_REFUSALS = ['token_invalid', 'invitation_not_for_you', 'email_not_verified'] as const;
const isJoinRefusal = (error: unknown): error is AppError & { code: (typeof JOIN_REFUSALS)[number] } =>
  error instanceof AppError && (JOIN_REFUSALS as readonly string[]).includes(error.code);

type IdParams = { Params: { id: string } };
type StepParams = { Params: { id: string; step: string } };

export async function registrationPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;

  /** The distributors that serve the country, and any already claimed that no longer do. */
  async function distributorChoices(country: string | undefined, claimed: readonly string[]): Promise<Distributor[]> {
    const serving = country && isCountryCode(country) ? await distributorsServing(appCtx(), country) : [];
    const known = new Set(serving.map((d) => d.id));
    const others = await Promise.all(
      claimed.filter((id) => id && !known.has(id)).map((id) => getDistributor(appCtx(), id).catch(() => undefined)),
    );
    return [...serving, ...others.filter((d): d is Distributor => !!d && !known.has(d.id))];
  }

  async function renderStep(
    req: FastifyRequest,
    reply: FastifyReply,
    state: Omit<StepState, 'distributors'>,
    status = 200,
  ) {
    const ctx = ctxOf(req, reply);
    const distributors =
      state.step === 'distributors'
        ? await distributorChoices(
            state.application.answers.company?.country,
            ((state.answers as ApplicationAnswers['distributors']) ?? { items: [] }).items.map((i) => i.distributorId),
          )
        : undefined;
    return sendPage(
      reply,
      <StepPage ctx={ctx} state={{ ...state, ...(distributors ? { distributors } : {}) }} />,
      status,
    );
  }

  async function renderReview(
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    id: string,
    input: Partial<Pick<ReviewState, 'signature' | 'applicantAnswer' | 'errors' | 'inviteEmail' | 'inviteErrors'>>,
    status = 200,
  ) {
    const { application, findings } = await registration.reviewApplication(appCtx(), actor, id);
    if (!isEditable(application.status)) return reply.redirect(`/apply/${id}/status`, 303);
    const agreement = await agreements.currentAgreementView(appCtx());
    const claimed = application.answers.distributors?.items.map((i) => i.distributorId) ?? [];
    const names = new Map((await distributorChoices(undefined, claimed)).map((d) => [d.id, d.legalName]));
    const ctx = ctxOf(req, reply);
    const state: ReviewState = {
      application,
      findings,
      agreement,
      distributorNames: names,
      signature: input.signature ?? {
        confirmsAuthority: false,
        name: application.signatory?.name ?? actor.name,
        title: application.signatory?.title ?? '',
        acceptedAgreementVersion: '',
        consentsToRelease: false,
      },
      applicantAnswer: input.applicantAnswer ?? '',
      errors: input.errors ?? noErrors,
      inviteEmail: input.inviteEmail ?? '',
      inviteErrors: input.inviteErrors ?? noErrors,
    };
    return sendPage(reply, <ReviewPage ctx={ctx} state={state} />, status);
  }

  // REG-13: your applications, and the button that starts one.
  app.get('/apply', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    return sendPage(
      reply,
      <ListPage
        ctx={ctxOf(req, reply)}
        applications={await registration.listMyApplications(appCtx(), actor)}
        errors={noErrors}
      />,
    );
  });

  app.post('/apply', async (req, reply) => {
    const actor = signedIn(req, reply, '/apply');
    if (!actor) return reply;
    try {
      const application = await registration.startApplication(appCtx(), actor, requestMeta(req));
      return reply.redirect(`/apply/${application.id}/${STEPS[0]}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'email_not_verified') throw error;
      const ctx = ctxOf(req, reply);
      return sendPage(
        reply,
        <ListPage
          ctx={ctx}
          applications={await registration.listMyApplications(appCtx(), actor)}
          errors={{ general: errorText(ctx, error), fields: {} }}
        />,
        403,
      );
    }
  });

  // REG-1: the invited colleague follows the emailed link, signed in with the invited address,
  // and sees what they are asked to join. Joining changes state, so it is a form post (CSRF).
  app.get('/apply/join', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const token = formField(req.query, 'token');
    try {
      const invitation = await invitations.previewInvitation(appCtx(), actor, token);
      return sendPage(reply, <JoinPage ctx={ctxOf(req, reply)} invitation={invitation} token={token} />);
    } catch (error) {
      if (!isJoinRefusal(error)) throw error;
      return sendPage(reply, <JoinRefusedPage ctx={ctxOf(req, reply)} reason={error.code} />, error.status);
    }
  });

  app.post('/apply/join', async (req, reply) => {
    const token = formField(req.body, 'token');
    const actor = signedIn(req, reply, `/apply/join?token=${encodeURIComponent(token)}`);
    if (!actor) return reply;
    try {
      const id = await invitations.acceptSignatoryInvitation(appCtx(), actor, token, requestMeta(req));
      return reply.redirect(`/apply/${id}/review?notice=joined`, 303);
    } catch (error) {
      if (!isJoinRefusal(error)) throw error;
      return sendPage(
        reply,
        <JoinRefusedPage ctx={pageCtx(req, reply, { path: '/apply' })} reason={error.code} />,
        error.status,
      );
    }
  });

  app.get<IdParams>('/apply/:id', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    return reply.redirect(continuePath(await registration.getApplication(appCtx(), actor, req.params.id)), 303);
  });

  // any version in effect, in a chosen language (the governing one, linked from a translation);
  // a language without a text shows the governing text with the statement that it binds.
  app.get<{ Params: { version: string }; Querystring: { lang?: string } }>(
    '/agreements/:version',
    async (req, reply) => {
      const agreement = await agreements.agreementVersionView(appCtx(), req.params.version);
      if (!agreement) throw notFound('Agreement version');
      const ctx = ctxOf(req, reply);
      const shown = textFor(agreement.texts, formField(req.query, 'lang') || ctx.lang, agreement.governingLanguage);
      if (!shown) throw notFound('Agreement text');
      return sendPage(
        reply,
        <AgreementPage ctx={ctx} agreement={agreement} shown={shown.text} fallback={shown.fallback} />,
      );
    },
  );

  app.get<IdParams>('/apply/:id/status', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const application = await registration.getApplication(appCtx(), actor, req.params.id);
    return sendPage(reply, <StatusPage ctx={ctxOf(req, reply)} application={application} />);
  });

  app.get<IdParams>('/apply/:id/review', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    return renderReview(req, reply, actor, req.params.id, {});
  });

  app.post<IdParams>('/apply/:id/submit', async (req, reply) => {
    const { id } = req.params;
    const actor = signedIn(req, reply, `/apply/${id}/review`);
    if (!actor) return reply;
    const { signature, applicantAnswer } = parseSignature(req.body);
    try {
      await registration.submitApplication(appCtx(), actor, id, signature, applicantAnswer, requestMeta(req));
    } catch (error) {
      // A stale agreement text re-renders with the current one and a 409.
      if (!(error instanceof AppError) || !['validation_failed', 'agreement_text_changed'].includes(error.code))
        throw error;
      const fresh =
        error.code === 'agreement_text_changed'
          ? { ...signature, acceptedAgreementVersion: '', consentsToRelease: false, confirmsAuthority: false }
          : signature;
      return renderReview(
        req,
        reply,
        actor,
        id,
        { signature: fresh, applicantAnswer, errors: applicantErrors(req.t, error.violations) },
        error.status,
      );
    }
    return reply.redirect(`/apply/${id}/status`, 303);
  });

  app.post<IdParams>(
    '/apply/:id/invite',
    { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const { id } = req.params;
      const actor = signedIn(req, reply, `/apply/${id}/review`);
      if (!actor) return reply;
      const email = formField(req.body, 'email');
      try {
        await invitations.inviteSignatory(appCtx(), actor, id, email, requestMeta(req));
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
        const inviteErrors = applicantErrors(
          req.t,
          error.violations.map((v) => ({ ...v, field: 'invite.email' })),
        );
        return renderReview(req, reply, actor, id, { inviteEmail: email, inviteErrors }, 422);
      }
      return reply.redirect(`/apply/${id}/review?notice=invited`, 303);
    },
  );

  app.get<StepParams>('/apply/:id/:step', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const { id, step } = req.params;
    if (!isStep(step)) throw notFound('Page');
    const { application, findings } = await registration.reviewApplication(appCtx(), actor, id);
    if (!isEditable(application.status)) return reply.redirect(`/apply/${id}/status`, 303);
    const answers = application.answers[step];
    return renderStep(req, reply, {
      application,
      step,
      answers,
      extraRows: emptyGroupsFor(step, answers),
      errors: noErrors,
      flags: answers ? flagsOf(findings, step) : [],
    });
  });

  // REG-13: "Save and continue" always saves what was typed; failing rules re-render the step.
  app.post<StepParams>('/apply/:id/:step', async (req, reply) => {
    const { id, step } = req.params;
    const actor = signedIn(req, reply, `/apply/${id}/${step}`);
    if (!actor) return reply;
    if (!isStep(step)) throw notFound('Page');
    const { answers, emptyRows } = parseStep(step, req.body);
    const version = formVersion(formField(req.body, 'version'));
    const adding = formField(req.body, 'action') === 'add' && REPEATED.includes(step);
    let saved: Awaited<ReturnType<typeof registration.saveStep>>;
    try {
      saved = await registration.saveStep(
        appCtx(),
        actor,
        id,
        step,
        answers,
        Number.isInteger(version) ? version : -1,
        requestMeta(req),
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'application_not_editable') return reply.redirect(`/apply/${id}/status`, 303);
      if (error.code !== 'stale_version') throw error;
      // Keep what was typed, with the current version: saving again is a deliberate choice.
      const application = await registration.getApplication(appCtx(), actor, id);
      return renderStep(
        req,
        reply,
        {
          application,
          step,
          answers,
          extraRows: Math.max(1, emptyRows),
          errors: { general: req.t('registration.stale_version'), fields: {} },
          flags: [],
        },
        409,
      );
    }
    const { application, findings } = saved;
    const flags = flagsOf(findings, step);
    if (adding)
      return renderStep(req, reply, { application, step, answers, extraRows: emptyRows + 1, errors: noErrors, flags });
    const failures = blocking(findings);
    if (failures.length > 0)
      return renderStep(
        req,
        reply,
        {
          application,
          step,
          answers,
          extraRows: emptyGroupsFor(step, answers),
          errors: applicantErrors(req.t, failures.map(asViolation)),
          flags,
        },
        422,
      );
    const next = STEPS[STEPS.indexOf(step) + 1] ?? 'review';
    return reply.redirect(`/apply/${id}/${next}?notice=${flags.length > 0 ? 'step_saved_flagged' : 'step_saved'}`, 303);
  });
}
