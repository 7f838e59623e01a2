/**
 * The AppError codes of anticorruption training (REG-10) in the partners module. Each needs
 * `errors.<code>` in every catalogue: test/error-codes.test.ts.
 */
export const TRAINING_ERROR_CODES = [
  'training_already_reviewed',
  'training_person_exists',
  'training_assignment_closed',
  'training_learner_unknown',
] as const;

export type TrainingErrorCode = (typeof TRAINING_ERROR_CODES)[number];

declare module '../../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ModuleErrorCodes extends Record<TrainingErrorCode, true> {}
}
