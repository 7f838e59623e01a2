import Type from 'typebox';
import { DateTime, VersionInput } from '../../platform/api-schemas.ts';
import { TOOLS } from './pica.rules.ts';

const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Tool = Type.Enum([...TOOLS]);
const body = <T extends Type.TProperties>(props: T) => Type.Object(props, { additionalProperties: false });

export const IdParams = Type.Object({ id: Uuid });
export const CodeParams = Type.Object({ code: Type.String({ maxLength: 20 }) });
export const ToolParams = Type.Object({ id: Uuid, tool: Type.String({ maxLength: 40 }) });

export const ContractType = Type.Object({
  code: Type.String(),
  name: Type.String(),
  qualifiesPica: Type.Boolean(),
  entitlements: Type.Array(Tool),
});
export const ContractTypeBody = body({
  name: Type.String({ maxLength: 120 }),
  qualifiesPica: Type.Boolean(),
  entitlements: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 }),
});

export const Contract = Type.Object({
  id: Uuid,
  number: Type.String(),
  partnerId: Uuid,
  typeCode: Type.String(),
  qualifiesPica: Type.Boolean(),
  entitlements: Type.Array(Tool),
  customerName: Nullable(Type.String()),
  startsOn: DateTime,
  endsOn: DateTime,
  status: Type.Enum(['active', 'suspended', 'revoked']),
  inForce: Type.Boolean(),
  version: Type.Integer(),
});
const contractFields = {
  partnerId: Uuid,
  typeCode: Type.String({ maxLength: 20 }),
  customerName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  startsOn: Day,
  endsOn: Day,
  status: Type.Optional(Type.Enum(['active', 'suspended', 'revoked'])),
};
export const ContractBody = body({ number: Type.String({ maxLength: 40 }), ...contractFields });
export const ContractUpdateBody = body({ ...contractFields, version: VersionInput });
export const ContractsQuery = Type.Object({ partnerId: Type.Optional(Uuid) }, { additionalProperties: false });
export const ImportReport = Type.Object({
  rowsRead: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  rejected: Type.Integer(),
  problems: Type.Array(Type.Object({ line: Type.Integer(), field: Type.String(), message: Type.String() })),
});

const Gaps = Type.Array(
  Type.Enum(['no_qualifying_contract', 'no_agreement', 'no_own_brand_support', 'not_registered']),
  { description: 'PICA-1, PICA-3: what keeps the partner from administering PICA' },
);
export const PartnerPica = Type.Object({
  partnerId: Uuid,
  legalName: Type.String(),
  country: Type.String(),
  ownBrandSupport: Type.Boolean(),
  agreementSignedOn: Nullable(DateTime),
  gaps: Gaps,
});
export const SettingsBody = body({ ownBrandSupport: Type.Boolean(), agreementSignedOn: Nullable(Day) });

export const AdminRequest = Type.Object({
  id: Uuid,
  partnerId: Uuid,
  partnerName: Type.String(),
  userId: Uuid,
  userName: Type.String(),
  userEmail: Type.String(),
  jobTitle: Type.String(),
  contractNumbers: Type.Array(Type.String()),
  status: Type.Enum(['pending', 'approved', 'declined']),
  createdAt: DateTime,
  decidedAt: Nullable(DateTime),
});
export const StaffAdminRequest = Type.Object({
  ...AdminRequest.properties,
  internalReason: Nullable(Type.String()),
  gaps: Gaps,
});
export const AdminStanding = Type.Object({
  partner: PartnerPica,
  isAdministrator: Type.Boolean(),
  emailVerified: Type.Boolean(),
  requests: Type.Array(AdminRequest),
});
export const AdminRequestBody = body({
  partnerId: Uuid,
  jobTitle: Type.String({ maxLength: 120 }),
  contractNumbers: Type.Array(Type.String({ maxLength: 40 }), {
    maxItems: 500,
    description: 'The complete list of the company’s support contract numbers',
  }),
});
export const DecisionBody = body({
  decision: Type.Enum(['approve', 'decline']),
  internalReason: Type.Optional(
    Type.String({ maxLength: 2000, description: 'Kept internal: never shown to the applicant' }),
  ),
});
export const RequestsQuery = Type.Object(
  { status: Type.Optional(Type.Enum(['pending', 'approved', 'declined'])) },
  { additionalProperties: false },
);

