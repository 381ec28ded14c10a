import { FlagProviderError } from '../flag-provider';
import type { LdInstruction } from './ld-schemas';

/** Why a LaunchDarkly call failed, for callers that act on it (the UI offers an approval request on 'approval-required'). */
export type LdFailure =
  | 'rate-limited'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'approval-required'
  | 'pending-conflict'
  | 'optimistic-lock'
  | 'lost-race'
  | 'invalid'
  | 'unavailable'
  | 'unreachable'
  | 'bad-answer'
  | 'closed';

export interface LdErrorDetails {
  status?: number | null;
  retryable?: boolean;
  /** the refused semantic patch (approval-required): hand it to `requestApproval` */
  instructions?: readonly LdInstruction[] | null;
  flagKey?: string | null;
  comment?: string | null;
  /** pending-conflict: the conflicting pending changes, as LaunchDarkly described them */
  conflicts?: readonly string[];
}

/**
 * A LaunchDarkly failure in words a human can act on. Never carries the access token: messages are
 * built from the request's purpose and LaunchDarkly's own `{code, message}`, and redacted again.
 */
export class LaunchDarklyError extends FlagProviderError {
  readonly status: number | null;
  readonly instructions: readonly LdInstruction[] | null;
  readonly flagKey: string | null;
  readonly comment: string | null;
  readonly #conflicts: readonly string[];

  constructor(
    message: string,
    readonly failure: LdFailure,
    details: LdErrorDetails = {},
  ) {
    super(message, details.retryable ?? false);
    this.name = 'LaunchDarklyError';
    this.status = details.status ?? null;
    this.instructions = details.instructions ?? null;
    this.flagKey = details.flagKey ?? null;
    this.comment = details.comment ?? null;
    this.#conflicts = details.conflicts ?? [];
  }

  override get approvalRequired(): boolean {
    return this.failure === 'approval-required';
  }

  override get conflicts(): readonly string[] | null {
    return this.failure === 'pending-conflict' ? this.#conflicts : null;
  }
}

export function isLdFailure(error: unknown, failure: LdFailure): error is LaunchDarklyError {
  return error instanceof LaunchDarklyError && error.failure === failure;
}
