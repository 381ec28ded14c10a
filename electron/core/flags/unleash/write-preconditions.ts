/**
 * What a list edit needs from Unleash before anything is written: the tenant context field must
 * exist (Unleash accepts constraints on an unknown field silently, but its UI cannot show them), and
 * no list may grow past Unleash's limit of values per constraint — checked up front so that a change
 * is refused whole rather than half-written.
 */
import { FlagProviderError } from '../flag-provider';
import { applyDelta, isOffConstraint, isOnConstraint, type PlanStep, strategyName } from './tenant-lists';
import { UnleashApiError } from './unleash-http';
import { uiConfigSchema } from './unleash-schemas';
import { enc, type UnleashScope } from './unleash-scope';

/** Unleash's default when /api/admin/ui-config does not say (UNLEASH_CONSTRAINT_VALUES_LIMIT). */
const DEFAULT_CONSTRAINT_VALUES_LIMIT = 250;

export class WritePreconditions {
  private constraintLimit: number | null = null;
  private contextFieldReady = false;

  constructor(private readonly scope: UnleashScope) {}

  /** Refuse (changing nothing) when a step would take a list past the limit. */
  async checkLimits(flagKey: string, steps: readonly PlanStep[]): Promise<void> {
    const limit = await this.limit();
    const { contextField } = this.scope;
    for (const step of steps) {
      if (step.kind !== 'patch' || step.delta.op !== 'add') continue;
      const { constraints } = applyDelta(step.strategy, contextField, step.delta);
      const isList = step.delta.list === 'on' ? isOnConstraint : isOffConstraint;
      const grown = constraints.find(
        (c) => isList(c, contextField) && (c.values ?? []).includes(step.delta.tenant),
      );
      const size = grown?.values?.length ?? 0;
      if (size > limit) {
        throw limitError(`${flagKey} for ${step.delta.tenant}`, limit, size - 1, step, 'nothing was changed');
      }
    }
  }

  /**
   * Unleash refused a write over its limit after all (the limit read was wrong, or changed): the
   * limit it names from now on, and the refusal as the operator should read it.
   */
  exceeded(what: string, error: UnleashApiError, step: PlanStep, after: string): FlagProviderError {
    const limit = Number(
      /limit of (\d+)/.exec(error.detail)?.[1] ?? this.constraintLimit ?? DEFAULT_CONSTRAINT_VALUES_LIMIT,
    );
    this.constraintLimit = limit;
    return limitError(what, limit, limit, step, after);
  }

  /** Create the context field when Unleash has none by that name (once per session). */
  async ensureContextField(): Promise<void> {
    if (this.contextFieldReady) return;
    const { http, contextField } = this.scope;
    const path = `/api/admin/context/${enc(contextField)}`;
    const what = `read the context field ${contextField}`;
    try {
      await http.request('GET', path, what);
    } catch (error) {
      if (!(error instanceof UnleashApiError) || error.status !== 404) throw error;
      try {
        await http.request('POST', '/api/admin/context', `create the context field ${contextField}`, {
          body: {
            name: contextField,
            description: "Tenant (customer) id: Switchboard's per-tenant switches",
            stickiness: false,
            legalValues: [],
          },
        });
      } catch (createError) {
        // Someone else created it meanwhile: fine when it is there now.
        await http.request('GET', path, what).catch(() => {
          throw createError;
        });
      }
    }
    this.contextFieldReady = true;
  }

  private async limit(): Promise<number> {
    if (this.constraintLimit === null) {
      const config = await this.scope.http
        .request('GET', '/api/admin/ui-config', "read Unleash's limits", { schema: uiConfigSchema })
        .catch(() => null);
      this.constraintLimit =
        config?.body?.resourceLimits?.constraintValues ?? DEFAULT_CONSTRAINT_VALUES_LIMIT;
    }
    return this.constraintLimit;
  }
}

function limitError(
  what: string,
  limit: number,
  listed: number,
  step: PlanStep,
  after: string,
): FlagProviderError {
  const list = step.delta.list === 'on' ? 'on list (IN)' : 'off list (NOT_IN)';
  return new FlagProviderError(
    `${what}: Unleash allows ${limit} values per constraint (UNLEASH_CONSTRAINT_VALUES_LIMIT); this flag already targets ${listed} tenants with its ${list} in the strategy "${strategyName(step)}": raise the limit or use a segment (${after})`,
  );
}
