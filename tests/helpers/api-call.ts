// Calls through the API contract (core.dispatch), the surface that stays put while the services behind it
// change: a failed call throws with its code.
import type { ApiInput, ApiMethod, ApiResults, ImportProgress } from '../../shared/api.ts';
import type { Core } from '../../electron/core/core.ts';

export async function call<M extends ApiMethod>(core: Core, method: M, input: ApiInput<M>): Promise<ApiResults[M]> {
  const r = await core.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.value as ApiResults[M];
}

export async function waitForImport(core: Core, jobId: string, pollMs = 20): Promise<ImportProgress> {
  for (;;) {
    const p = await call(core, 'import.status', { jobId });
    if (p.state !== 'running') return p;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
