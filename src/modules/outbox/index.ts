export { enqueueEmail, type Brand, type OutgoingEmail } from './outbox.service.ts';
export { deliverDue, startOutboxWorker } from './outbox.worker.ts';
export { mailboxPages } from './mailbox.pages.tsx';
