import { sql, type Kysely } from 'kysely';

// X-1, REG-6, REG-11: an agreement version carries its texts per language (title, body, and the
// release-of-information and signature-authority statements) and names the language that
// governs; a consent records the language it was shown in (decision 052). Versions published
// before keep their English text; their statements were the programme's English defaults, left
// NULL here because the vendor's name is configuration, not data (the service fills them in).
const up_statements = [
  `ALTER TABLE agreements ADD COLUMN governing_language text NOT NULL DEFAULT 'en' CHECK (governing_language IN ('en', 'es', 'fr', 'ja'))`,
  `CREATE TABLE agreement_texts (
    agreement_id uuid NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    language text NOT NULL CHECK (language IN ('en', 'es', 'fr', 'ja')),
    title text NOT NULL,
    body text NOT NULL,
    release_text text,
    authority_text text,
    text_hash text NOT NULL,
    PRIMARY KEY (agreement_id, language)
  )`,
  `INSERT INTO agreement_texts (agreement_id, language, title, body, text_hash) SELECT id, 'en', title, body, body_hash FROM agreements`,
  `ALTER TABLE consents ADD COLUMN language text NOT NULL DEFAULT 'en'`,
];

const down_statements = [
  'ALTER TABLE consents DROP COLUMN language',
  'DROP TABLE agreement_texts',
  'ALTER TABLE agreements DROP COLUMN governing_language',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
