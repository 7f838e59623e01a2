import Type from 'typebox';
import { LANGUAGES } from '../../platform/i18n.ts';
import { ROLES } from '../../platform/roles.rules.ts';

// Shapes only: types, presence and a hard size cap. What a value must mean (a real email, a
// long enough password) is checked once, by accounts.rules.ts, so API and pages agree.
const text = (maxLength: number, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) });

export const Language = Type.Enum(LANGUAGES, { description: 'Interface and email language' });

export const SignUpBody = Type.Object(
  {
    name: text(500),
    email: text(500, 'Business email address; receives the confirmation link'),
    password: text(1000, 'At least 12 characters'),
    language: Type.Optional(Type.String({ maxLength: 10 })),
  },
  { additionalProperties: false },
);

export const EmailBody = Type.Object({ email: text(500) }, { additionalProperties: false });
export const TokenBody = Type.Object({ token: text(200) }, { additionalProperties: false });
export const SignInBody = Type.Object({ email: text(500), password: text(1000) }, { additionalProperties: false });
export const ResetConfirmBody = Type.Object(
  { token: text(200), password: text(1000) },
  { additionalProperties: false },
);
export const SettingsBody = Type.Object(
  { name: Type.Optional(text(500)), language: Type.Optional(Type.String({ maxLength: 10 })) },
  { additionalProperties: false },
);

export const Account = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.String(),
  language: Language,
  emailVerified: Type.Boolean(),
});

export const Me = Type.Object({
  ...Account.properties,
  roles: Type.Array(Type.Object({ role: Type.Enum(ROLES), organisationId: Type.Union([Type.String(), Type.Null()]) })),
});

export const SignInResponse = Type.Object({ account: Account, expiresAt: Type.String({ format: 'date-time' }) });

export const Accepted = Type.Object({ status: Type.Literal('accepted') });
