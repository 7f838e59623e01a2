import Type from 'typebox';
import { DateTime, VersionInput } from '../../platform/api-schemas.ts';

// REG-10 request and response schemas (TypeBox, published in OpenAPI).

const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
export const PERSON_STATUSES = [
  'assigned',
  'due_soon',
  'awaiting_verification',
  'verified',
  'rejected',
  'overdue',
] as const;
export const COMPLIANCE = ['compliant', 'at_risk', 'non_compliant'] as const;
const Provider = Type.Enum(['vendor', 'partner', 'third_party']);

export const PartnerParams = Type.Object({ partnerId: Uuid });
export const PartnerItemParams = Type.Object({ partnerId: Uuid, id: Uuid });
export const IdParams = Type.Object({ id: Uuid });

export const PersonTraining = Type.Object({
  keyPersonId: Uuid,
  partner: Type.Object({ id: Uuid, legalName: Type.String(), country: Type.String() }),
  userId: Nullable(Uuid),
  name: Type.String(),
  email: Type.String(),
  role: Nullable(Type.String()),
  version: Type.Integer(),
  assignmentId: Nullable(Uuid),
  dueAt: Nullable(DateTime),
  status: Type.Enum(PERSON_STATUSES),
  latest: Nullable(
    Type.Object({
      id: Uuid,
      status: Type.String(),
      completedAt: Nullable(DateTime),
      courseName: Nullable(Type.String()),
      reviewReason: Nullable(Type.String({ description: "Staff's reason for a rejection, meant for the partner" })),
    }),
  ),
});

export const PartnerTraining = Type.Object({
  partnerId: Uuid,
  legalName: Type.String(),
  country: Type.String(),
  compliance: Type.Enum(COMPLIANCE),
  nonCompliantSince: Nullable(DateTime),
  flagged: Type.Boolean({ description: 'Non-compliant for longer than the staff-set number of days' }),
  people: Type.Array(PersonTraining),
});

export const FormerPerson = Type.Object({
  id: Uuid,
  name: Type.String(),
  email: Type.String(),
  role: Nullable(Type.String()),
  addedAt: DateTime,
  removedAt: DateTime,
});

export const KeyPersonBody = Type.Object(
  {
    userId: Type.Optional(
      Type.String({ format: 'uuid', description: 'A colleague with an account; else give name and email' }),
    ),
    name: Type.Optional(Type.String({ maxLength: 500 })),
    email: Type.Optional(Type.String({ maxLength: 500 })),
    role: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const KeyPersonUpdateBody = Type.Object(
  { ...KeyPersonBody.properties, version: VersionInput },
  { additionalProperties: false },
);
export const VersionQuery = Type.Object({ version: VersionInput }, { additionalProperties: false });

export const Completion = Type.Object({
  id: Uuid,
  assignmentId: Uuid,
  partnerId: Uuid,
  legalName: Type.String(),
  person: Type.Object({ name: Type.String(), email: Type.String() }),
  courseId: Nullable(Uuid),
  courseName: Type.String(),
  provider: Provider,
  completedAt: DateTime,
  certificateNumber: Nullable(Type.String()),
  certificate: Nullable(Type.Object({ type: Type.String(), name: Nullable(Type.String()) })),
  status: Type.Enum(['submitted', 'verified', 'rejected']),
  reviewReason: Nullable(Type.String()),
  reviewedAt: Nullable(DateTime),
  source: Type.Enum(['manual', 'learning_system']),
  recordedAt: DateTime,
  version: Type.Integer(),
});

export const CompletionBody = Type.Object(
  {
    courseId: Type.Optional(
      Type.String({ format: 'uuid', description: 'A configured course; else courseName and provider' }),
    ),
    courseName: Type.Optional(Type.String({ maxLength: 500 })),
    provider: Type.Optional(Provider),
    completedOn: Day,
    certificateNumber: Type.Optional(Type.String({ maxLength: 500 })),
    certificate: Type.Optional(
      Type.Object(
        {
          filename: Type.String({ maxLength: 300 }),
          contentBase64: Type.String({
            description: 'PDF, PNG or JPEG, at most 5 MB; the type is read from the content',
            contentEncoding: 'base64',
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ReviewBody = Type.Object(
  {
    decision: Type.Enum(['verify', 'reject']),
    reason: Type.Optional(Type.String({ maxLength: 2000, description: 'Required to reject; the partner reads it' })),
    version: VersionInput,
  },
  { additionalProperties: false },
);

export const Course = Type.Object({
  id: Uuid,
  name: Type.String(),
  provider: Provider,
  languages: Type.Array(Type.String()),
  link: Nullable(Type.String()),
  validityMonths: Type.Integer(),
  active: Type.Boolean(),
});
export const CourseBody = Type.Object(
  {
    name: Type.String({ maxLength: 500 }),
    provider: Provider,
    languages: Type.Array(Type.Enum(['en', 'es', 'fr', 'ja']), { maxItems: 4 }),
    link: Type.Optional(Type.String({ maxLength: 2000 })),
    validityMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, default: 12 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const Settings = Type.Object({
  graceDays: Type.Integer(),
  flagAfterDays: Type.Integer(),
  restrictNonCompliant: Type.Boolean(),
  version: Type.Integer(),
});
export const SettingsBody = Type.Object(
  {
    graceDays: Type.Integer({ minimum: 0, maximum: 730 }),
    flagAfterDays: Type.Integer({ minimum: 0, maximum: 730 }),
    restrictNonCompliant: Type.Boolean(),
    version: VersionInput,
  },
  { additionalProperties: false },
);

export const StaffQuery = Type.Object(
  {
    country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
    partnerId: Type.Optional(Uuid),
    status: Type.Optional(Type.Enum([...PERSON_STATUSES, ...COMPLIANCE, 'flagged'])),
  },
  { additionalProperties: false },
);

export const LearningSystemBody = Type.Object(
  {
    system: Type.String({ minLength: 1, maxLength: 100, description: 'The reporting learning system' }),
    completionId: Type.String({
      minLength: 1,
      maxLength: 200,
      description: "The system's own completion id: a repeat is answered, not recorded twice",
    }),
    email: Type.String({ minLength: 3, maxLength: 254 }),
    partnerId: Type.Optional(Uuid),
    courseId: Uuid,
    completedOn: Day,
    certificateNumber: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
