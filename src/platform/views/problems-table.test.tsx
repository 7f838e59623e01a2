import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { translator, type Language } from '../i18n.ts';
import { pageText } from '../../../test/helpers/page-text.ts';
import type { PageContext } from './page-context.ts';
import { ProblemsTable } from './problems-table.tsx';

const ctx = (lang: Language): PageContext => ({
  t: translator(lang),
  lang,
  actor: null,
  csrfToken: '',
  path: '/',
  vendor: 'Northwind Networks',
  help: 'help@example.test',
  localMailbox: false,
});

const problems = [
  {
    line: 7,
    field: 'country',
    rule: 'country_code',
    params: { value: 'QQ' },
    message: 'Country must be an ISO 3166 two-letter country code (got "QQ").',
  },
  { line: 0, field: 'account_number', message: 'EU-101 appears more than once in the file; the last row was kept' },
];

describe('X-1 import problems', () => {
  it('X-1: a problem that names its rule is said in the page language; one without stays English, marked lang="en"', () => {
    const html = (lang: Language) =>
      `<html lang="${lang}">${renderToString(<ProblemsTable ctx={ctx(lang)} problems={problems} caption="-" />)}</html>`;
    const es = html('es');
    expect(es).toContain('País debe ser un código de país ISO 3166 de dos letras (se recibió &quot;QQ&quot;).');
    expect(es).not.toContain('Country must be');
    expect(es).toContain('<td lang="en">EU-101 appears more than once');
    expect(pageText(es).texts).not.toContain(problems[1]!.message);
    for (const lang of ['fr', 'ja'] as const) expect(html(lang)).not.toContain('Country must be');
    expect(html('en')).toContain('Country must be an ISO 3166 two-letter country code (got &quot;QQ&quot;).');
  });
});
