import { describe, expect, it } from 'vitest';
import type { SwitchboardClient } from '../../../electron/core/api';
import { CallError } from '../../client/client';
import { switchProfile } from './profiles-store';

const REFUSAL =
  "acme's time box (publish-events) ends in 12 min and will not run while another profile is active";

/** A client whose profiles.activate answers like the core: refused while time boxes are pending. */
function clientWithPendingTimeBoxes() {
  const calls: unknown[] = [];
  const client = {
    call: async (_name: string, input: { name: string; leavePendingTimeBoxes?: boolean }) => {
      calls.push(input);
      if (!input.leavePendingTimeBoxes) throw new CallError('CONFIRMATION_REQUIRED', REFUSAL);
      return { profile: { name: input.name, production: false, readOnly: false } };
    },
    on: () => () => {},
  } as unknown as SwitchboardClient;
  return { client, calls };
}

describe('switching profile', () => {
  it('asks with the core’s words and switches only after a yes', async () => {
    const { client, calls } = clientWithPendingTimeBoxes();
    const questions: string[] = [];
    const info = await switchProfile(client, 'staging', (q) => {
      questions.push(q);
      return true;
    });
    expect(questions).toEqual([REFUSAL]);
    expect(calls).toEqual([{ name: 'staging' }, { name: 'staging', leavePendingTimeBoxes: true }]);
    expect(info?.profile.name).toBe('staging');
  });

  it('stays put after a no', async () => {
    const { client, calls } = clientWithPendingTimeBoxes();
    expect(await switchProfile(client, 'staging', () => false)).toBeNull();
    expect(calls).toEqual([{ name: 'staging' }]);
  });

  it('passes any other failure on without asking', async () => {
    const client = {
      call: async () => {
        throw new CallError('NOT_FOUND', 'no profile "ghost"');
      },
    } as unknown as SwitchboardClient;
    let asked = false;
    await expect(
      switchProfile(client, 'ghost', () => {
        asked = true;
        return true;
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(asked).toBe(false);
  });
});
