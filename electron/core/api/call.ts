// A typed call through the API contract (core.dispatch), for code that drives the core in process (the CLI's
// benches, the tests): the answer's value, or an error naming the method and the typed error's code.
import type { ApiInput, ApiMethod, ApiResults } from '../../../shared/api.ts';
import type { Core } from '../core.ts';

export async function call<M extends ApiMethod>(core: Pick<Core, 'dispatch'>, method: M, input: ApiInput<M>): Promise<ApiResults[M]> {
  const r = await core.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.value as ApiResults[M];
}
