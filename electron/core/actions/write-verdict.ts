import type { FlagValue } from '../api';
import { writeError } from './change-steps';
import { errorText } from './error-text';
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
