import type { FlagValue } from '../api';
import { errorText } from '../errors/error-text';
import { type ArmedTimeBox, failedWithTimeBox } from './armed-time-box';
import { conflictsOf, type Outcome, writeError } from './change-steps';
import { flagValueText } from './flag-value-text';

/** What a write that raised an error did, judged by what the provider serves afterwards. */
export type WriteVerdict =
  | { landed: true; note: string }
  | {
      landed: false;
      error: string;
      approvalRequired: boolean;
      /** the read-back failed too: the write may have landed */
      unsure: boolean;
    };

/**
 * A provider may raise after applying ("applied, but the flag kept changing") or time out on a write
 * that went through: the error alone cannot say the change failed. Only the value served now counts.
 */
export async function judgeWriteError(
  error: unknown,
  asked: FlagValue,
  readServed: () => Promise<FlagValue>,
): Promise<WriteVerdict> {
  const { error: text, approvalRequired } = writeError(error);
  let served: FlagValue;
  try {
    served = await readServed();
  } catch (readError) {
    return {
      landed: false,
      error: `${text}; whether it was applied could not be read back (${errorText(readError)})`,
      approvalRequired,
      unsure: true,
    };
  }
  if (served === asked) {
    return {
      landed: true,
      note: `the write reported an error, yet ${flagValueText(asked)} is served as asked: ${text}`,
    };
  }
  return { landed: false, error: text, approvalRequired, unsure: false };
}

/**
 * After a write raised: `{ note }` when the provider serves the value anyway (the change goes on as
 * applied, with the error as a warning), otherwise the failed outcome to record — the time box kept
 * or withdrawn as the verdict allows, and the provider's conflicting pending changes listed.
 */
export async function settleWriteError(
  error: unknown,
  asked: FlagValue,
  readServed: () => Promise<FlagValue>,
  armed: ArmedTimeBox | null,
): Promise<{ note: string } | { failure: Outcome }> {
  const verdict = await judgeWriteError(error, asked, readServed);
  if (verdict.landed) return { note: verdict.note };
  const outcome = await failedWithTimeBox(armed, verdict.error, verdict.unsure, verdict.approvalRequired);
  return { failure: { ...outcome, ...conflictsOf(error) } };
}
