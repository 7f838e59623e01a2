import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  createDistributor,
  createUser,
  testMeta,
  type DistributorFixture,
  publishTestAgreement,
} from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import type { ApplicationAnswers, Step } from './registration.rules.ts';
import { getApplication, saveStep, startApplication, submitApplication } from './registration.service.ts';

let t: TestApp;
let eurodist: DistributorFixture;

beforeAll(async () => {
  t = await createTestApp();
  eurodist = await createDistributor(t.ctx, { hqCountry: 'DE', territories: ['AT'], legalName: 'EuroDist GmbH' });
  const staff = await createUser(t.ctx, [{ role: 'staff_admin', organisationId: null }]);
  await publishTestAgreement(t.ctx, staff);
});
afterAll(() => t.close());

/** Counts the statements Kysely sends (BEGIN and COMMIT are not queries and are not counted). */
function statementCounter(): KyselyPlugin & { statements: string[] } {
  const statements: string[] = [];
  const describe = (node: OperationNode & { table?: unknown; into?: unknown; from?: unknown }) => {
    const name = JSON.stringify(node.into ?? node.table ?? node.from ?? '').match(/"name":"(\w+)"/)?.[1];
    return `${node.kind}${name ? ` ${name}` : ''}`;
  };
  return {
    statements,
    transformQuery({ node }: PluginTransformQueryArgs) {
      statements.push(describe(node as never));
      return node;
    },
    transformResult: ({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> =>
      Promise.resolve(result),
  };
}

/** A new applicant's complete draft (the answers of registration.service.test.ts), ready to submit. */
async function readyToSubmit(n: number): Promise<{ applicant: Actor; id: string }> {
  const domain = `reseller-${n}.example`;
  const email = `applicant@${domain}`;
  const answers: Required<ApplicationAnswers> = {
    company: {
      legalName: `Reseller ${n} GmbH`,
      legalForm: 'limited_company',
      country: 'DE',
      website: `https://${domain}`,
      registrationNumber: `HRB ${n}`,
    },
    contacts: { primary: { name: 'Applicant Person', email, phone: '+49 30 901820', title: 'CEO' } },
    locations: {
      items: [{ lines: ['Friedrichstraße 123'], city: 'Berlin', postcode: '10117', country: 'DE', type: 'office' }],
    },
    distributors: {
      items: [{ distributorId: eurodist.id, accountNumber: `ACC-${n}` }],
      initialDistributorId: eurodist.id,
    },
    added_value: {
      canDemonstrate: true,
      providesServices: true,
      servicesDescription: 'Demonstrations on site and professional services with every sale.',
    },
    personnel: { items: [{ name: 'Key Person', email: `key@${domain}`, role: 'Account manager' }] },
  };
  const applicant = await createUser(t.ctx, [], email);
  const app = await startApplication(t.ctx, applicant, testMeta);
  let version = app.version;
  for (const step of Object.keys(answers) as Step[])
    version = (await saveStep(t.ctx, applicant, app.id, step, answers[step], version, testMeta)).application.version;
  return { applicant, id: app.id };
}

const signature = {
  confirmsAuthority: true,
  name: 'Carla Applicant',
  title: 'Managing Director',
  acceptedAgreementVersion: '2026.1',
  consentsToRelease: true,
};

describe('submission cost (issue #15)', () => {
  it('#15: a first submission with one account claim runs at most 14 statements, and answers as a fresh read does', async () => {
    const counter = statementCounter();
    const ctx = { ...t.ctx, db: t.ctx.db.withPlugin(counter) };
    // The first fills this database's short-lived caches (the agreement, the address lists), as
    // the portal's earlier requests have; the second is counted.
    const warm = await readyToSubmit(1);
    await submitApplication(ctx, warm.applicant, warm.id, signature, undefined, testMeta);
    const { applicant, id } = await readyToSubmit(2);
    counter.statements.length = 0;
    const result = await submitApplication(ctx, applicant, id, signature, undefined, testMeta);
    expect(result.created).toBe(true);
    // Decision 071 counted 19 before it (BEGIN and COMMIT not included): the claim's three reads
    // of what the request already knew, its NOTIFY, the number read and the answer read are gone.
    expect(counter.statements.length, counter.statements.join('\n')).toBeLessThanOrEqual(14);
    expect(result.application).toEqual(await getApplication(t.ctx, applicant, id));
  });
});
