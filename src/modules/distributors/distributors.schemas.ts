import Type from 'typebox';
import { DateTime, VersionInput } from '../../platform/api-schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const Country = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 country code' });
const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const DistributorPublic = Type.Object({
  id: Uuid,
  code: Type.String(),
  legalName: Type.String(),
  hqCountry: Type.String(),
  countriesServed: Type.Array(Type.String(), { description: 'Where it is located and where it is authorised to sell' }),
  website: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  acceptsNewResellers: Type.Boolean(),
});

export const DistributorFull = Type.Object({
  ...DistributorPublic.properties,
  organisationId: Uuid,
  territories: Type.Array(Type.String()),
  status: Type.Enum(['active', 'retired']),
  version: Type.Integer({ description: 'Send back when changing it; a stale version gets 409' }),
});

export const LocatorQuery = Type.Object({ country: Country }, { additionalProperties: false });
export const LocatorResponse = Type.Object({ country: Type.String(), distributors: Type.Array(DistributorPublic) });
export const IdParams = Type.Object({ id: Uuid });

export const InquiryBody = Type.Object(
  {
    name: Type.String({ maxLength: 500 }),
    email: Type.String({ maxLength: 500 }),
    company: Type.Optional(Type.String({ maxLength: 500 })),
    message: Type.String({ maxLength: 10_000 }),
    website: Type.Optional(Type.String({ maxLength: 500, description: 'Leave empty (spam trap)' })),
  },
  { additionalProperties: false },
);

export const DistributorBody = Type.Object(
  {
    code: Type.String({ maxLength: 100 }),
    legalName: Type.String({ maxLength: 1000 }),
    hqCountry: Type.String({ maxLength: 10 }),
    territories: Type.Array(Type.String({ maxLength: 10 }), { maxItems: 300 }),
    website: Type.Optional(Type.String({ maxLength: 1000 })),
    phone: Type.Optional(Type.String({ maxLength: 100 })),
    email: Type.Optional(Type.String({ maxLength: 500 })),
    acceptsNewResellers: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const DistributorUpdateBody = Type.Object(
  { ...Type.Omit(DistributorBody, ['code']).properties, version: VersionInput },
  { additionalProperties: false },
);

export const VersionBody = Type.Object({ version: VersionInput }, { additionalProperties: false });

export const CsvProblem = Type.Object({ line: Type.Integer(), field: Type.String(), message: Type.String() });

export const ImportReport = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Integer(),
  problems: Type.Array(CsvProblem),
});

export const UploadReport = Type.Object({
  uploadId: Uuid,
  status: Type.Enum(['done', 'failed']),
  rowsRead: Type.Integer(),
  rowsWritten: Type.Integer(),
  rowsRejected: Type.Integer(),
  duplicates: Type.Integer(),
  claimsConfirmed: Type.Integer(),
  claimsNameMismatch: Type.Integer({
    description:
      'REG-2: pending claims of listed accounts left for you to decide because the list names another company',
  }),
  problems: Type.Array(CsvProblem),
  problemsOmitted: Type.Integer(),
  failure: Nullable(Type.String()),
});

export const UploadStatus = Type.Object({
  id: Uuid,
  filename: Type.String(),
  status: Type.Enum(['processing', 'done', 'failed']),
  rowsRead: Type.Integer(),
  rowsWritten: Type.Integer(),
  rowsRejected: Type.Integer(),
  duplicates: Type.Integer(),
  problems: Type.Array(CsvProblem),
  failure: Nullable(Type.String()),
  createdAt: DateTime,
  finishedAt: Nullable(DateTime),
});

export const DistributorParams = Type.Object({ distributorId: Uuid });
export const ClaimParams = Type.Object({ distributorId: Uuid, claimId: Uuid });
export const UploadParams = Type.Object({ distributorId: Uuid, uploadId: Uuid });
export const ResellerParams = Type.Object({ distributorId: Uuid, partnerId: Uuid });
export const KeyParams = Type.Object({ distributorId: Uuid, keyId: Uuid });

export const ClaimStatus = Type.Enum(['pending', 'confirmed', 'rejected']);
export const ClaimsQuery = Type.Object({ status: Type.Optional(ClaimStatus) }, { additionalProperties: false });

export const Reseller = Type.Object({
  id: Uuid,
  legalName: Type.String(),
  country: Type.String(),
  contactName: Nullable(Type.String()),
  contactEmail: Nullable(Type.String()),
  contactPhone: Nullable(Type.String()),
});

export const Claim = Type.Object({
  id: Uuid,
  accountNumber: Type.String(),
  status: ClaimStatus,
  createdAt: DateTime,
  decidedAt: Nullable(DateTime),
  note: Nullable(Type.String()),
  reseller: Reseller,
  listedName: Nullable(Type.String()),
  nameMatch: Nullable(
    Type.Object(
      { listedName: Nullable(Type.String()), score: Nullable(Type.Number()), matched: Type.Boolean() },
      {
        description:
          'REG-2: the company the account list named for the account when the claim was checked, and how well it matched the reseller (1 = same name)',
      },
    ),
  ),
});

export const DecisionBody = Type.Object(
  { decision: Type.Enum(['confirm', 'reject']), note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export const DecisionResponse = Type.Object({ id: Uuid, status: ClaimStatus });

export const OnboardingEntry = Type.Object({
  partnerId: Uuid,
  legalName: Type.String(),
  country: Type.String(),
  status: Type.String(),
  registeredAt: Nullable(DateTime),
  contactName: Nullable(Type.String()),
  contactEmail: Nullable(Type.String()),
  contactPhone: Nullable(Type.String()),
});

export const ReleasedReseller = Type.Object({
  ...Reseller.properties,
  status: Type.String(),
  accounts: Type.Array(Type.Object({ accountNumber: Type.String(), status: ClaimStatus })),
});

export const ApiKey = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  createdAt: DateTime,
  revokedAt: Nullable(DateTime),
  createdBy: Type.String(),
});
export const NewApiKey = Type.Object({
  ...ApiKey.properties,
  secret: Type.String({ description: 'Shown once; store it now' }),
});
export const ApiKeyBody = Type.Object({ name: Type.String({ maxLength: 200 }) }, { additionalProperties: false });

export const EligibilityQuery = Type.Object(
  { account: Type.String({ minLength: 1, maxLength: 100 }), distributorId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export const EligibilityResponse = Type.Object({
  account: Type.String(),
  eligible: Type.Boolean(),
  partner: Nullable(Type.Object({ id: Uuid, legalName: Type.String(), country: Type.String(), status: Type.String() })),
  reasons: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
});
