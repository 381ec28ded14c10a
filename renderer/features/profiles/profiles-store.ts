/** Connection profiles: loaded with profiles.list, kept live from profiles.onChange. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AppInfo,
  CallInput,
  ConnectionTest,
  ProfilesView,
  SwitchboardClient,
} from '../../../electron/core/api';
import { CallError, errorText } from '../../client/client';

export type TestState = ConnectionTest | { error: string } | 'running';

export interface ProfilesState {
  view: ProfilesView | null;
  /** the last "Test connection" answer per profile */
  tests: Record<string, TestState>;
  /** the last "Test connection" answer for the open form's contents, not saved yet */
  draftTest: TestState | null;
  busy: string | null;
  error: string | null;
}
export type ProfilesStore = StoreApi<ProfilesState>;

export function createProfilesStore(): ProfilesStore {
  return createStore<ProfilesState>(() => ({
    view: null,
    tests: {},
    draftTest: null,
    busy: null,
    error: null,
  }));
}

export function connectProfiles(store: ProfilesStore, client: SwitchboardClient): () => void {
  return client.on('profiles.onChange', (view) => store.setState({ view }));
}

export async function loadProfiles(store: ProfilesStore, client: SwitchboardClient): Promise<void> {
  try {
    store.setState({ view: await client.call('profiles.list', {}), error: null });
  } catch (error) {
    store.setState({ error: errorText(error) });
  }
}

export async function testProfile(
  store: ProfilesStore,
  client: SwitchboardClient,
  name: string,
): Promise<void> {
  store.setState({ tests: { ...store.getState().tests, [name]: 'running' } });
  let result: ConnectionTest | { error: string };
  try {
    result = await client.call('profiles.test', { name });
  } catch (error) {
    result = { error: errorText(error) };
  }
  store.setState({ tests: { ...store.getState().tests, [name]: result } });
}

/** per store, how many draft tests were started or cleared: an answer counts only if it is the last */
const draftTests = new WeakMap<ProfilesStore, number>();
const nextDraftTest = (store: ProfilesStore) => {
  const n = (draftTests.get(store) ?? 0) + 1;
  draftTests.set(store, n);
  return n;
};

/**
 * "Test connection" for the profile form's contents before they are saved: the same input a save
 * would send. Only the latest click's answer is shown — an earlier, slower one arriving after it
 * would describe fields that have since changed.
 */
export async function testDraft(
  store: ProfilesStore,
  client: SwitchboardClient,
  input: CallInput<'profiles.save'>,
): Promise<void> {
  const mine = nextDraftTest(store);
  store.setState({ draftTest: 'running' });
  let result: TestState;
  try {
    result = await client.call('profiles.test', input);
  } catch (error) {
    result = { error: errorText(error) };
  }
  if (draftTests.get(store) === mine) store.setState({ draftTest: result });
}

/** The form closed or opened anew: an answer about other contents no longer applies. */
export function clearDraftTest(store: ProfilesStore): void {
  nextDraftTest(store);
  store.setState({ draftTest: null });
}

/** Run one profile action; the store says which profile is busy and what failed. */
export async function profileAction(
  store: ProfilesStore,
  name: string,
  action: () => Promise<ProfilesView | unknown>,
): Promise<boolean> {
  store.setState({ busy: name, error: null });
  try {
    const result = await action();
    if (result && typeof result === 'object' && 'profiles' in result)
      store.setState({ view: result as ProfilesView });
    return true;
  } catch (error) {
    store.setState({ error: errorText(error) });
    return false;
  } finally {
    store.setState({ busy: null });
  }
}

/**
 * Switch profile. The core refuses while the active profile has time boxes pending (they run only
 * while it is active) and says which; the person is asked with those words, and only a yes switches.
 * Resolves null when they said no.
 */
export async function switchProfile(
  client: SwitchboardClient,
  name: string,
  ask: (question: string) => boolean | Promise<boolean>,
): Promise<AppInfo | null> {
  try {
    return await client.call('profiles.activate', { name });
  } catch (error) {
    if (!(error instanceof CallError) || error.code !== 'CONFIRMATION_REQUIRED') throw error;
    if (!(await ask(error.message))) return null;
    return client.call('profiles.activate', { name, leavePendingTimeBoxes: true });
  }
}
