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
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface PartnersTables {
  partners: PartnersTable;
  training_assignments: TrainingAssignmentsTable;
  partner_locations: PartnerLocationsTable;
}
