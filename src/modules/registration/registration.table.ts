import type { ColumnType, Generated } from 'kysely';
import type { Language } from '../../platform/i18n.ts';
import type { ApplicationAnswers, Finding } from './registration.rules.ts';
import type { ApplicationStatus } from './application-status.rules.ts';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface AgreementsTable {
  id: Generated<string>;
  kind: Generated<'icpa' | 'pica'>;
  version: string;
  title: string;
  body: string;
  body_hash: string;
  effective_at: Date;
  published_at: Generated<Date>;
  published_by: string | null;
  governing_language: ColumnType<Language, Language | undefined, never>;
}

/** X-1, REG-11: one language's texts of an agreement version (decision 052). */
export interface AgreementTextsTable {
  agreement_id: string;
  language: Language;
  title: string;
  body: string;
  /** NULL only on versions published before statements were versioned: the English defaults. */
  release_text: string | null;
  authority_text: string | null;
  text_hash: string;
}

export interface ApplicationsTable {
  id: Generated<string>;
  reference: string;
  created_by: string;
  status: Generated<ApplicationStatus>;
  answers: ColumnType<ApplicationAnswers, string | undefined, string>;
  completed_steps: ColumnType<string[], string[] | undefined, string[]>;
  legal_name: string | null;
  country: string | null;
  partner_id: string | null;
  signatory_user_id: string | null;
  signatory_name: string | null;
  signatory_title: string | null;
  staff_question: string | null;
  applicant_answer: string | null;
  submitted_at: Date | null;
  decided_at: Date | null;
  /** The latest submission's `review` findings, counted by a trigger when it is written (#15). */
  review_flags: Generated<number>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface ApplicationMembersTable {
  application_id: string;
  user_id: string;
  role: 'preparer' | 'signatory';
  added_at: CreatedAt;
}

export interface SignatoryInvitationsTable {
  id: Generated<string>;
  application_id: string;
  email: string;
  token_hash: string;
  invited_by: string;
  created_at: CreatedAt;
  expires_at: Date;
  accepted_by: string | null;
  accepted_at: Date | null;
}

export interface ApplicationSubmissionsTable {
  id: Generated<string>;
  application_id: string;
  sequence: number;
  submitted_by: string;
  submitted_at: CreatedAt;
  answers: Json<ApplicationAnswers>;
  findings: Json<Finding[]>;
  agreement_id: string;
  signatory_name: string;
  signatory_title: string;
}

export interface ConsentsTable {
  id: Generated<string>;
  application_id: string;
  submission_id: string;
  user_id: string;
  kind: 'icpa' | 'release_of_information' | 'signature_authority';
  agreement_id: string | null;
  text_version: string;
  text_hash: string;
  /** the language of the text shown when the consent was given. */
  language: ColumnType<Language, Language | undefined, never>;
  accepted_at: CreatedAt;
  ip: string | null;
  user_agent: string | null;
}

export interface AddressWatchlistTable {
  id: Generated<string>;
  kind: 'mail_drop' | 'virtual_office' | 'logistics' | 'forwarding' | 'pickup_point' | 'po_box' | 'care_of';
  name: string;
  country: string | null;
  note: string | null;
  added_by: string | null;
  created_at: CreatedAt;
}

/** REG-7, REG-8: a confirmed false alarm: this flag kind with this phrase, optionally only at one address or website. */
export interface AddressAllowlistTable {
  id: Generated<string>;
  code: string;
  phrase: string;
  scope: string | null;
  reason: string;
  added_by: string | null;
  created_at: CreatedAt;
}

export interface RegistrationTables {
  agreements: AgreementsTable;
  agreement_texts: AgreementTextsTable;
  applications: ApplicationsTable;
  application_members: ApplicationMembersTable;
  signatory_invitations: SignatoryInvitationsTable;
  application_submissions: ApplicationSubmissionsTable;
  consents: ConsentsTable;
  address_watchlist: AddressWatchlistTable;
  address_allowlist: AddressAllowlistTable;
}
