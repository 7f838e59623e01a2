import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface ApplicationDecisionsTable {
  id: Generated<string>;
  application_id: string;
  decision: 'approved' | 'declined' | 'info_requested';
  /** REG-12: staff only. Never selected by anything an applicant can reach. */
  internal_reason: string | null;
  question: string | null;
  decided_by: string;
  decided_at: CreatedAt;
}

export interface ApplicationAssignmentsTable {
  application_id: string;
  reviewer_id: string;
  claimed_at: Generated<Date>;
}

export interface ReviewChecklistTable {
  application_id: string;
  item: string;
  checked_by: string;
  checked_at: CreatedAt;
}

export interface DeniedPartiesTable {
  id: Generated<string>;
  name: string;
  normalised_name: string;
  country: string | null;
  source: string;
  list_date: Date | null;
  imported_at: CreatedAt;
}

/** REG-7, REG-8 (#11): a reviewer's current verdict on one flag of one application. */
export interface FindingFeedbackTable {
  id: Generated<string>;
  application_id: string;
  rule: string;
  code: string;
  field: string;
  verdict: 'confirmed' | 'false_alarm';
  reviewer_id: string;
  note: string | null;
  at: Date;
}

export interface ReviewTables {
  application_decisions: ApplicationDecisionsTable;
  application_assignments: ApplicationAssignmentsTable;
  review_checklist: ReviewChecklistTable;
  denied_parties: DeniedPartiesTable;
  finding_feedback: FindingFeedbackTable;
}
