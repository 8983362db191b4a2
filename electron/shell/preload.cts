// The window's preload: exposes `window.stylist` (a StylistApi) and nothing else.
//
// It runs sandboxed (webPreferences.sandbox), where a preload is a plain CommonJS script whose `require`
// only knows a few built-ins such as 'electron'; it cannot load other local files. So:
//  - this file is `.cts`: `tsc -p tsconfig.electron.json` emits it as CommonJS `dist/electron/shell/preload.cjs`
//    in the same build as the rest of the shell (no second tsconfig, no rename step);
//  - its only runtime dependency is `require('electron')`; everything from the contract is `import type`, and
//    the three string constants are repeated here, typed as `typeof` the contract's constants so tsc fails if
//    they drift apart (tests/unit/shell/preload.test.ts also compares them and checks the emitted requires).
import type * as Electron from 'electron';
import type { API_GLOBAL, ApiInput, ApiMethod, ApiResult, ApiResults, IPC_CHANNEL, MEDIA_SCHEME, StylistApi } from '../../shared/api.ts';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload is CommonJS: this is its only way in
const { contextBridge, ipcRenderer } = require('electron') as typeof Electron;

const API_GLOBAL_NAME: typeof API_GLOBAL = 'stylist';
const CHANNEL: typeof IPC_CHANNEL = 'stylist:api';
const SCHEME: typeof MEDIA_SCHEME = 'stylist-media';

const api = {
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<ApiResults[M]>> {
    return ipcRenderer.invoke(CHANNEL, { method, input }) as Promise<ApiResult<ApiResults[M]>>;
  },
  mediaUrl(kind: 'thumb' | 'original', sha256: string): string {
    return `${SCHEME}://${kind}/${sha256}`;
  },
} satisfies StylistApi;

contextBridge.exposeInMainWorld(API_GLOBAL_NAME, api);
