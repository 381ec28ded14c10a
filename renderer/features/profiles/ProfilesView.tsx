/**
 * Connection profiles: which flag system and which metrics sources, production and read-only
 * guards, "Test connection", switch. Secrets are typed here and sent once to the main process; the
 * list only ever says whether each one is set.
 */
import { useEffect, useState } from 'react';
import type { ProfileView } from '../../../electron/core/api';
import { useApp, useSlice } from '../../app/context';
import { draftOf, emptyDraft, type ProfileDraft, saveInput } from './profile-draft';
import {
  clearDraftTest,
  loadProfiles,
  profileAction,
  switchProfile,
  type TestState,
  testDraft,
  testProfile,
} from './profiles-store';
import './profiles.css';

export function ProfilesView() {
  const { client, stores } = useApp();
  const view = useSlice(
    (s) => s.profiles,
    (s) => s.view,
  );
  const error = useSlice(
    (s) => s.profiles,
    (s) => s.error,
  );
  const [draft, setOpenDraft] = useState<ProfileDraft | null>(null);
  // A test answer belongs to the form it was asked from: opening or closing one drops it.
  const setDraft = (next: ProfileDraft | null) => {
    clearDraftTest(stores.profiles);
    setOpenDraft(next);
  };
  useEffect(() => {
    void loadProfiles(stores.profiles, client);
  }, [stores, client]);

  const save = async (next: ProfileDraft) => {
    const ok = await profileAction(stores.profiles, next.name, () =>
      client.call('profiles.save', saveInput(next)),
    );
    if (ok) setDraft(null);
  };

  return (
    <section className="profiles" data-testid="profiles-view" aria-label="Connection profiles">
      <div className="toolbar">
        <span className="toolbar__count">
          {view ? `${view.profiles.length} profiles · active: ${view.active}` : 'loading profiles…'}
        </span>
        <button
          type="button"
          className="btn btn--small"
          data-testid="profile-add"
          onClick={() => setDraft(emptyDraft())}
        >
          Add profile
        </button>
        {error ? (
          <span className="toolbar__error" data-testid="profiles-error">
            {error}
          </span>
        ) : null}
      </div>
      {view?.secretStorage.warning ? (
        <p className="profiles__warning" data-testid="secret-storage-warning">
          Secrets ({view.secretStorage.backend}): {view.secretStorage.warning}
        </p>
      ) : null}
      <div className="profiles__list">
        {view?.profiles.map((profile) => (
          <ProfileCard
            key={profile.name}
            profile={profile}
            active={profile.name === view.active}
            onEdit={() => setDraft(draftOf(profile))}
          />
        ))}
      </div>
      {draft ? <ProfileForm draft={draft} onCancel={() => setDraft(null)} onSave={save} /> : null}
    </section>
  );
}

function ProfileCard({ profile, active, onEdit }: { profile: ProfileView; active: boolean; onEdit(): void }) {
  const { client, stores } = useApp();
  const test = useSlice(
    (s) => s.profiles,
    (s) => s.tests[profile.name],
  );
  const busy = useSlice(
    (s) => s.profiles,
    (s) => s.busy === profile.name,
  );
  const name = profile.name;
  return (
    <article
      className={`pcard${active ? ' pcard--active' : ''}`}
      data-testid={`profile-card-${name}`}
      data-active={active}
    >
      <header className="pcard__head">
        <strong className="pcard__name">{name}</strong>
        {active ? <span className="tag">active</span> : null}
        {profile.production ? <span className="tag tag--production">PRODUCTION</span> : null}
        {profile.readOnly ? <span className="tag">read-only</span> : null}
        {profile.transient ? (
          <span className="tag" title="built from command-line flags; not saved">
            command line
          </span>
        ) : null}
      </header>
      <dl className="pcard__facts">
        <dt>flags</dt>
        <dd>{describeFlags(profile)}</dd>
        <dt>metrics</dt>
        <dd>{profile.sources.map((s) => ('url' in s ? `${s.kind} ${s.url}` : s.kind)).join(' · ')}</dd>
        <dt>secrets</dt>
        <dd data-testid={`profile-secrets-${name}`}>
          token {profile.secrets.flagToken.configured ? 'set' : 'not set'} · broker password{' '}
          {profile.secrets.rabbitmqPassword.configured ? 'set' : 'not set'}
        </dd>
      </dl>
      <div className="pcard__actions">
        <button
          type="button"
          className="btn btn--small"
          data-testid={`profile-test-${name}`}
          onClick={() => void testProfile(stores.profiles, client, name)}
        >
          Test connection
        </button>
        {active ? null : (
          <button
            type="button"
            className="btn btn--small btn--primary"
            data-testid={`profile-activate-${name}`}
            disabled={busy}
            onClick={() =>
              void profileAction(stores.profiles, name, () =>
                switchProfile(client, name, (question) =>
                  window.confirm(`Switch to "${name}"?\n\n${question}`),
                ),
              )
            }
          >
            {busy ? 'Switching…' : 'Switch to this profile'}
          </button>
        )}
        {profile.transient ? null : (
          <button
            type="button"
            className="btn btn--small"
            data-testid={`profile-edit-${name}`}
            onClick={onEdit}
          >
            Edit
          </button>
        )}
        {active || profile.transient ? null : (
          <button
            type="button"
            className="btn btn--small btn--danger"
            data-testid={`profile-delete-${name}`}
            onClick={() =>
              void profileAction(stores.profiles, name, () => client.call('profiles.delete', { name }))
            }
          >
            Delete
          </button>
        )}
      </div>
      {test ? <TestResult testId={`profile-test-result-${name}`} test={test} /> : null}
    </article>
  );
}