export const Sponsorship = Type.Object({
  id: Uuid,
  partnerId: Uuid,
  registrationNumber: Type.String(),
  customer: Type.Object({
    id: Uuid,
    name: Type.String(),
    country: Type.String(),
    emailDomains: Type.Array(Type.String()),
  }),
  contract: Type.Object({ id: Uuid, number: Type.String(), endsOn: DateTime }),
  purchaseReference: Type.String(),
  expiresAt: DateTime,
  maxUses: Nullable(Type.Integer()),
  uses: Type.Integer(),
  state: Type.Enum(['pending', 'used', 'expired', 'revoked']),
  keyIssuedAt: DateTime,
  revokedAt: Nullable(DateTime),
  createdAt: DateTime,
  registrations: Type.Array(
    Type.Object({
      name: Type.String(),
      email: Type.String(),
      at: Nullable(DateTime),
      employmentAttested: Type.Boolean(),
    }),
  ),
});
export const IssuedSponsorship = Type.Object({
  sponsorship: Sponsorship,
  verificationKey: Type.String({ description: 'Shown only in this answer; stored only as a hash' }),
  expiryCapped: Type.Boolean(),
});
export const SponsorshipBody = body({
  customerName: Type.String({ maxLength: 200 }),
  country: Type.String({ maxLength: 2 }),
  emailDomains: Type.Array(Type.String({ maxLength: 253 }), { maxItems: 20 }),
  purchaseReference: Type.String({
    maxLength: 100,
    description: 'Order or contract reference of the purchase from the partner',
  }),
  attestPurchase: Type.Boolean({
    description: 'The administrator attests the customer bought a product or service from the partner',
  }),
  contractNumber: Type.String({ maxLength: 40, description: 'The partner’s support contract with this customer' }),
  validDays: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 365, description: 'Default 30, at most 365; never past the contract end' }),
  ),
  maxUses: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100_000, description: 'How many people may register with it' }),
  ),
});

export const VerifyBody = body({
  registrationNumber: Type.String({ maxLength: 40 }),
  verificationKey: Type.String({ maxLength: 60 }),
});
export const Verified = Type.Object({
  registrationNumber: Type.String(),
  customerName: Type.String(),
  partnerName: Type.String(),
});
export const RegistrationBody = body({
  name: Type.Optional(Type.String({ maxLength: 200 })),
  email: Type.Optional(Type.String({ maxLength: 254 })),
  password: Type.Optional(Type.String({ maxLength: 256 })),
  language: Type.Optional(Type.String({ maxLength: 5 })),
  registrationNumber: Type.String({ maxLength: 40 }),
  verificationKey: Type.String({ maxLength: 60 }),
  jobTitle: Type.String({ maxLength: 120 }),
  attestEmployment: Type.Optional(
    Type.Boolean({ description: 'Required when the email address is not at one of the customer’s domains' }),
  ),
});
export const RegistrationAccepted = Type.Object({ email: Type.String(), message: Type.String() });
export const TokenBody = body({ token: Type.String({ maxLength: 200 }) });
export const EmailBody = body({ email: Type.String({ maxLength: 254 }) });
export const Confirmed = Type.Object({ email: Type.String(), newAccount: Type.Boolean() });

export const Access = Type.Object({
  id: Uuid,
  userId: Uuid,
  userName: Type.String(),
  userEmail: Type.String(),
  customerId: Uuid,
  customerName: Type.String(),
  partnerName: Type.String(),
  status: Type.Enum(['active', 'revoked', 'ended', 'suspended']),
  endReason: Nullable(Type.String()),
  employmentAttested: Type.Boolean(),
  grantedAt: DateTime,
  changedAt: DateTime,
  tools: Type.Array(Type.Object({ tool: Tool, enabled: Type.Boolean(), changedAt: DateTime })),
  requestable: Type.Array(Tool),
  requests: Type.Array(
    Type.Object({
      id: Uuid,
      tool: Type.String(),
      status: Type.Enum(['pending', 'granted', 'declined']),
      createdAt: DateTime,
      userName: Type.String(),
    }),
  ),
});
export const ToolBody = body({ enabled: Type.Boolean() });
export const ToolRequestBody = body({
  tool: Type.String({ maxLength: 40 }),
  note: Type.Optional(Type.String({ maxLength: 500 })),
});
export const ToolDecisionBody = body({ decision: Type.Enum(['grant', 'decline']) });
export const Customer = Type.Object({
  id: Uuid,
  name: Type.String(),
  country: Type.String(),
  emailDomains: Type.Array(Type.String()),
  lastConfirmedAt: DateTime,
  reconfirmBy: DateTime,
});
export const Count = Type.Object({ count: Type.Integer() });
