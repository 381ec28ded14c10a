import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditLog } from '../actions/audit-log';
import type { FlipService } from '../actions/flip-service';
import {
  ApiError,
  type BrokerHealth,
  type BrokerHistory,
  type CallName,
  type CallOutput,
  type ParsedInput,
  type TenantDetail,
} from '../api';
import type { CallContext } from '../console-core.types';
import { KILL_SWITCH_FLAG } from '../flags/embedded/default-flags';
import type { FlagProvider } from '../flags/flag-provider';
import type { SettingsStore } from '../settings/settings-store';
import type { TenantDirectory } from '../tenants/tenant-directory';
import type { TrafficModel } from '../traffic/traffic-model';
import type { SourceBoard } from './source-board';

export type CallHandlers = {
  [N in CallName]: (input: ParsedInput<N>, ctx: CallContext) => Promise<CallOutput<N>>;
};

export interface CallHandlerDeps {
  host: 'electron' | 'web';
  dataDir: string;
  ofrepEndpoint: string | null;
  provider: FlagProvider;
  model: TrafficModel;
  tenants: TenantDirectory;
  settings: SettingsStore;
  audit: AuditLog;
  flips: FlipService;
  sources: SourceBoard;
  paused(): boolean;
  setPaused(paused: boolean): void;
  problems(): string[];
  brokerHealth(): { current: BrokerHealth[]; history: Record<string, BrokerHistory> };
  /** why flag writes are refused right now (an invalid flags file), or null */
  writeRefusal(): string | null;
}

const version = readVersion();

/** One handler per call of the contract; inputs arrive already validated. */
export function createCallHandlers(d: CallHandlerDeps): CallHandlers {
  return {
    'app.info': async (_input, ctx) => ({
      version,
      host: d.host,
      dataDir: d.dataDir,
      actor: ctx.actor,
      profile: { name: 'local', production: false, readOnly: false },
      flagProvider: { kind: d.provider.kind, label: d.provider.label },
      ofrepEndpoint: d.ofrepEndpoint,
      sources: d.sources.statuses(),
      paused: d.paused(),
      problems: d.problems(),
    }),
    'traffic.snapshot': async () => ({ ...d.model.snapshot(), paused: d.paused() }),
    'traffic.overview': async () => d.model.overview(),
    'traffic.setPaused': async ({ paused }) => {
      d.setPaused(paused);
      return { paused: d.paused() };
    },
    'tenants.list': async () => d.tenants.list(),
    'tenants.detail': async ({ tenantId }) => tenantDetail(d, tenantId),
    'tenants.import': async ({ format, content }) => d.tenants.import(format, content),
    'flags.list': async () => d.provider.listFlags(),
    'flags.forTenant': async ({ tenantId }) => {
      requireTenant(d, tenantId);
      return d.provider.tenantFlags(tenantId);
    },
    'actions.flip': async ({ tenantId, publish, reason, timeboxMs }, ctx) => {
      refuseWhenUnwritable(d);
      return d.flips.apply({
        flagKey: KILL_SWITCH_FLAG,
        tenantId,
        value: publish,
        reason,
        timeboxMs,
        actor: ctx.actor,
      });
    },
    'actions.setFlag': async ({ tenantId, flagKey, value, reason, timeboxMs }, ctx) => {
      refuseWhenUnwritable(d);
      return d.flips.apply({ flagKey, tenantId, value, reason, timeboxMs, actor: ctx.actor });
    },
    'audit.query': async (query) => d.audit.query(query),
    'audit.providerHistory': async ({ flagKey, limit }) =>
      d.provider.history({ flagKey, limit: limit ?? 100 }),
    'broker.health': async () => d.brokerHealth(),
    'settings.get': async () => d.settings.get(),
    'settings.update': async (patch) => d.settings.update(patch),
  };
}

async function tenantDetail(d: CallHandlerDeps, tenantId: string): Promise<TenantDetail> {
  const tenant = requireTenant(d, tenantId);
  return {
    tenant,
    row: d.model.latestRow(tenantId),
    series: d.model.tenantSeries(tenantId) ?? { t: [], rate: [], baseline: [] },
    markers: d.model.markers(tenantId),
    flags: await d.provider.tenantFlags(tenantId),
    audit: d.audit.query({ tenantId, limit: 200 }),
  };
}

function refuseWhenUnwritable(d: CallHandlerDeps): void {
  const refusal = d.writeRefusal();
  if (refusal) throw new ApiError('DATA_FILE_INVALID', `flag writes are refused: ${refusal}`);
}

function requireTenant(d: CallHandlerDeps, tenantId: string) {
  const tenant = d.tenants.get(tenantId) ?? d.model.tenantInfo(tenantId);
  if (!tenant)
    throw new ApiError(
      'NOT_FOUND',
      `unknown tenant "${tenantId}": not in the tenants file and not seen in traffic`,
    );
  return tenant;
}

function readVersion(): string {
  try {
    const manifest = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8'),
    );
    return String(manifest.version);
  } catch {
    return 'dev';
  }
}
