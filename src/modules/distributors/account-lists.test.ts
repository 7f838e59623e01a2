import { PassThrough, Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  bearer,
  createDistributor,
  createPartner,
  insertClaim,
  testMeta,
  type DistributorFixture,
} from '../../../test/helpers/fixtures.ts';
import {
  failInterruptedUploads,
  importAccountList,
  processAccountList,
  startAccountListUpload,
  type ImportTuning,
  type UploadProgress,
} from './account-lists.service.ts';
import { mayWriteWithoutRowTriggers } from './account-lists.repository.ts';

// Decision 067: an upload is staged batch by batch, then saved in one transaction a chunk of
// pages at a time. Small batches and one-page chunks let a few hundred rows cross every boundary.
const SMALL: ImportTuning = { batchRows: 7, chunkPages: 1, progressEveryMs: 0 };
const HEADER = 'account_number,reseller_name,country,status';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const csvOf = (lines: string[]) => Readable.from([[HEADER, ...lines].join('\n') + '\n']);
const rows = (prefix: string, count: number, from = 1) =>
  Array.from(
    { length: count },
    (_, i) => `${prefix}-${String(from + i).padStart(5, '0')},Reseller ${from + i},DE,active`,
  );

async function listOf(distributorId: string) {
  return t.ctx.db
    .selectFrom('distributor_accounts')
    .select(['account_number', 'reseller_name', 'country', 'active', 'upload_id'])
    .where('distributor_id', '=', distributorId)
    .orderBy('account_number')
    .execute();
}

