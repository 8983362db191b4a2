// A wardrobe that changed a little (a batch imported, an item archived) takes its pair tables and sorted
// rows from the previous index: entries between items both indexes hold are copied, only the new items'
// rows and columns are multiplied, and each kept row's order is merged with its new columns' instead of
// sorted again. The result is what computing from scratch gives, bit for bit: the same products (each
// entry is one dot product, whatever the block) and the same ordering keys.
import { matmulTransB } from '../learning/nn/matmul.ts';
import { COLUMN_RANGE, orderKey } from './search.ts';
import type { DirectedTable } from './search.ts';

/** For each row of a slot in the new index, its row in the old one (-1: not in it). */
export type RowMap = Int32Array;

/** Per-item vectors of one side of a slot pair, row-major. */
export interface PairSide {
  dim: number;
  data: Float32Array;
}

/** The table between the new index's rows (`left`) and columns (`right`), reusing `old`'s entries. */
export function growTable(old: DirectedTable, rowsOld: RowMap, colsOld: RowMap, left: PairSide, right: PairSide): DirectedTable {
  const rows = rowsOld.length;
  const cols = colsOld.length;
  const data = new Float32Array(rows * cols);
  const newRows = missing(rowsOld);
  const newCols = missing(colsOld);
  const appended = keepsPrefix(colsOld, old.cols);
  for (let r = 0; r < rows; r++) {
    const or = rowsOld[r]!;
    if (or < 0) continue;
    const from = or * old.cols;
    const at = r * cols;
    if (appended) {
      data.set(old.data.subarray(from, from + old.cols), at);
      continue;
    }
    for (let c = 0; c < cols; c++) {
      const oc = colsOld[c]!;
      if (oc >= 0) data[at + c] = old.data[from + oc]!;
    }
  }
  if (newRows.length) {
    const block = matmulTransB(gather(left, newRows), newRows.length, left.dim, right.data, cols);
    newRows.forEach((r, k) => data.set(block.subarray(k * cols, (k + 1) * cols), r * cols));
  }
  if (newCols.length && rows > newRows.length) {
    const block = matmulTransB(left.data, rows, left.dim, gather(right, newCols), newCols.length);
    for (let r = 0; r < rows; r++) {
      if (rowsOld[r]! < 0) continue;
      for (let k = 0; k < newCols.length; k++) data[r * cols + newCols[k]!] = block[r * newCols.length + k]!;
    }
  }
  return { rows, cols, data };
}

/**
 * Each row's columns by decreasing entry (as `computeRowOrder`) for `table`, grown from `old` whose rows
 * were sorted in `oldOrder`: a kept row merges its old order (columns still present) with its new columns.
 */
export function growRowOrder(table: DirectedTable, old: DirectedTable, oldOrder: Int32Array, rowsOld: RowMap, colsOld: RowMap): Int32Array {
  const { rows, cols } = table;
  if (cols >= COLUMN_RANGE) throw new Error(`row orders need fewer than ${COLUMN_RANGE} columns, got ${cols}`);
  const out = new Int32Array(rows * cols);
  const bits = new Uint32Array(table.data.buffer, table.data.byteOffset, table.data.length);
  const colsNew = new Int32Array(old.cols).fill(-1);
  colsOld.forEach((oc, c) => {
    if (oc >= 0) colsNew[oc] = c;
  });
  const newCols = missing(colsOld);
  const appended = keepsPrefix(colsOld, old.cols);
  const rowKeys = new Float64Array(cols);
  const added = new Float64Array(newCols.length);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const or = rowsOld[r]!;
    if (or < 0) {
      for (let j = 0; j < cols; j++) rowKeys[j] = orderKey(bits[o + j]!, j);
      rowKeys.sort();
      for (let j = 0; j < cols; j++) out[o + j] = rowKeys[j]! % COLUMN_RANGE;
      continue;
    }
    for (let k = 0; k < newCols.length; k++) added[k] = orderKey(bits[o + newCols[k]!]!, newCols[k]!);
    added.sort();
    const oo = or * old.cols;
    if (appended) {
      // Old columns kept their indexes: copy runs of the old order between the new columns' places.
      let w = o;
      let q = 0;
      for (let a = 0; a < added.length; a++) {
        const key = added[a]!;
        let lo = q;
        let hi = old.cols;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          const c = oldOrder[oo + mid]!;
          if (orderKey(bits[o + c]!, c) < key) lo = mid + 1;
          else hi = mid;
        }
        out.set(oldOrder.subarray(oo + q, oo + lo), w);
        w += lo - q;
        q = lo;
        out[w++] = key % COLUMN_RANGE;
      }
      out.set(oldOrder.subarray(oo + q, oo + old.cols), w);
      continue;
    }
    // Old columns keep their relative order in the new index (both list a slot's items by id).
    let w = o;
    let a = 0;
    for (let i = 0; i < old.cols; i++) {
      const c = colsNew[oldOrder[oo + i]!]!;
      if (c < 0) continue;
      const key = orderKey(bits[o + c]!, c);
      while (a < added.length && added[a]! < key) out[w++] = added[a++]! % COLUMN_RANGE;
      out[w++] = c;
    }
    while (a < added.length) out[w++] = added[a++]! % COLUMN_RANGE;
  }
  return out;
}

/** Whether the old index's columns are the first ones of the new index, in place (items only added). */
function keepsPrefix(colsOld: RowMap, oldCols: number): boolean {
  if (colsOld.length < oldCols) return false;
  for (let c = 0; c < oldCols; c++) if (colsOld[c] !== c) return false;
  return true;
}

function missing(map: RowMap): number[] {
  const out: number[] = [];
  map.forEach((o, r) => {
    if (o < 0) out.push(r);
  });
  return out;
}

function gather(side: PairSide, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * side.dim);
  rows.forEach((r, k) => out.set(side.data.subarray(r * side.dim, (r + 1) * side.dim), k * side.dim));
  return out;
}
