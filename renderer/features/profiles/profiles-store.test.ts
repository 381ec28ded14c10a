import { describe, expect, it } from 'vitest';
import type { ConnectionTest, SwitchboardClient } from '../../../electron/core/api';
import { CallError } from '../../client/client';
import { emptyDraft, saveInput } from './profile-draft';
import { clearDraftTest, createProfilesStore, switchProfile, testDraft } from './profiles-store';

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

/** A client whose profiles.test answers only when the test says so, in any order. */
function clientAnsweringLater() {
  const asked: { name: string; input: unknown; answer(result: ConnectionTest | Error): void }[] = [];
  const client = {
    call: (name: string, input: unknown) =>
      new Promise((resolve, reject) => {
        asked.push({ name, input, answer: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      }),
    on: () => () => {},
  } as unknown as SwitchboardClient;
  return { client, asked };
}

const brokerDown: ConnectionTest = {
  ok: false,
  checks: [
    { part: 'flags (embedded)', ok: true, message: '3 flags · can write: yes' },
    { part: 'metrics (rabbitmq)', ok: false, message: 'connect ECONNREFUSED 127.0.0.1:15672' },
  ],
};

describe('testing the form before saving', () => {
  const draft = {
    ...emptyDraft(),
    name: 'staging',
    rabbitmqUrl: 'http://guest@127.0.0.1:15672',
    rabbitmqPassword: 'typed',
  };

  it('sends what a save would send and shows "running", then the answer', async () => {
    const store = createProfilesStore();
    const { client, asked } = clientAnsweringLater();
    const done = testDraft(store, client, saveInput(draft));
    expect(asked.map((a) => [a.name, a.input])).toEqual([['profiles.test', saveInput(draft)]]);
    expect(store.getState().draftTest).toBe('running');
    asked[0]!.answer(brokerDown);
    await done;
    expect(store.getState().draftTest).toEqual(brokerDown);
    expect(store.getState().tests).toEqual({}); // a draft is no saved profile's result
  });

  it('shows a refusal as the error', async () => {
    const store = createProfilesStore();
    const { client, asked } = clientAnsweringLater();
    const done = testDraft(store, client, saveInput(draft));
    asked[0]!.answer(
      new CallError('INVALID_INPUT', 'profile.sources[0].url: a profile never holds a password'),
    );
    await done;
    expect(store.getState().draftTest).toEqual({
      error: expect.stringContaining('a profile never holds a password'),
    });
  });

  it('keeps the latest click’s answer when an earlier one arrives after it, and none after the form closed', async () => {
    const store = createProfilesStore();
    const { client, asked } = clientAnsweringLater();
    const first = testDraft(store, client, saveInput(draft));
    const second = testDraft(store, client, saveInput({ ...draft, rabbitmqUrl: '' }));
    const fine: ConnectionTest = { ok: true, checks: [brokerDown.checks[0]!] };
    asked[1]!.answer(fine);
    await second;
    asked[0]!.answer(brokerDown);
    await first;
    expect(store.getState().draftTest).toEqual(fine);

    const third = testDraft(store, client, saveInput(draft));
    clearDraftTest(store);
    asked[2]!.answer(brokerDown);
    await third;
    expect(store.getState().draftTest).toBeNull();
  });
});
