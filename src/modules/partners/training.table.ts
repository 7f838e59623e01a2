import type { ColumnType, Generated } from 'kysely';

// REG-10 tables beyond `training_assignments` (declared with the partner tables, which approval writes).

export type TrainingProvider = 'vendor' | 'partner' | 'third_party';
export type CompletionStatus = 'submitted' | 'verified' | 'rejected';
export type ReminderThreshold = '90' | '30' | '7' | 'overdue';

/** One row: the staff settings of the training programme. */
export interface TrainingSettingsTable {
  id: Generated<boolean>;
  grace_days: Generated<number>;
  flag_after_days: Generated<number>;
  restrict_non_compliant: Generated<boolean>;
  version: Generated<number>;
  updated_at: Generated<Date>;
}

export interface TrainingCoursesTable {
  id: Generated<string>;
  name: string;
  provider: TrainingProvider;
  languages: string[];
  link: string | null;
  validity_months: Generated<number>;
  active: Generated<boolean>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** A person a partner designated to support the vendor's account; `removed_at` keeps history. */
export interface KeyPersonnelTable {
  id: Generated<string>;
  partner_id: string;
  user_id: string | null;
  name: string;
  email: string;
  role: string | null;
  added_at: Date;
  removed_at: Date | null;
  version: Generated<number>;
}

export interface TrainingCompletionsTable {
  id: Generated<string>;
  assignment_id: string;
  course_id: string | null;
  course_name: string;
  provider: TrainingProvider;
  /** The day the course was completed, at midnight UTC. */
  completed_at: Date;
  certificate_number: string | null;
  certificate: Buffer | null;
  certificate_type: 'application/pdf' | 'image/png' | 'image/jpeg' | null;
  certificate_name: string | null;
  status: Generated<CompletionStatus>;
  review_reason: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  source: Generated<'manual' | 'learning_system'>;
  external_system: string | null;
  external_id: string | null;
  recorded_by: string | null;
  recorded_at: Date;
  version: Generated<number>;
}

export interface TrainingRemindersTable {
  assignment_id: string;
  threshold: ReminderThreshold;
  sent_at: Date;
}

export interface TrainingTables {
  training_settings: TrainingSettingsTable;
  training_courses: TrainingCoursesTable;
  key_personnel: KeyPersonnelTable;
  training_completions: TrainingCompletionsTable;
  training_reminders: TrainingRemindersTable;
}
