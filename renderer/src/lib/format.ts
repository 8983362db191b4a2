import type { ArchiveReason, GarmentType, Judgement } from '../../../shared/api.ts';

/**
 * Labels for every garment type. Typed as a Record over the contract's GarmentType, so adding a type to the
 * contract fails the type check here until it has a label (and the renderer needs no runtime import of it).
 */
export const TYPE_LABELS: Record<GarmentType, { one: string; many: string }> = {
  top: { one: 'Top', many: 'Tops' },
  bottom: { one: 'Bottom', many: 'Bottoms' },
  dress: { one: 'Dress', many: 'Dresses' },
  outerwear: { one: 'Outerwear', many: 'Outerwear' },
  shoes: { one: 'Shoes', many: 'Shoes' },
  accessory: { one: 'Accessory', many: 'Accessories' },
  unknown: { one: 'Unsorted', many: 'Unsorted' },
};

/** Every garment type, in the order the UI lists them. */
export const GARMENT_TYPE_LIST = Object.keys(TYPE_LABELS) as GarmentType[];

export function typeLabel(type: GarmentType): string {
  return TYPE_LABELS[type]?.one ?? type;
}

/** A verdict in words: "Liked", "Disliked", or "Disliked: not the shoes" for a dislike that named its garment. */
export function verdictText(verdict: Judgement['verdict'], blamed?: { type: GarmentType }): string {
  if (verdict === 'like') return 'Liked';
  return blamed ? `Disliked: not the ${typeLabel(blamed.type).toLowerCase()}` : 'Disliked';
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "3.2 images/s" */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '—';
  const value = perSecond >= 10 ? Math.round(perSecond).toString() : perSecond.toFixed(1);
  return `${value} images/s`;
}

/** "about 2 min 5 s left" */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating…';
  const s = Math.max(0, Math.round(seconds));
  if (s < 1) return 'almost done';
  if (s < 60) return `about ${s} s left`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `about ${minutes} min ${s % 60} s left`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
}

/** Why a garment left the wardrobe, as the UI says it; a Record over the contract's type, like TYPE_LABELS. */
export const ARCHIVE_REASON_LABELS: Record<ArchiveReason, string> = {
  sold: 'Sold',
  donated: 'Donated',
  lost: 'Lost',
  'worn out': 'Worn out',
  other: 'Other',
};
export const ARCHIVE_REASON_LIST = Object.keys(ARCHIVE_REASON_LABELS) as ArchiveReason[];
/** The reasons as select options. */
export const ARCHIVE_REASON_OPTIONS = ARCHIVE_REASON_LIST.map((r) => ({ value: r, label: ARCHIVE_REASON_LABELS[r] }));

/** "12.4 MB" */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** "24 Nov 2025, 14:03" in the person's locale. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}