async function uploadRow(id: string) {
  return t.ctx.db.selectFrom('account_uploads').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function stagingTables(): Promise<string[]> {
  const { rows: found } = await sql<{ relname: string }>`
    SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'account_upload_rows_%'`.execute(t.ctx.db);
  return found.map((r) => r.relname);
}

async function auditActions(subjectId: string): Promise<string[]> {
  const found = await t.ctx.db
    .selectFrom('audit_log')
    .select('action')
    .where('subject_id', '=', subjectId)
    .orderBy('id')
    .execute();
  return found.map((r) => r.action);
}

describe('#15 account-list import: staged, then saved in one transaction (decision 067)', () => {
  let d: DistributorFixture;
  beforeAll(async () => {
    d = await createDistributor(t.ctx, { hqCountry: 'DE', territories: ['AT'] });
  });

  it('#15/REG-2: rows across many batches and chunks are all saved; a number repeated in another batch keeps its last row and is reported once', async () => {
    const lines = [
      ...rows('B', 300),
      'B-00005,Later Name,AT,closed', // B-00005 again, many batches after its first row
      'bad number!,x,DE,active',
      ...rows('B', 100, 301),
      'B-00350,Last Word,DE,active',
      'B-00005,Final Name,AT,closed', // and a third time
    ];
    const progress: { phase: string; p: UploadProgress; of?: number }[] = [];
    const report = await importAccountList(
      t.ctx,
      d.admin,
      d.id,
      csvOf(lines),
      'batches.csv',
      testMeta,
      (p, phase, of) => progress.push({ phase, p, of }),
      SMALL,
    );
    expect(report).toMatchObject({
      status: 'done',
      rowsRead: 404,
      rowsWritten: 400,
      rowsRejected: 1,
      duplicates: 2,
      problemsOmitted: 0,
    });
    expect(report.problems).toEqual([
      {
        line: 0,
        field: 'account_number',
        message: 'B-00005 appears more than once in the file; the last row was kept',
      },
      {
        line: 0,
        field: 'account_number',
        message: 'B-00350 appears more than once in the file; the last row was kept',
      },
      expect.objectContaining({ line: 303, field: 'account_number' }),
    ]);
    const list = await listOf(d.id);
    expect(list).toHaveLength(400);
    expect(list.find((r) => r.account_number === 'B-00005')).toMatchObject({
      reseller_name: 'Final Name',
      country: 'AT',
      active: false,
    });
    expect(list.find((r) => r.account_number === 'B-00350')).toMatchObject({ reseller_name: 'Last Word' });
    expect(list.find((r) => r.account_number === 'B-00400')).toMatchObject({ reseller_name: 'Reseller 400' });
    expect(new Set(list.map((r) => r.upload_id))).toEqual(new Set([report.uploadId]));
    // Progress: batch after batch while reading, then chunk after chunk while saving.
    const reading = progress.filter((e) => e.phase === 'reading');
    const saving = progress.filter((e) => e.phase === 'saving');
    expect(reading.length).toBeGreaterThanOrEqual(Math.floor(403 / SMALL.batchRows));
    expect(reading.at(-1)!.p.rowsRead).toBe(404);
    expect(saving.length).toBeGreaterThan(1);
    expect(saving.map((e) => e.of)).toEqual(saving.map(() => 400));
    expect(saving.at(-1)!.p.rowsWritten).toBe(400);
    expect(progress.findIndex((e) => e.phase === 'saving')).toBe(reading.length);
    expect(await stagingTables()).toEqual([]);
  });

  it('#15/REG-2: on the schema as migrated, the rows are written without row triggers (the checks they make are made once)', async () => {
    // The test databases run as a superuser on both engines, as PGlite always does.
    expect(await mayWriteWithoutRowTriggers(t.ctx.db)).toBe(true);
  });

  it('#15/REG-2: a re-upload changes only the rows that differ; unchanged rows keep the upload that wrote them, missing numbers stay', async () => {
    const first = await importAccountList(
      t.ctx,
      d.admin,
      d.id,
      csvOf(['R-1,Same Co,DE,active', 'R-2,Old Name,DE,active', 'R-3,Stays,DE,active']),
      'first.csv',
      testMeta,
      undefined,
      SMALL,
    );
    const second = await importAccountList(
      t.ctx,
      d.admin,
      d.id,
      csvOf(['R-1,Same Co,DE,active', 'R-2,New Name,DE,closed', 'R-4,New Co,AT,active']),
      'second.csv',
      testMeta,
      undefined,
      SMALL,
    );
    expect(second).toMatchObject({ status: 'done', rowsWritten: 3, duplicates: 0 });
    const list = (await listOf(d.id)).filter((r) => r.account_number.startsWith('R-'));
    expect(list).toEqual([
      { account_number: 'R-1', reseller_name: 'Same Co', country: 'DE', active: true, upload_id: first.uploadId },
      { account_number: 'R-2', reseller_name: 'New Name', country: 'DE', active: false, upload_id: second.uploadId },
      { account_number: 'R-3', reseller_name: 'Stays', country: 'DE', active: true, upload_id: first.uploadId },
      { account_number: 'R-4', reseller_name: 'New Co', country: 'AT', active: true, upload_id: second.uploadId },
    ]);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('data')
      .where('action', '=', 'account_list.uploaded')
      .where('subject_id', '=', second.uploadId)
      .executeTakeFirstOrThrow();
    expect(audit.data).toMatchObject({ rowsWritten: 3, rowsChanged: 2 });
  });

  it('#15/REG-2: a row the database refuses in the last batch leaves the list, the claims and the audit log as they were', async () => {
    const partner = await createPartner(t.ctx, { country: 'DE', legalName: 'Poison Test GmbH' });
    const claimId = await insertClaim(t.ctx, partner.id, d.id, 'P-00001');
    const before = await listOf(d.id);
    // A trigger of the kind a later migration could add: the import must see it, fall back to
    // writing with every trigger firing, and be stopped by it.
    await sql
      .raw(
        `CREATE FUNCTION test_refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.account_number = 'POISON' THEN RAISE EXCEPTION 'refused by the database'; END IF;
           RETURN NEW;
         END $$`,
      )
      .execute(t.ctx.db);
    await sql
      .raw(
        `CREATE TRIGGER test_refuse_poison BEFORE INSERT ON distributor_accounts
         FOR EACH ROW EXECUTE FUNCTION test_refuse_poison()`,
      )
      .execute(t.ctx.db);
    try {
      expect(await mayWriteWithoutRowTriggers(t.ctx.db)).toBe(false);
      const uploadId = await startAccountListUpload(t.ctx, d.admin, d.id, 'poison.csv', testMeta);
      const lines = [
        'P-00001,Poison Test GmbH,DE,active',
        ...rows('P', 200, 2),
        'R-1,Renamed,DE,closed',
        'POISON,x,DE,active',
      ];
      await expect(
        processAccountList(t.ctx, d.admin, d.id, uploadId, csvOf(lines), testMeta, undefined, SMALL),
      ).rejects.toThrow(/refused by the database/);
      expect(await listOf(d.id)).toEqual(before);
      const claim = await t.ctx.db
        .selectFrom('account_claims')
        .select('status')
        .where('id', '=', claimId)
        .executeTakeFirstOrThrow();
      expect(claim.status).toBe('pending');
      expect(await uploadRow(uploadId)).toMatchObject({
        status: 'failed',
        rows_read: 203,
        rows_written: 0,
        failure: 'The upload stopped because of an internal error; the account list was not changed.',
      });
      expect(await auditActions(uploadId)).toEqual(['account_list.upload_started']);
      expect(await stagingTables()).toEqual([]);
    } finally {
      await sql.raw('DROP TRIGGER test_refuse_poison ON distributor_accounts').execute(t.ctx.db);
      await sql.raw('DROP FUNCTION test_refuse_poison()').execute(t.ctx.db);
    }
  });

  it('#15/REG-2: an upload that breaks off in its last batch changes nothing', async () => {
    const before = await listOf(d.id);
    const uploadId = await startAccountListUpload(t.ctx, d.admin, d.id, 'aborted.csv', testMeta);
    async function* brokenOff() {
      yield [HEADER, ...rows('A', 50), 'R-3,Renamed,DE,closed'].join('\n') + '\n';
      yield 'A-00051,Half a li';
      throw new Error('the client went away');
    }
    const report = await processAccountList(
      t.ctx,
      d.admin,
      d.id,
      uploadId,
      Readable.from(brokenOff()),
      testMeta,
      undefined,
      SMALL,
    ).catch((error: unknown) => error);
    expect(report).toBeInstanceOf(Error);
    expect(await listOf(d.id)).toEqual(before);
    expect(await uploadRow(uploadId)).toMatchObject({ status: 'failed', rows_written: 0 });
    expect(await stagingTables()).toEqual([]);
  });

  it('#15/REG-2: nothing is saved while the rows are read; a restart after an interruption marks the upload failed and drops its staged rows', async () => {
    const before = await listOf(d.id);
    const uploadId = await startAccountListUpload(t.ctx, d.admin, d.id, 'interrupted.csv', testMeta);
    const input = new PassThrough();
    let read = 0;
    const job = processAccountList(
      t.ctx,
      d.admin,
      d.id,
      uploadId,
      input,
      testMeta,
      (p) => (read = p.rowsRead),
      SMALL,
    ).catch((error: unknown) => error);
    input.write([HEADER, ...rows('I', 30)].join('\n') + '\n');
    await expect.poll(() => read, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(28);
    // Half-way: rows are staged, progress is recorded, the list has none of them yet.
    expect((await uploadRow(uploadId)).rows_read).toBeGreaterThanOrEqual(28);
    expect(await stagingTables()).toHaveLength(1);
    expect(await listOf(d.id)).toEqual(before);
    // What the next start does after a crash here (the embedded database: one process).
    expect(await failInterruptedUploads(t.ctx, false)).toBe(1);
    expect(await uploadRow(uploadId)).toMatchObject({
      status: 'failed',
      failure: 'The upload was interrupted by a restart; the account list was not changed. Upload the file again.',
    });
    expect(await stagingTables()).toEqual([]);
    input.destroy(new Error('the process is gone'));
    await job;
    expect(await listOf(d.id)).toEqual(before);
  });

  it('#15/REG-2: only the first 1,000 problems are kept; the rest are counted', async () => {
    const lines = Array.from({ length: 1_200 }, (_, i) => `bad ${i},x,DE,active`);
    const report = await importAccountList(
      t.ctx,
      d.admin,
      d.id,
      csvOf([...lines, 'OK-1,Fine,DE,active']),
      'bad.csv',
      testMeta,
    );
    expect(report).toMatchObject({ status: 'done', rowsRead: 1_201, rowsRejected: 1_200, rowsWritten: 1 });
    expect(report.problems).toHaveLength(1_000);
    expect(report.problems[0]).toMatchObject({ line: 2, field: 'account_number' });
    expect(report.problemsOmitted).toBe(200);
    expect((await uploadRow(report.uploadId)).problems).toHaveLength(1_000);
  });

  it('#15/REG-4: a list change reaches a cached eligibility answer at once', async () => {
    const partner = await createPartner(t.ctx, { country: 'DE' });
    await insertClaim(t.ctx, partner.id, d.id, 'FLIP-1', 'confirmed');
    await importAccountList(t.ctx, d.admin, d.id, csvOf(['FLIP-1,,DE,active']), 'a.csv', testMeta);
    const eligible = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/purchase-eligibility?account=FLIP-1',
          headers: bearer(d.apiKey),
        })
      ).json().eligible;
    expect(await eligible()).toBe(true);
    await importAccountList(t.ctx, d.admin, d.id, csvOf(['FLIP-1,,DE,closed']), 'b.csv', testMeta);
    // Far less than the cache's lifetime: only the import's announcement can make this pass.
    await expect.poll(eligible, { timeout: 1_500, interval: 10 }).toBe(false);
  });
});
