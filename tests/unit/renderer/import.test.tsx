// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { ApiInput, ImportProgress } from '../../../shared/api.ts';
import { App } from '../../../renderer/src/App.tsx';
import { createClient } from '../../../renderer/src/api/client.ts';
import { planBatches, readFileBase64, rejectReason } from '../../../renderer/src/lib/files.ts';
import { IMPORT_POLL_MS, ImportManager } from '../../../renderer/src/lib/importManager.ts';
import { createFakeApi, deferred, Fail, progress, type FakeApi } from './fake-api.ts';
import { resetWindowBetweenTests } from './window-reset.ts';

function photo(i: number, type = 'image/jpeg'): File {
  return new File([`photo-${i}`], `photo-${i}.jpg`, { type });
}

/** A core whose jobs finish over two polls: half done, then all done. Files named "bad*" fail. */
function importingCore(): FakeApi {
  const jobs = new Map<string, { files: ApiInput<'import.files'>['files']; polls: number; cancelled: boolean }>();
  const status = (jobId: string): ImportProgress => {
    const job = jobs.get(jobId)!;
    const total = job.files.length;
    if (job.cancelled) return progress(jobId, { state: 'cancelled', total });
    job.polls += 1;
    if (job.polls === 1) return progress(jobId, { total, done: Math.floor(total / 2), imported: Math.floor(total / 2), rate: 4 });
    const failed = job.files.filter((f) => f.name.startsWith('bad')).map((f) => ({ file: f.name, error: 'Not a decodable image' }));
    return progress(jobId, { state: 'done', total, done: total, imported: total - failed.length, failed, rate: 4 });
  };
  return createFakeApi({
    'import.files': ({ files }) => {
      const jobId = `job-${jobs.size + 1}`;
      jobs.set(jobId, { files, polls: 0, cancelled: false });
      return { jobId };
    },
    'import.status': ({ jobId }) => status(jobId),
    'import.cancel': ({ jobId }) => {
      jobs.get(jobId)!.cancelled = true;
      return status(jobId);
    },
  });
}

resetWindowBetweenTests();

async function openImport(api: FakeApi) {
  render(
    <StrictMode>
      <App api={api} initialView="import" importOptions={{ pollMs: 5 }} />
    </StrictMode>,
  );
  return screen.findByTestId('import-dropzone');
}

