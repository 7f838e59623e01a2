import Type from 'typebox';
import { DateTime, VersionInput } from '../../platform/api-schemas.ts';
import { LANGUAGES } from '../../platform/i18n.ts';
import { LEGAL_FORMS, LOCATION_TYPES, STEPS } from './registration.rules.ts';
import { APPLICATION_STATUSES } from './application-status.rules.ts';

// Shapes and hard size caps only; what the answers must mean is registration.rules.ts's job.
const text = (maxLength: number) => Type.String({ maxLength });
const Uuid = Type.String({ format: 'uuid' });

export const StepSchemas = {
  company: Type.Object(
    {
      legalName: text(1000),
      legalForm: Type.Union([Type.Enum(LEGAL_FORMS), Type.Literal('')], { description: 'Legal form of the entity' }),
      country: text(2),
      website: text(1000),
      registrationNumber: text(1000),
    },
    { additionalProperties: false },
  ),
  contacts: Type.Object(
    {
      primary: Type.Object(
        { name: text(1000), email: text(1000), phone: text(100), title: text(1000) },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  locations: Type.Object(
    {
      items: Type.Array(
        Type.Object(
          {
            lines: Type.Array(text(1000), { maxItems: 4 }),
            city: text(1000),
            postcode: text(100),
            country: text(2),
            type: Type.Union([Type.Enum(LOCATION_TYPES), Type.Literal('')]),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    },
    { additionalProperties: false },
  ),
  distributors: Type.Object(
    {
      items: Type.Array(
        Type.Object({ distributorId: text(100), accountNumber: text(200) }, { additionalProperties: false }),
        { maxItems: 200 },
      ),
      initialDistributorId: text(100),
    },
    { additionalProperties: false },
  ),
  added_value: Type.Object(
    { canDemonstrate: Type.Boolean(), providesServices: Type.Boolean(), servicesDescription: text(10_000) },
    { additionalProperties: false },
  ),
  personnel: Type.Object(
    {
      items: Type.Array(
        Type.Object({ name: text(1000), email: text(1000), role: text(1000) }, { additionalProperties: false }),
        { maxItems: 200 },
      ),
    },
    { additionalProperties: false },
  ),
} as const;

export const Finding = Type.Object({
  rule: Type.String({ description: 'The requirement ID, e.g. REG-8' }),
  outcome: Type.Enum(['pass', 'fail', 'review']),
  field: Type.String(),
  code: Type.String({ description: 'What the rule concluded, e.g. address_po_box; the catalogue key rules.<code>' }),
  params: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
      description: 'The evidence: matched words, provider, address line (1-based), domain…',
    }),
  ),
  message: Type.String({ description: "The finding as a sentence, in the caller's language on the pre-check" }),
});

export const Application = Type.Object({
  id: Uuid,
  reference: Type.String(),
  status: Type.Enum([...APPLICATION_STATUSES]),
  answers: Type.Object({}, { additionalProperties: true, description: 'The answers so far, by step' }),
  completedSteps: Type.Array(Type.Enum(STEPS)),
  version: Type.Integer({ description: 'Send back with the next step; a stale version gets 409' }),
  legalName: Type.Union([Type.String(), Type.Null()]),
  country: Type.Union([Type.String(), Type.Null()]),
  signatory: Type.Union([Type.Object({ name: Type.String(), title: Type.String() }), Type.Null()]),
  submittedAt: Type.Union([DateTime, Type.Null()]),
  staffQuestion: Type.Union([Type.String(), Type.Null()], { description: 'Only while more information is requested' }),
  members: Type.Array(
    Type.Object({ name: Type.String(), email: Type.String(), role: Type.Enum(['preparer', 'signatory']) }),
  ),
});

export const ApplicationSummary = Type.Object({
  id: Uuid,
  reference: Type.String(),
  status: Type.String(),
  legalName: Type.Union([Type.String(), Type.Null()]),
  country: Type.Union([Type.String(), Type.Null()]),
  updatedAt: DateTime,
  submittedAt: Type.Union([DateTime, Type.Null()]),
});

export const StepResult = Type.Object({ application: Application, findings: Type.Array(Finding) });
export const VersionedStep = <T extends Type.TSchema>(answers: T) =>
  Type.Object({ version: VersionInput, answers }, { additionalProperties: false });

export const LanguageCode = Type.Enum([...LANGUAGES]);

/** one language's texts of a version; textHash names exactly them and is sent back when submitting. */
export const AgreementText = Type.Object({
  language: LanguageCode,
  title: Type.String(),
  body: Type.String(),
  releaseOfInformation: Type.String({
    description: 'REG-6: the release-of-information and indemnity statement in this language',
  }),
  signatureAuthority: Type.String({ description: 'REG-1: the signature-authority statement in this language' }),
  textHash: Type.String(),
});

/** REG-11, X-1: title and body are the governing language's text; texts holds every language published. */
export const Agreement = Type.Object({
  id: Uuid,
  version: Type.String(),
  title: Type.String(),
  body: Type.String(),
  effectiveAt: DateTime,
  governingLanguage: LanguageCode,
  texts: Type.Array(AgreementText),
});

const TextInput = Type.Object(
  {
    title: text(300),
    body: text(500_000),
    releaseOfInformation: Type.Optional(
      Type.String({ maxLength: 20_000, description: 'omitted: the programme’s standard wording in this language' }),
    ),
    signatureAuthority: Type.Optional(
      Type.String({ maxLength: 5_000, description: 'omitted: the programme’s standard wording in this language' }),
    ),
  },
  { additionalProperties: false },
);

/** Staff publish a version: texts per language, the governing language's required (checked by checkAgreement). */
export const PublishAgreementBody = Type.Object(
  {
    version: Type.String({ minLength: 1, maxLength: 50 }),
    effectiveAt: Type.String({ format: 'date-time' }),
    governingLanguage: LanguageCode,
    texts: Type.Object(
      {
        en: Type.Optional(TextInput),
        es: Type.Optional(TextInput),
        fr: Type.Optional(TextInput),
        ja: Type.Optional(TextInput),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const ReviewResult = Type.Object({
  application: Application,
  findings: Type.Array(Finding),
  agreement: Type.Union([
    Type.Object({ id: Uuid, version: Type.String(), title: Type.String(), body: Type.String() }),
    Type.Null(),
  ]),
});

export const SubmitBody = Type.Object(
  {
    confirmsAuthority: Type.Boolean({ description: 'REG-1: I have authority to sign for the legal entity' }),
    name: text(1000),
    title: text(1000),
    acceptedAgreementVersion: text(100),
    consentsToRelease: Type.Boolean({ description: 'REG-6: release of information and indemnity' }),
    textLanguage: Type.Optional(
      Type.String({
        maxLength: 10,
        description: 'X-1: the language of the agreement text shown (GET /agreements/current, texts[].language)',
      }),
    ),
    textHash: Type.Optional(
      Type.String({
        maxLength: 100,
        description:
          'X-1: its textHash; no longer current answers 409 agreement_text_changed. Omitted: the governing text is recorded',
      }),
    ),
    applicantAnswer: Type.Optional(text(10_000)),
  },
  { additionalProperties: false },
);
export const SubmitResult = Type.Object({
  application: Application,
  findings: Type.Array(Finding),
  created: Type.Boolean(),
});

export const StatusResult = Type.Object({
  reference: Type.String(),
  status: Type.Enum([...APPLICATION_STATUSES]),
  message: Type.String({ description: 'What the status means; never a decline reason (REG-12)' }),
  staffQuestion: Type.Union([Type.String(), Type.Null()]),
  submittedAt: Type.Union([DateTime, Type.Null()]),
});

export const PrecheckBody = Type.Object(
  {
    country: Type.Optional(text(10)),
    email: Type.Optional(text(1000)),
    website: Type.Optional(text(1000)),
    address: Type.Optional(
      Type.Object(
        { lines: Type.Array(text(1000), { maxItems: 4 }), city: text(1000), postcode: text(100), country: text(10) },
        { additionalProperties: false },
      ),
    ),
    locationType: Type.Optional(text(20)),
    locationIndex: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 19,
        description: 'Which location of the form this is (0-based), so findings name it as the wizard does',
      }),
    ),
    distributors: Type.Optional(
      Type.Array(Type.Object({ distributorId: text(100), accountNumber: text(200) }, { additionalProperties: false }), {
        maxItems: 50,
      }),
    ),
  },
  { additionalProperties: false },
);
export const PrecheckResult = Type.Object({ findings: Type.Array(Finding) });
