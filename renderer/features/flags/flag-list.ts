/**
 * The provider's flags for the Flags view: loaded with flags.list, reloaded when a flag changes
 * (ours or someone else's, via flags.onChange) and when the profile switches (app.onReset).
 */
import { useEffect, useState } from 'react';
import type {
  FlagEnvironmentState,
  FlagExceptions,
  FlagInfo,
  SwitchboardClient,
} from '../../../electron/core/api';
import { errorText } from '../../client/client';

export interface FlagList {
  flags: FlagInfo[] | null;
  /** on/off in the provider's other environments, by flag key; {} where it has one */
  environments: Record<string, FlagEnvironmentState[]>;
  /** the tenants each flag serves a non-default value, by flag key */
  exceptions: Record<string, FlagExceptions>;
  error: string | null;
}

/** Kill switches first (the incident path), then release and operational flags, by key. */
const KIND_ORDER: Record<FlagInfo['kind'], number> = { 'kill-switch': 0, release: 1, operational: 2 };

export function sortFlags(flags: readonly FlagInfo[]): FlagInfo[] {
  return [...flags].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.key.localeCompare(b.key));
}

/** Turning this flag off stops every tenant's traffic: a kill switch whose off value is false. */
export function stopsEveryone(flag: FlagInfo): boolean {
  return flag.kind === 'kill-switch' && flag.offValue === false;
}

export function useFlagList(client: SwitchboardClient): FlagList {
  const [list, setList] = useState<FlagList>({ flags: null, environments: {}, exceptions: {}, error: null });
  useEffect(() => {
    let live = true;
    const load = () =>
      Promise.all([
        client.call('flags.list', {}),
        client.call('flags.environments', {}),
        client.call('flags.exceptions', {}),
      ]).then(
        ([flags, environments, exceptions]) =>
          live && setList({ flags: sortFlags(flags), environments, exceptions, error: null }),
        (error) => live && setList((prev) => ({ ...prev, error: errorText(error) })),
      );
    void load();
    const offChange = client.on('flags.onChange', () => void load());
    const offReset = client.on('app.onReset', () => void load());
    return () => {
      live = false;
      offChange();
      offReset();
    };
  }, [client]);
  return list;
}
