// Calls through the API contract (core.dispatch), the surface that stays put while the services behind it
// change: a failed call throws with its code.
import type { ImportProgress } from '../../shared/api.ts';
import type { Core } from '../../electron/core/core.ts';
import { call } from '../../electron/core/api/call.ts';

export { call };

export async function waitForImport(core: Core, jobId: string, pollMs = 20): Promise<ImportProgress> {
  for (;;) {
    const p = await call(core, 'import.status', { jobId });
    if (p.state !== 'running') return p;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
