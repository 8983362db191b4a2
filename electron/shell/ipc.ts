// The one IPC channel: the preload sends `{ method, input }`, the core validates and answers an ApiResult.
// The shell adds only what the core cannot know: that the message came from the app's own page (not from
// a frame that somehow navigated elsewhere) and that the envelope has the right shape. Nothing here throws
// across the boundary: every refusal is a typed `{ ok: false, error }`.
import { ipcMain } from 'electron';
import type { IpcMain } from 'electron';
import { IPC_CHANNEL } from '../../shared/api.ts';
import type { ApiErrorCode, ApiResult } from '../../shared/api.ts';
import { isAppUrl } from './app-origin.ts';

export interface IpcMessage {
  method: string;
  input: unknown;
}

const MAX_METHOD_LENGTH = 100;

/** `{ method: string, input?: unknown }` and nothing else (a plain object, no other keys); null otherwise. */
export function parseIpcMessage(message: unknown): IpcMessage | null {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return null;
  const proto = Object.getPrototypeOf(message) as unknown;
  if (proto !== Object.prototype && proto !== null) return null;
  const keys = Object.keys(message);
  if (!keys.includes('method') || keys.some((k) => k !== 'method' && k !== 'input')) return null;
  const { method, input } = message as { method: unknown; input?: unknown };
  if (typeof method !== 'string' || method.length === 0 || method.length > MAX_METHOD_LENGTH) return null;
  return { method, input };
}

/** The part of an IPC event the check reads: the frame that sent it (null once it navigated or died). */
export interface IpcSenderEvent {
  readonly senderFrame: { readonly url: string } | null;
}

/** Did this message come from the app's own page (app://bundle)? */
export function isTrustedSender(event: IpcSenderEvent): boolean {
  let url: string | undefined;
  try {
    url = event.senderFrame?.url;
  } catch {
    return false;
  }
  return isAppUrl(url);
}

export type DispatchFn = (method: unknown, input: unknown) => Promise<ApiResult<unknown>>;

function refuse(code: ApiErrorCode, message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}

export function createIpcHandler(dispatch: DispatchFn, log: (message: string) => void = () => {}) {
  return async (event: IpcSenderEvent, message: unknown): Promise<ApiResult<unknown>> => {
    if (!isTrustedSender(event)) {
      let where = 'an unknown frame';
      try {
        where = event.senderFrame?.url.slice(0, 200) ?? 'a destroyed frame';
      } catch {
        // keep the default
      }
      log(`IPC from ${where} refused`);
      return refuse('forbidden', 'this frame may not call the stylist API');
    }
    const parsed = parseIpcMessage(message);
    if (!parsed) return refuse('bad_request', 'the message must be { method: string, input }');
    try {
      return await dispatch(parsed.method, parsed.input);
    } catch (error) {
      // The core's dispatch never throws; this is a last line so a bug cannot surface as an IPC rejection.
      log(`${parsed.method} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return refuse('internal', `${parsed.method.slice(0, MAX_METHOD_LENGTH)} failed`);
    }
  };
}

/** Registers the handler on IPC_CHANNEL; returns a function that removes it. */
export function registerIpc(core: { dispatch: DispatchFn }, log?: (message: string) => void, target: Pick<IpcMain, 'handle' | 'removeHandler'> = ipcMain): () => void {
  const handler = createIpcHandler((method, input) => core.dispatch(method, input), log);
  target.handle(IPC_CHANNEL, (event, message: unknown) => handler(event, message));
  return () => target.removeHandler(IPC_CHANNEL);
}
