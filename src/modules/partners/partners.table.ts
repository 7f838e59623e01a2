import type { ColumnType, Generated } from 'kysely';

export type PartnerStatus = 'applicant' | 'registered' | 'suspended' | 'terminated';

/** A reseller organisation: an applicant until programme staff approve it (REG-12). */
export interface PartnersTable {
  organisation_id: string;
  legal_name: string;
  country: string;
  status: Generated<PartnerStatus>;
  registered_at: Date | null;
  initial_distributor_id: string | null;
  distributor_info_reviewed_at: Date | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  agreement_id: string | null;
  agreement_effective_at: Date | null;
  renewal_due_at: Date | null;
  /** The last confirmed annual renewal (issue #12 item 6). */
  last_renewed_at: Date | null;
  version: Generated<number>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: Generated<Date>;
}

export interface TrainingAssignmentsTable {
  id: Generated<string>;
  partner_id: string;
  person_name: string;
  person_email: string;
  person_role: string | null;
  course: Generated<string>;
  due_at: Date;
  completed_at: Date | null;
  provider: 'partner' | 'vendor' | 'third_party' | null;
  evidence: string | null;
  reminders_sent: Generated<number>;
  last_reminder_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  /** REG-10: the key person (training.table.ts); null only for rows older than key personnel. */
  key_person_id: string | null;
  /** Set when the person is removed: the assignment stays as history. */
  ended_at: Date | null;
  /** Recertification: the assignment this one follows. */
  previous_id: string | null;
}

export interface PartnerLocationsTable {
  id: Generated<string>;
  partner_id: string;
  lines: string[];
  city: string;
  postcode: string | null;
  country: string;
  type: string;
  listed: Generated<boolean>;
  latitude: number | null;
  longitude: number | null;
  /** REG-14: public contact details and services shown in the Partner Locator. */
  phone: string | null;
  email: string | null;
  website: string | null;
  services: Generated<string[]>;
  /** REG-7: the registration rule's findings for this address, for programme staff. */
  findings: ColumnType<LocationFinding[], string | undefined, string>;
  /**
   * REG-4, REG-14: until when the partner is listable (self-service.rules.ts listableUntil); null
   * while it is not. Written only by the database's triggers (migration 2026_12_02_0900).
   */
  listable_until: ColumnType<Date | null, never, never>;
  updated_at: Generated<Date>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** A REG-7 finding kept on a location (the shape of registration's Finding). */
export interface LocationFinding {
  rule: string;
  outcome: 'pass' | 'fail' | 'review';
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

export interface PartnersTables {
  partners: PartnersTable;
  training_assignments: TrainingAssignmentsTable;
  partner_locations: PartnerLocationsTable;
  partner_settings: PartnerSettingsTable;
  partner_invitations: PartnerInvitationsTable;
  partner_notices: PartnerNoticesTable;
  listable_partners: { partner_id: string };
  partner_listability: { partner_id: string; listable_until: Date | null };
}

/** Programme settings of Partner Self Service: one row (REG-4's maintenance period). */
export interface PartnerSettingsTable {
  id: Generated<boolean>;
  maintenance_months: number;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

export type PartnerRole = 'partner_member' | 'partner_admin' | 'partner_signatory';

/** A colleague invited by a partner admin; the token is stored only as a hash. */
export interface PartnerInvitationsTable {
  id: Generated<string>;
  partner_id: string;
  email: string;
  role: PartnerRole;
  token_hash: string;
  invited_by: string;
  created_at: Generated<Date>;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_by: string | null;
  revoked_at: Date | null;
}

/** One emailed notice per (partner, kind, threshold, period): the row is claimed before the email is queued. */
export interface PartnerNoticesTable {
  partner_id: string;
  kind: string;
  threshold: number;
  period: string;
  sent_at: Generated<Date>;
}
