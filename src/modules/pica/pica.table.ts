import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

/** PICA-1: a kind of support contract; some qualify a partner to administer PICA. */
export interface PicaContractTypesTable {
  code: string;
  name: string;
  qualifies_pica: boolean;
  entitlements: string[];
  updated_at: Generated<Date>;
}

export type ContractStatus = 'active' | 'suspended' | 'revoked';

export interface PicaContractsTable {
  id: Generated<string>;
  number: string;
  partner_id: string;
  type_code: string;
  customer_name: string | null;
  starts_on: Date;
  ends_on: Date;
  status: Generated<ContractStatus>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface PicaPartnerSettingsTable {
  partner_id: string;
  own_brand_support: boolean;
  agreement_signed_on: Date | null;
  updated_at: Generated<Date>;
}

export interface PicaAdminRequestsTable {
  id: Generated<string>;
  partner_id: string;
  user_id: string;
  contract_numbers: string[];
  job_title: string;
  status: Generated<'pending' | 'approved' | 'declined'>;
  /** REG-12 style: never shown to the applicant. */
  internal_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: CreatedAt;
}

export interface PicaAdminRemindersTable {
  partner_id: string;
  month: string;
  sent_at: Generated<Date>;
}

export interface PicaCustomersTable {
  id: Generated<string>;
  partner_id: string;
  organisation_id: string;
  name: string;
  country: string;
  email_domains: string[];
  created_by: string;
  created_at: CreatedAt;
  last_confirmed_at: Generated<Date>;
}

export interface PicaSponsorshipsTable {
  id: Generated<string>;
  partner_id: string;
  customer_id: string;
  contract_id: string;
  registration_number: string;
  key_hash: string;
  key_issued_at: Generated<Date>;
  purchase_reference: string;
  expires_at: Date;
  max_uses: number | null;
  uses: Generated<number>;
  revoked_at: Date | null;
  created_by: string;
  created_at: CreatedAt;
}

export interface PicaRegistrationsTable {
  id: Generated<string>;
  sponsorship_id: string;
  existing_user_id: string | null;
  user_id: string | null;
  email: string;
  name: string;
  language: string;
  password_hash: string | null;
  job_title: string | null;
  domain_matches: Generated<boolean>;
  employment_attested: Generated<boolean>;
  status: Generated<'details' | 'awaiting_confirmation' | 'confirmed'>;
  draft_hash: string;
  token_hash: string | null;
  token_expires_at: Date | null;
  created_at: CreatedAt;
  confirmed_at: Date | null;
}

export type AccessStatus = 'active' | 'revoked' | 'ended' | 'suspended';

export interface PicaAccessTable {
  id: Generated<string>;
  user_id: string;
  sponsorship_id: string;
  partner_id: string;
  customer_id: string;
  status: Generated<AccessStatus>;
  end_reason: string | null;
  employment_attested: Generated<boolean>;
  granted_at: Generated<Date>;
  changed_at: Generated<Date>;
  ended_at: Date | null;
}

export interface PicaAccessToolsTable {
  access_id: string;
  tool: string;
  enabled: Generated<boolean>;
  changed_at: Generated<Date>;
}

export interface PicaToolRequestsTable {
  id: Generated<string>;
  access_id: string;
  tool: string;
  note: string | null;
  status: Generated<'pending' | 'granted' | 'declined'>;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: CreatedAt;
}

export interface PicaTables {
  pica_contract_types: PicaContractTypesTable;
  pica_contracts: PicaContractsTable;
  pica_partner_settings: PicaPartnerSettingsTable;
  pica_admin_requests: PicaAdminRequestsTable;
  pica_admin_reminders: PicaAdminRemindersTable;
  pica_customers: PicaCustomersTable;
  pica_sponsorships: PicaSponsorshipsTable;
  pica_registrations: PicaRegistrationsTable;
  pica_access: PicaAccessTable;
  pica_access_tools: PicaAccessToolsTable;
  pica_tool_requests: PicaToolRequestsTable;
}
