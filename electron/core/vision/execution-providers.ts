// Which ONNX Runtime execution providers to try, best first (as immich does): a GPU provider where the
// platform has one and its libraries are installed, then the CPU, which always works.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function preferredProviders(platform: NodeJS.Platform = process.platform): string[] {
  const forced = process.env.STYLIST_EXECUTION_PROVIDER;
  if (forced) return [...new Set([forced, 'cpu'])];
  const byPlatform: Record<string, string[]> = {
    linux: ['cuda', 'cpu'],
    win32: ['cuda', 'dml', 'cpu'],
    darwin: ['coreml', 'cpu'],
  };
  return (byPlatform[platform] ?? ['cpu']).filter((p) => p !== 'cuda' || cudaLibrariesInstalled());
}

/**
 * onnxruntime-node ships the CUDA provider as a separate download (its install script, run with
 * ONNXRUNTIME_NODE_INSTALL=cuda12 on a machine with internet). Trying it without the library only logs a
 * loud error, so look for the file first.
 */
function cudaLibrariesInstalled(): boolean {
  try {
    const binDir = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return fs.existsSync(path.join(binDir, lib));
  } catch {
    return false;
  }
}
