// The single entry point for every call from the window, whatever the transport: checks the method name,
// validates the input against its schema, runs the handler, and turns every outcome into an ApiResult.
// Nothing thrown inside a handler crosses the boundary as anything but a typed error.
import { z } from 'zod';
import { apiSchemas } from '../../../shared/api.ts';
import type { ApiErrorCode, ApiMethod, ApiParsedInput, ApiResult, ApiResults } from '../../../shared/api.ts';

export type Handlers = { [M in ApiMethod]: (input: ApiParsedInput<M>) => Promise<ApiResults[M]> | ApiResults[M] };

/** Thrown by handlers for an expected failure; `code` goes to the window as is. */
export class ApiFailure extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type Dispatch = (method: unknown, input: unknown) => Promise<ApiResult<unknown>>;

export function createDispatch(handlers: Handlers, onInternalError: (method: string, error: unknown) => void = () => {}): Dispatch {
  return async (method, input) => {
    if (typeof method !== 'string' || !Object.hasOwn(apiSchemas, method)) {
      return fail('bad_request', `unknown method: ${typeof method === 'string' ? method.slice(0, 80) : typeof method}`);
    }
    const m = method as ApiMethod;
    const parsed = apiSchemas[m].safeParse(input ?? {});
    if (!parsed.success) return fail('bad_request', `invalid input for ${m}: ${z.prettifyError(parsed.error).slice(0, 500)}`);
    try {
      const handler = handlers[m] as (input: unknown) => Promise<unknown> | unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof ApiFailure) return fail(error.code, error.message);
      if (error instanceof Error && error.name === 'NotFoundError') return fail('not_found', error.message);
      onInternalError(m, error);
      return fail('internal', `${m} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

function fail(code: ApiErrorCode, message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}
