import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface OrganisationsTable {
  id: Generated<string>;
  kind: 'vendor' | 'partner' | 'distributor' | 'customer';
  name: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  language: string;
  email_verified_at: Date | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface UserRolesTable {
  user_id: string;
  role: string;
  organisation_id: string | null;
  granted_at: CreatedAt;
  granted_by: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

export interface EmailTokensTable {
  token_hash: string;
  user_id: string;
  purpose: 'verify_email' | 'reset_password';
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

export interface SignInThrottleTable {
  key: string;
  failures: number;
  window_started_at: Date;
  blocked_until: Date | null;
}

export interface ApiKeysTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_by: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface AccountsTables {
  organisations: OrganisationsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  sign_in_throttle: SignInThrottleTable;
  api_keys: ApiKeysTable;
}
