// The child of the crash tests: `node kill-child.ts <scenario> <libraryDir> <paramsJson>`. Prints {"go": info}
// when the kill window opens and {"mark": what} at moments worth aiming at; exits 0 when the work is done
// (unless it is killed first).
import { openCore } from '../../electron/core/core.ts';
import { MODEL_DIR } from './kit.ts';
import { KILL_SCENARIOS } from './kill-points.ts';

const [scenario, libraryDir, params] = process.argv.slice(2) as [string, string, string];
const core = openCore({ libraryDir, modelDir: MODEL_DIR, shell: 'browser', version: 'kill-test' });
const say = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
await KILL_SCENARIOS[scenario]!.run(core, JSON.parse(params) as Record<string, unknown>, (info) => say({ go: info }), (what) => say({ mark: what }));
await core.close();