describe('import view', () => {
  it('sends picked files in batches of at most 20 and shows progress until done', async () => {
    const api = importingCore();
    await openImport(api);
    const input = screen.getByTestId('import-file-input') as HTMLInputElement;
    expect(input.type).toBe('file');
    expect(input.multiple).toBe(true);
    expect(input.accept).toBe('image/*');

    const files = Array.from({ length: 45 }, (_, i) => photo(i));
    fireEvent.change(input, { target: { files } });

    await waitFor(() => expect(screen.getByTestId('import-progress').textContent).toContain('45 of 45 photos'), {
      timeout: 5000,
    });
    const batches = api.callsTo('import.files');
    expect(batches.map((b) => b.files.length)).toEqual([20, 20, 5]);
    expect(batches.every((b) => b.personId === 1)).toBe(true);
    expect(batches[0]!.files[0]).toEqual({ name: 'photo-0.jpg', dataBase64: btoa('photo-0') });
    expect(batches[2]!.files.at(-1)!.name).toBe('photo-44.jpg');
    expect(screen.getByText('Import finished')).toBeTruthy();
    const bar = screen.getByTestId('import-progress');
    expect(bar.getAttribute('role')).toBe('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('45');
    expect(bar.getAttribute('aria-valuemax')).toBe('45');
    expect(screen.queryByTestId('import-failures')).toBeNull();
    // Every job was polled until it finished.
    expect(new Set(api.callsTo('import.status').map((s) => s.jobId))).toEqual(new Set(['job-1', 'job-2', 'job-3']));
  });

  it('lists files the core could not import and files refused before sending', async () => {
    const api = importingCore();
    await openImport(api);
    const files = [photo(1), new File(['x'], 'bad-scan.jpg', { type: 'image/jpeg' }), new File(['%PDF'], 'notes.pdf', { type: 'application/pdf' })];
    fireEvent.change(screen.getByTestId('import-file-input'), { target: { files } });

    const failures = await screen.findByTestId('import-failures', {}, { timeout: 5000 });
    await waitFor(() => expect(within(failures).getAllByRole('listitem')).toHaveLength(2));
    expect(failures.textContent).toContain('notes.pdf');
    expect(failures.textContent).toContain('Not an image file');
    expect(failures.textContent).toContain('bad-scan.jpg');
    expect(failures.textContent).toContain('Not a decodable image');
    // The PDF never left the window.
    expect(api.callsTo('import.files').flatMap((b) => b.files.map((f) => f.name))).toEqual(['photo-1.jpg', 'bad-scan.jpg']);
    await waitFor(() => expect(screen.getByTestId('import-progress').textContent).toContain('3 of 3 photos'));
  });

  it('accepts files dropped on the drop zone', async () => {
    const api = importingCore();
    const zone = await openImport(api);
    fireEvent.dragEnter(zone, { dataTransfer: { types: ['Files'], files: [] } });
    expect(zone.className).toContain('dropzone--active');
    fireEvent.drop(zone, { dataTransfer: { types: ['Files'], files: [photo(7)] } });
    expect(zone.className).not.toContain('dropzone--active');
    await waitFor(() => expect(api.callsTo('import.files')).toHaveLength(1));
    expect(api.callsTo('import.files')[0]!.files[0]!.name).toBe('photo-7.jpg');
  });

  it('shows done/total, rate and ETA while running, and cancels the running job', async () => {
    const api = createFakeApi({
      'import.files': () => ({ jobId: 'job-a' }),
      'import.status': () => progress('job-a', { total: 4, done: 1, imported: 1, rate: 0.5 }),
      'import.cancel': () => progress('job-a', { state: 'cancelled', total: 4, done: 1, imported: 1 }),
    });
    await openImport(api);
    fireEvent.change(screen.getByTestId('import-file-input'), { target: { files: [photo(1), photo(2), photo(3), photo(4)] } });

    await waitFor(() => expect(screen.getByTestId('import-progress').textContent).toContain('1 of 4 photos'));
    const bar = screen.getByTestId('import-progress');
    expect(bar.getAttribute('aria-valuenow')).toBe('1');
    expect(bar.textContent).toMatch(/images\/s/);
    expect(bar.textContent).toMatch(/left|estimating|almost done/);
    expect(screen.getByText('Imported').nextElementSibling?.textContent).toBe('1');

    fireEvent.click(screen.getByRole('button', { name: /cancel import/i }));
    await waitFor(() => expect(screen.getByText('Import cancelled')).toBeTruthy());
    expect(api.callsTo('import.cancel')).toEqual([{ jobId: 'job-a' }]);
  });

  it('puts a refused upload in the failures list and the error banner', async () => {
    const api = createFakeApi({ 'import.files': () => new Fail('bad_request', 'files: too many') });
    await openImport(api);
    fireEvent.change(screen.getByTestId('import-file-input'), { target: { files: [photo(1)] } });
    expect((await screen.findByTestId('error-banner')).textContent).toContain('files: too many');
    expect((await screen.findByTestId('import-failures')).textContent).toContain('photo-1.jpg');
    await waitFor(() => expect(screen.getByText('Import finished')).toBeTruthy());
  });

  it('keeps importing while another view is shown', async () => {
    const api = importingCore();
    await openImport(api);
    fireEvent.change(screen.getByTestId('import-file-input'), { target: { files: [photo(1), photo(2)] } });
    const nav = screen.getByRole('navigation', { name: 'Views' });
    fireEvent.click(within(nav).getByRole('button', { name: /wardrobe/i }));
    expect(screen.queryByTestId('import-dropzone')).toBeNull();
    await waitFor(() => expect(api.callsTo('import.status').length).toBeGreaterThanOrEqual(2));
    // When a job adds items the wardrobe reloads.
    await waitFor(() => expect(api.callsTo('items.list').length).toBeGreaterThanOrEqual(2));
    fireEvent.click(within(nav).getByRole('button', { name: /^import/i }));
    expect(screen.getByTestId('import-progress').textContent).toContain('2 of 2 photos');
  });
});

describe('ImportManager', () => {
  it('polls every 300 ms by default', () => {
    expect(IMPORT_POLL_MS).toBe(300);
  });

  it('sends the next batch only when fewer jobs than the limit are unfinished', async () => {
    const gate = deferred<void>();
    const api = createFakeApi({
      'import.files': () => ({ jobId: `job-${api.callsTo('import.files').length}` }),
      'import.status': async ({ jobId }) => {
        await gate.promise;
        return progress(jobId, { state: 'done', total: 2, done: 2, imported: 2 });
      },
    });
    const manager = new ImportManager(createClient(api), { pollMs: 1, maxFilesPerBatch: 2, maxJobsInFlight: 1 });
    manager.add(1, [photo(1), photo(2), photo(3), photo(4)]);
    await waitFor(() => expect(api.callsTo('import.status').length).toBeGreaterThan(0));
    expect(api.callsTo('import.files')).toHaveLength(1);
    expect(manager.getSnapshot().waiting).toBe(2);
    gate.resolve();
    await waitFor(() => expect(manager.getSnapshot().state).toBe('done'));
    expect(api.callsTo('import.files').map((b) => b.files.length)).toEqual([2, 2]);
    expect(manager.getSnapshot()).toMatchObject({ total: 4, done: 4, imported: 4, failed: [] });
    manager.dispose();
  });

  it('computes rate and ETA from the time since the session started', async () => {
    let now = 1_000;
    const api = createFakeApi({
      'import.files': () => ({ jobId: 'job-1' }),
      'import.status': () => progress('job-1', { total: 10, done: 4, imported: 4 }),
    });
    const manager = new ImportManager(createClient(api), { pollMs: 1, now: () => now });
    manager.add(1, Array.from({ length: 10 }, (_, i) => photo(i)));
    now = 3_000; // 4 images in 2 s
    await waitFor(() => expect(manager.getSnapshot().done).toBe(4));
    const snap = manager.getSnapshot();
    expect(snap.rate).toBeCloseTo(2);
    expect(snap.etaSeconds).toBeCloseTo(3);
    await act(async () => manager.cancel());
    manager.dispose();
  });

  it('gives up on a job whose status keeps failing, and says so', async () => {
    const onError = vi.fn();
    const api = createFakeApi({
      'import.files': () => ({ jobId: 'job-1' }),
      'import.status': () => new Fail('not_found', 'no such job'),
    });
    const manager = new ImportManager(createClient(api), { pollMs: 1, onError });
    manager.add(1, [photo(1), photo(2)]);
    await waitFor(() => expect(manager.getSnapshot().state).toBe('done'));
    expect(onError).toHaveBeenCalledTimes(1);
    expect(manager.getSnapshot()).toMatchObject({ done: 2, total: 2 });
    expect(manager.getSnapshot().failed[0]).toMatchObject({ file: '2 files', error: expect.stringContaining('no such job') });
  });
});

describe('file helpers', () => {
  it('plans batches by count and by size, keeping order', () => {
    const sized = (size: number, i: number) => ({ size, i });
    expect(planBatches(Array.from({ length: 41 }, (_, i) => sized(1, i))).map((b) => b.length)).toEqual([20, 20, 1]);
    expect(planBatches([sized(6, 0), sized(6, 1), sized(6, 2), sized(20, 3)], 20, 12).map((b) => b.map((f) => f.i))).toEqual([
      [0, 1],
      [2],
      [3],
    ]);
  });

  it('refuses non-images, empty files and files over 40 MB', () => {
    expect(rejectReason({ name: 'a.jpg', type: 'image/jpeg', size: 10 })).toBeNull();
    expect(rejectReason({ name: 'IMG_1.HEIC', type: '', size: 10 })).toBeNull();
    expect(rejectReason({ name: 'a.txt', type: 'text/plain', size: 10 })).toMatch(/image/);
    expect(rejectReason({ name: 'folder', type: '', size: 0 })).toMatch(/image/);
    expect(rejectReason({ name: 'a.png', type: 'image/png', size: 0 })).toMatch(/empty/);
    expect(rejectReason({ name: 'a.png', type: 'image/png', size: 41 * 1024 * 1024 })).toMatch(/40 MB/);
  });

  it('reads a file as plain base64', async () => {
    expect(await readFileBase64(new File([new Uint8Array([0, 255, 1, 2])], 'x.png'))).toBe('AP8BAg==');
  });
});
