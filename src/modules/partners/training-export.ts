import { stringify } from 'csv-stringify/sync';
import type { Actor } from '../../platform/auth.ts';
import type { AppContext } from '../../platform/context.ts';
import { formulaSafe } from '../../platform/csv.ts';
import { staffTraining, type StaffTrainingFilter } from './training.service.ts';

const COLUMNS = [
  'partner',
  'country',
  'compliance',
  'flagged',
  'non_compliant_since',
  'person',
  'email',
  'role',
  'status',
  'due',
  'completed',
  'course',
  'review_reason',
];

/** REG-10 staff export: one line per key person; every text cell is formula-safe. */
export async function trainingCsv(
  ctx: AppContext,
  actor: Actor | null | undefined,
  filter: StaffTrainingFilter,
  now = new Date(),
): Promise<string> {
  const partners = await staffTraining(ctx, actor, filter, now);
  const day = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : '');
  const rows = partners.flatMap((p) =>
    p.people.map((person) =>
      [
        p.legalName,
        p.country,
        p.compliance,
        p.flagged ? 'yes' : 'no',
        day(p.nonCompliantSince),
        person.name,
        person.email,
        person.role ?? '',
        person.status,
        day(person.dueAt),
        day(person.latest?.completedAt),
        person.latest?.courseName ?? '',
        person.latest?.reviewReason ?? '',
      ].map(formulaSafe),
    ),
  );
  return stringify(rows, { header: true, columns: COLUMNS });
}
