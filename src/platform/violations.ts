import type { FieldViolation } from './errors.ts';
import type { Translate } from './i18n.ts';

/**
 * A rule violation as a sentence that names the field, in the translator's language. Fields of
 * repeated groups (`locations.1.postcode`) are named with their position: "Postcode (2)".
 */
export function violationMessage(t: Translate, v: FieldViolation): string {
  const position = /\.(\d+)\./.exec(v.field)?.[1];
  const key = v.field.replace(/\.\d+(?=\.|$)/g, '');
  const name = t(`fields.${key}`, { defaultValue: key });
  const label = position === undefined ? name : `${name} (${Number(position) + 1})`;
  return t(`rules.${v.rule}`, { label, ...v.params, defaultValue: `${label} fails rule ${v.rule}` });
}
