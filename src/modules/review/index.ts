export {
  reviewQueue,
  claimApplication,
  setChecklistItem,
  reviewDetail,
  decideApplication,
  type QueueEntry,
  type ReviewDetail,
} from './review.service.ts';
export { dashboard, type Dashboard } from './dashboard.service.ts';
export { importDeniedParties } from './screening.service.ts';
export { reviewRoutes } from './review.routes.ts';
export { CHECKLIST_ITEMS, REVIEW_TARGET_BUSINESS_DAYS, normalisePartyName } from './review.rules.ts';
export { reviewPages } from './review.pages.tsx';
