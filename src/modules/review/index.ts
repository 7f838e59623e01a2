export { reviewQueue, claimApplication, setChecklistItem, reviewDetail, decideApplication, type QueueEntry, type ReviewDetail } from './review.service.ts';
export { CHECKLIST_ITEMS, REVIEW_TARGET_BUSINESS_DAYS } from './review.rules.ts';