function describeFlags(profile: ProfileView): string {
  const flags = profile.flags;
  if (flags.kind === 'embedded') return 'embedded flag store (flagd file, OFREP)';
  if (flags.kind === 'unleash')
    return `Unleash ${flags.url} · ${flags.project}/${flags.environment} · ${flags.contextField}`;
  return `LaunchDarkly ${flags.baseUrl ?? 'app.launchdarkly.com'} · ${flags.project}/${flags.environment} · ${flags.contextKind}`;
}

function TestResult({ testId, test }: { testId: string; test: TestState }) {
  if (test === 'running')
    return (
      <p className="pcard__test" data-testid={testId}>
        Testing…
      </p>
    );
  if ('error' in test) {
    return (
      <p className="pcard__test pcard__test--bad" data-testid={testId} data-ok="false">
        {test.error}
      </p>
    );
  }
  return (
    <ul className="pcard__test" data-testid={testId} data-ok={test.ok}>
      {test.checks.map((check) => (
        <li key={check.part} className={check.ok ? 'check check--ok' : 'check check--bad'}>
          <span aria-hidden="true">{check.ok ? '●' : '✕'}</span> {check.part}: {check.message}
        </li>
      ))}
    </ul>
  );
}

function ProfileForm({
  draft,
  onCancel,
  onSave,
}: {
  draft: ProfileDraft;
  onCancel(): void;
  onSave(d: ProfileDraft): void;
}) {
  const { client, stores } = useApp();
  const test = useSlice(
    (s) => s.profiles,
    (s) => s.draftTest,
  );
  const [d, setD] = useState(draft);
  const set = <K extends keyof ProfileDraft>(key: K, value: ProfileDraft[K]) => setD({ ...d, [key]: value });
  const text = (
    key: Exclude<keyof ProfileDraft, 'base'>,
    label: string,
    props: { type?: string; placeholder?: string; readOnly?: boolean; title?: string } = {},
  ) => (
    <label className="field">
      <span className="field__label">{label}</span>
      <input
        className="input"
        data-testid={`profile-form-${key}`}
        type={props.type ?? 'text'}
        placeholder={props.placeholder}
        readOnly={props.readOnly}
        title={props.title}
        autoComplete="off"
        value={String(d[key])}
        onChange={(e) => set(key, e.target.value as never)}
      />
    </label>
  );
  const editing = draft.base !== null;
  const remote = d.kind !== 'embedded';
  return (
    <form
      className="profile-form"
      data-testid="profile-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(d);
      }}
    >
      <h3>{editing ? `Edit ${draft.name}` : 'New profile'}</h3>
      {text('name', 'Name', {
        placeholder: 'production',
        // renaming would save a second profile, without this one's secrets and time boxes
        readOnly: editing,
        title: editing ? 'A profile keeps its name: add a new profile to use another one' : undefined,
      })}
      <label className="field">
        <span className="field__label">Flags</span>
        <select
          className="select"
          data-testid="profile-form-kind"
          value={d.kind}
          onChange={(e) => set('kind', e.target.value as ProfileDraft['kind'])}
        >
          <option value="embedded">embedded flag store</option>
          <option value="unleash">Unleash</option>
          <option value="launchdarkly">LaunchDarkly</option>
        </select>
      </label>
      {remote ? (
        <>
          {text('url', d.kind === 'unleash' ? 'Unleash URL' : 'API base URL (optional)', {
            placeholder:
              d.kind === 'unleash' ? 'https://unleash.example.com' : 'https://app.launchdarkly.com',
          })}
          {text('project', 'Project')}
          {text('environment', 'Environment')}
          {text('contextName', d.kind === 'unleash' ? 'Context field (customerId)' : 'Context kind (tenant)')}
          {text('flagToken', 'API token (kept in the main process)', {
            type: 'password',
            placeholder: 'unchanged',
          })}
        </>
      ) : null}
      <label className="check-field">
        <input
          type="checkbox"
          data-testid="profile-form-simulated"
          checked={d.simulated}
          onChange={(e) => set('simulated', e.target.checked)}
        />
        simulated workload
      </label>
      {text('rabbitmqUrl', 'RabbitMQ management URL', { placeholder: 'http://guest@127.0.0.1:15672' })}
      {text('rabbitmqPassword', 'RabbitMQ password', { type: 'password', placeholder: 'unchanged' })}
      {text('prometheusUrl', 'Prometheus URL', { placeholder: 'http://127.0.0.1:9090' })}
      {text('scrapeUrl', '/metrics URL to scrape', { placeholder: 'http://127.0.0.1:9464/metrics' })}
      <label className="check-field">
        <input
          type="checkbox"
          data-testid="profile-form-production"
          checked={d.production}
          onChange={(e) => set('production', e.target.checked)}
        />
        production (flips ask for confirmation naming the tenant)
      </label>
      <label className="check-field">
        <input
          type="checkbox"
          data-testid="profile-form-readOnly"
          checked={d.readOnly}
          onChange={(e) => set('readOnly', e.target.checked)}
        />
        read-only (every write control disabled)
      </label>
      <div className="profile-form__actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="btn"
          data-testid="profile-form-test"
          title="Try the form's settings as they are now, without saving them"
          disabled={!d.name.trim() || test === 'running'}
          onClick={() => void testDraft(stores.profiles, client, saveInput(d))}
        >
          {test === 'running' ? 'Testing…' : 'Test connection'}
        </button>
        <button
          type="submit"
          className="btn btn--primary"
          data-testid="profile-form-save"
          disabled={!d.name.trim()}
        >
          Save profile
        </button>
      </div>
      {test ? <TestResult testId="profile-form-test-result" test={test} /> : null}
    </form>
  );
}
