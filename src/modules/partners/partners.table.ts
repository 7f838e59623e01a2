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
  version: Generated<number>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: Generated<Date>;
}

export interface PartnersTables {
  partners: PartnersTable;
}
