// Worker thread for "teach the house style": training is seconds-to-minutes of arithmetic that must not
// run on the thread that answers the window. Posts progress, then the result or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { teachHouseStyle } from './house-style.ts';
import type { HouseStyleProgress, TeachResult } from './house-style.ts';

export interface TeachWorkerData {
  lookbookDir: string;
  backbonePath: string;
  outDir: string;
  cacheDir: string | null;
  stopFlag: SharedArrayBuffer;
}
export type TeachWorkerMessage = { progress: HouseStyleProgress } | { result: TeachResult } | { error: string };

const data = workerData as TeachWorkerData;
const port = parentPort!;
const stop = new Int32Array(data.stopFlag);
try {
  const result = await teachHouseStyle({
    lookbookDir: data.lookbookDir,
    backbonePath: data.backbonePath,
    outDir: data.outDir,
    cacheDir: data.cacheDir,
    shouldStop: () => Atomics.load(stop, 0) === 1,
    onProgress: (progress) => port.postMessage({ progress } satisfies TeachWorkerMessage),
  });
  port.postMessage({ result } satisfies TeachWorkerMessage);
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies TeachWorkerMessage);
}
