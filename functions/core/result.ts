import type { RejectionReason } from './types';

/** Why one step refused a record: a machine reason and a human detail naming the field. */
export interface Refusal {
  readonly ok: false;
  readonly reason: RejectionReason;
  readonly detail: string;
}

/** Outcome of one per-record step. Bad input is expected data here, so it is a value, not an exception. */
export type StepResult<T> = { readonly ok: true; readonly value: T } | Refusal;

/** Builds a {@link Refusal}. */
export function refuse(reason: RejectionReason, detail: string): Refusal {
  return { ok: false, reason, detail };
}
