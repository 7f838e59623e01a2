import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface DistributorsTable {
  id: Generated<string>;
  organisation_id: string;
  code: string;
  legal_name: string;
  hq_country: string;
  website: string | null;
  phone: string | null;
  email: string | null;
  accepts_new_resellers: Generated<boolean>;
  status: Generated<'active' | 'retired'>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface DistributorTerritoriesTable {
  distributor_id: string;
  country: string;
}

export interface AccountUploadsTable {
  id: Generated<string>;
  distributor_id: string;
  filename: string;
  status: Generated<'processing' | 'done' | 'failed'>;
  rows_read: Generated<number>;
  rows_written: Generated<number>;
  rows_rejected: Generated<number>;
  duplicates: Generated<number>;
  problems: ColumnType<UploadProblem[], string | undefined, string>;
  failure: string | null;
  uploaded_by: string | null;
  created_at: CreatedAt;
  finished_at: Date | null;
}

export interface UploadProblem {
  line: number;
  field: string;
  message: string;
}

export interface DistributorAccountsTable {
  distributor_id: string;
  account_number: string;
  reseller_name: string | null;
  country: string | null;
  active: Generated<boolean>;
  upload_id: string | null;
  updated_at: Generated<Date>;
}

export interface AccountClaimsTable {
  id: Generated<string>;
  partner_id: string;
  distributor_id: string;
  account_number: string;
  status: Generated<'pending' | 'confirmed' | 'rejected'>;
  decided_by: string | null;
  decided_at: Date | null;
  decision_source: 'list' | 'distributor' | null;
  note: string | null;
  /** REG-2: the company the distributor's list named for the account when it was matched. */
  listed_name: string | null;
  name_match_score: number | null;
  name_matched: boolean | null;
  created_at: CreatedAt;
}

export interface DistributorsTables {
  distributors: DistributorsTable;
  distributor_territories: DistributorTerritoriesTable;
  account_uploads: AccountUploadsTable;
  distributor_accounts: DistributorAccountsTable;
  account_claims: AccountClaimsTable;
}
