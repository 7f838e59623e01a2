import type { AccountsTables } from '../modules/accounts/accounts.table.ts';
import type { AuditTables } from '../modules/audit/audit.table.ts';
import type { OutboxTables } from '../modules/outbox/outbox.table.ts';
import type { DistributorsTables } from '../modules/distributors/distributors.table.ts';
import type { PartnersTables } from '../modules/partners/partners.table.ts';
import type { TrainingTables } from '../modules/partners/training.table.ts';
import type { RegistrationTables } from '../modules/registration/registration.table.ts';
import type { ReviewTables } from '../modules/review/review.table.ts';
import type { PicaTables } from '../modules/pica/pica.table.ts';
import type { RateLimitTables } from './rate-limit.table.ts';

/** Every table of the product, composed from the modules that own them (and the platform's own). */
export interface Database
  extends
    AccountsTables,
    AuditTables,
    OutboxTables,
    DistributorsTables,
    PartnersTables,
    TrainingTables,
    RegistrationTables,
    ReviewTables,
    PicaTables,
    RateLimitTables {}
