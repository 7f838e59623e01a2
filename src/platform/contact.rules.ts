import type { FieldViolation } from './errors.ts';

// Names and email addresses are typed into forms of every module (accounts, applications,
// distributors, partners, PICA), so their checks live here, once.

export const NAME_MAX = 120;
export const EMAIL_MAX = 254;

// Deliberately simple: one @, something on each side, a dot in the domain, no spaces. The
// link we send is the real check that the address works.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A person's or company's name: present, not absurdly long, no control characters. */
export function checkName(name: string, field = 'name', max = NAME_MAX): FieldViolation[] {
  const value = name.trim();
  if (!value) return [{ field, rule: 'required' }];
  if (value.length > max) return [{ field, rule: 'too_long', params: { max } }];
  if (CONTROL_CHARACTERS.test(value)) return [{ field, rule: 'control_characters' }];
  return [];
}

export function checkEmail(email: string, field = 'email'): FieldViolation[] {
  const value = email.trim();
  if (!value) return [{ field, rule: 'required' }];
  if (value.length > EMAIL_MAX) return [{ field, rule: 'too_long', params: { max: EMAIL_MAX } }];
  if (!EMAIL_PATTERN.test(value)) return [{ field, rule: 'email_format' }];
  return [];
}
