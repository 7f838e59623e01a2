import type { FieldViolation } from './errors.ts';
import type { Translate } from './i18n.ts';

/** A rule violation as a sentence that names the field, in the translator's language. */
export function violationMessage(t: Translate, v: FieldViolation): string {
  return t(`rules.${v.rule}`, { label: t(`fields.${v.field}`, { defaultValue: v.field }), ...v.params, defaultValue: `${v.field} fails rule ${v.rule}` });
}
