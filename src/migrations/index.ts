import type { Migration } from 'kysely/migration';
import * as platform from './2026_11_21_0001_platform.ts';
import * as distributors from './2026_11_21_0002_distributors.ts';
import * as registration from './2026_11_21_0003_registration.ts';
import * as review from './2026_11_22_0004_review.ts';
import * as claimNameMatch from './2026_11_28_1900_claim_name_match.ts';
import * as selfService from './2026_11_28_1930_self_service.ts';
import * as agreementTexts from './2026_11_28_2000_agreement_texts.ts';
import * as training from './2026_11_28_1930_training.ts';
import * as pica from './2026_11_28_1900_pica.ts';
import * as outboxSender from './2026_11_28_1901_outbox_sender.ts';
import * as partnerLocator from './2026_11_28_1950_partner_locator.ts';
import * as findingFeedback from './2026_11_28_2000_finding_feedback.ts';
import * as rateLimitHits from './2026_12_01_0900_rate_limit_hits.ts';
import * as eligibilityChangeTriggers from './2026_12_01_1000_eligibility_change_triggers.ts';
import * as auditChain from './2026_12_02_0900_audit_chain.ts';
import * as locatorListableUntil from './2026_12_02_0900_locator_listable_until.ts';
import * as clampedAddMonths from './2026_12_03_0900_clamped_add_months.ts';
import * as reviewQueue from './2026_12_04_0900_review_queue.ts';

// Migrations are listed here rather than read from the folder so that they load the same way
// under tsx, in tests and in a bundled build. Names sort by time; append new ones at the end.
export const migrations: Record<string, Migration> = {
  '2026_11_21_0001_platform': platform,
  '2026_11_21_0002_distributors': distributors,
  '2026_11_21_0003_registration': registration,
  '2026_11_22_0004_review': review,
  '2026_11_28_1900_claim_name_match': claimNameMatch,
  '2026_11_28_1930_self_service': selfService,
  '2026_11_28_2000_agreement_texts': agreementTexts,
  '2026_11_28_1930_training': training,
  '2026_11_28_1900_pica': pica,
  '2026_11_28_1901_outbox_sender': outboxSender,
  '2026_11_28_1950_partner_locator': partnerLocator,
  '2026_11_28_2000_finding_feedback': findingFeedback,
  '2026_12_01_0900_rate_limit_hits': rateLimitHits,
  '2026_12_01_1000_eligibility_change_triggers': eligibilityChangeTriggers,
  '2026_12_02_0900_audit_chain': auditChain,
  '2026_12_02_0900_locator_listable_until': locatorListableUntil,
  '2026_12_03_0900_clamped_add_months': clampedAddMonths,
  '2026_12_04_0900_review_queue': reviewQueue,
};
