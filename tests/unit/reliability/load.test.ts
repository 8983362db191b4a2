// A lighter run of `stylist bench load` (5,000 items instead of 20,000; see RELIABILITY.md for the full one):
// a library built from real kit photos, an import of real photos, the window's calls measured on the main
// thread. The import alone must not stall the event loop beyond the machine's own noise, and a client's
// wardrobe must list in well under 100 ms while it runs; the whole-library listing and outfit search are
// measured and reported. Wall-clock bounds are on medians and noise-corrected figures: this machine is shared
// with training runs, and a tail latency there says more about the neighbours than about the code (the bench
// reports the tails).
import { describe, expect, it } from 'vitest';
import { runLoadBench } from '../../../electron/core/cli/commands/bench-load.ts';
import { CLOTHING_DIR, MODEL_DIR, requireKit, requireModel } from '../../helpers/kit.ts';

const ITEMS = Number(process.env.STYLIST_LOAD_ITEMS ?? 5000);

describe('load', () => {
  it(`a ${ITEMS}-item library stays responsive while real photos import`, { timeout: 150_000 }, async () => {
    requireKit();
    requireModel();
    const r = await runLoadBench({ dataDir: CLOTHING_DIR, modelDir: MODEL_DIR, items: ITEMS, realPhotos: 16, wardrobe: 150, importPhotos: 16, seed: 5 });
    console.log(`[reliability] load: ${JSON.stringify(r)}`);
    expect(r.during_import.imported).toBe(16);
    expect(r.open_ms).toBeLessThan(1000);
    // What the import itself costs the window: decoding, inference and file writes are off the main thread,
    // and describing a batch yields between photos (before: 170-370 ms stalls per batch).
    expect(r.event_loop_delay_ms.import_alone_p99 - r.event_loop_delay_ms.idle_p99).toBeLessThan(150);
    const client = r.during_import.calls['items.list (client)']!;
    expect(client.calls).toBeGreaterThan(0);
    expect(client.p50_ms).toBeLessThan(50);
    // A deep page of the whole library is read from the wardrobe_listing index (schema 4), not sorted from every
    // row (before: p50 510 ms at 20,000 items): it costs about what a client's page does.
    const deep = r.during_import.calls['items.list (whole library, deep page)']!;
    expect(deep.p50_ms).toBeLessThan(50);
    expect(r.browse_idle['random offset']!.p50_ms).toBeLessThan(50);
    expect(r.browse_idle['next page by cursor']!.p50_ms).toBeLessThan(50);
    // The filter chips' counts are kept by triggers (db/facet-counts.ts): a few dozen rows read whatever the
    // library's size (counting every item: p50 120-169 ms at 20,000 items).
    expect(r.browse_idle['items.counts']!.p50_ms).toBeLessThan(20);
    expect(r.during_import.calls['items.counts (whole library)']!.p50_ms).toBeLessThan(20);
    // Outfit suggestions while the client's wardrobe grows: the answer is kept until the wardrobe changes (the
    // same request), and a new request searches again; the import's threads yield the cores to the main thread
    // (library/thread-priority.ts). Before, p50 26-71 ms during the import at 20,000 items.
    const suggestNew = r.during_import.calls['outfits.suggest (client, new request)']!;
    expect(suggestNew.calls).toBeGreaterThan(0);
    expect(suggestNew.p50_ms).toBeLessThan(50);
    // The 100 ms target for every call is checked with the bench (RELIABILITY.md); here: bounded, never a hang.
    expect(deep.max_ms).toBeLessThan(3000);
    expect(r.during_import.calls['outfits.suggest (client)']!.max_ms).toBeLessThan(3000);
    expect(suggestNew.max_ms).toBeLessThan(3000);
    expect(r.peak_rss_mb).toBeLessThan(2000);
  });
});
