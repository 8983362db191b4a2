import { useEffect, useRef, useState } from 'react';
import type { ModelUpdateProgress } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { plural } from '../lib/format.ts';
import { ProgressBar } from './ProgressBar.tsx';

/**
 * After an update brings new image models, the library's garments are described again in the background
 * (types, codes, what suggestions are built on): shown here while it runs, with what it could not update.
 * Asked again whenever the library changes (a merged library can start another run); `onDone` lets the
 * views reload what changed, once per run.
 */
export function ModelUpdateNote({ pollMs, libraryVersion, onDone }: { pollMs: number; libraryVersion: number; onDone: () => void }) {
  const client = useClient();
  const [progress, setProgress] = useState<ModelUpdateProgress | null>(null);
  const reloadedFor = useRef<number | null>(null);
  useEffect(() => {
    let active = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const tick = () => {
      client.call('library.modelUpdate', {}).then(
        (p) => {
          if (!active) return;
          setProgress(p);
          if (p?.state === 'running') timer = setTimeout(tick, pollMs);
          else if (p && p.done > 0 && reloadedFor.current !== p.run) {
            reloadedFor.current = p.run;
            onDone();
          }
        },
        // A note, not a task of the person's: if it cannot be read, it is not shown.
        () => {},
      );
    };
    // The core may start the update a moment after the window opens, or after a merge.
    timer = setTimeout(tick, pollMs);
    return () => {
      active = false;
      if (timer) clearTimeout(timer);
    };
  }, [client, pollMs, onDone, libraryVersion]);
  if (!progress) return null;
  if (progress.state === 'running') {
    return (
      <div className="model-update" role="status">
        <ProgressBar value={progress.done} max={progress.total} label="Updating garments for the new image model" valueText={`${progress.done.toLocaleString()} of ${plural(progress.total, 'garment')}`}>
          Updating garments for the new image model: {progress.done.toLocaleString()} of {progress.total.toLocaleString()}
        </ProgressBar>
      </div>
    );
  }
  if (progress.failed > 0) {
    return (
      <p className="model-update" role="status">
        {plural(progress.failed, 'garment')} could not be updated for the new image model: {progress.failed === 1 ? 'its photo' : 'their photos'} could not be read.
      </p>
    );
  }
  return null;
}
