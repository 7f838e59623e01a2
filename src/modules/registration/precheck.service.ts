import type { AppContext } from '../../platform/context.ts';
import { checkStep, type ApplicationAnswers, type Finding } from './registration.rules.ts';
import { ruleContext } from './registration.service.ts';

export interface PrecheckInput {
  country?: string | undefined;
  email?: string | undefined;
  website?: string | undefined;
  address?: { lines: string[]; city: string; postcode: string; country: string } | undefined;
  locationType?: string | undefined;
  locationIndex?: number | undefined;
  distributors?: { distributorId: string; accountNumber: string }[] | undefined;
}

/**
 * REG-2, REG-7, REG-8: the same rules, on whatever part of an application is given, for
 * live validation before anything is saved. Only rules whose inputs are present run.
 */
export async function precheck(ctx: AppContext, input: PrecheckInput): Promise<Finding[]> {
  const country = input.country?.trim().toUpperCase() || undefined;
  const answers: ApplicationAnswers = {};
  if (input.address) answers.locations = { items: [{ ...input.address, type: input.locationType ?? 'office' }] };
  if (input.distributors)
    answers.distributors = {
      items: input.distributors,
      initialDistributorId: input.distributors[0]?.distributorId ?? '',
    };
  const context = await ruleContext(ctx.db, answers);
  const findings: Finding[] = [];
  if (input.email !== undefined)
    findings.push(
      ...checkStep(
        'contacts',
        {
          company: {
            legalName: 'x',
            legalForm: 'other',
            country: country ?? '',
            website: input.website ?? '',
            registrationNumber: 'x',
          },
          contacts: { primary: { name: 'x', email: input.email, phone: '', title: '' } },
        },
        context,
      ).filter((f) => f.rule === 'REG-8'),
    );
  if (input.address) {
    // The findings name the form's row (`locations.2.lines`), as the wizard's do.
    const row = (f: Finding) =>
      input.locationIndex
        ? { ...f, field: f.field.replace(/^locations\.0\./, `locations.${input.locationIndex}.`) }
        : f;
    findings.push(
      ...checkStep(
        'locations',
        {
          ...answers,
          company: country
            ? { legalName: 'x', legalForm: 'other', country, website: '', registrationNumber: 'x' }
            : undefined,
        },
        context,
      ).map(row),
    );
  }
  if (input.distributors)
    findings.push(
      ...checkStep(
        'distributors',
        {
          ...answers,
          company: country
            ? { legalName: 'x', legalForm: 'other', country, website: '', registrationNumber: 'x' }
            : undefined,
        },
        context,
      ).filter((f) => f.rule === 'REG-2'),
    );
  return findings;
}
