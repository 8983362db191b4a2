import { useId } from 'react';
import type { ModelVersion } from '../../../shared/api.ts';

/** Held-out measurements a version may carry, best first; the curve charts the first one present. */
const QUALITY_METRICS = ['auc', 'validationAuc', 'aucSwap', 'heldOutAuc', 'ndcg', 'accuracy'];

export function curveMetric(versions: ModelVersion[]): string | null {
  const names = new Set(versions.flatMap((v) => Object.keys(v.metrics)));
  return QUALITY_METRICS.find((m) => names.has(m)) ?? null;
}

interface Series {
  points: { x: number; y: number; version: ModelVersion }[];
  yMin: number;
  yMax: number;
  xLabel: string;
  yLabel: string;
  caption: string;
  format: (y: number) => string;
  /** The values are counts. */
  whole: boolean;
}

/**
 * What to draw. With a held-out measurement per version: that measurement by the verdicts it learned from.
 * Without one: the verdicts each version learned from, version after version (the model growing with them).
 */
export function curveSeries(versions: ModelVersion[]): Series {
  const metric = curveMetric(versions);
  if (metric) {
    const points = versions
      .filter((v) => Number.isFinite(v.metrics[metric]))
      .map((v) => ({ x: v.judgementsUsed, y: v.metrics[metric]!, version: v }))
      .sort((a, b) => a.x - b.x);
    return {
      points,
      yMin: Math.min(0.5, ...points.map((p) => p.y)),
      yMax: Math.max(1, ...points.map((p) => p.y)),
      xLabel: 'verdicts',
      yLabel: metric,
      caption: `${metric} of each model version (held out) by the verdicts it learned from`,
      format: (y) => y.toFixed(2),
      whole: false,
    };
  }
  const points = [...versions].sort((a, b) => a.id - b.id).map((v, i) => ({ x: i + 1, y: v.judgementsUsed, version: v }));
  return {
    points,
    yMin: 0,
    yMax: Math.max(1, ...points.map((p) => p.y)),
    xLabel: 'versions',
    yLabel: 'verdicts learned from',
    caption: 'Verdicts each version of the model learned from, oldest version first',
    format: (y) => String(Math.round(y)),
    whole: true,
  };
}

const W = 560;
const H = 200;
const PAD = { left: 44, right: 16, top: 14, bottom: 30 };

/**
 * How the person's model changed as they judged outfits: one point per model version, the version in use
 * filled, rolled-back ones hollow and grey. A table carries the same numbers for screen readers.
 */
export function LearningCurve({ versions }: { versions: ModelVersion[] }) {
  const titleId = useId();
  const series = curveSeries(versions);
  const { points, yMin, yMax } = series;
  if (points.length === 0) return null;
  const xMin = Math.min(...points.map((p) => p.x));
  const xMax = Math.max(xMin + 1, ...points.map((p) => p.x));
  const sx = (x: number) => PAD.left + ((x - xMin) / (xMax - xMin)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => PAD.top + (1 - (y - yMin) / (yMax - yMin || 1)) * (H - PAD.top - PAD.bottom);
  // Three grid lines; a count gets whole numbers.
  const middle = series.whole ? Math.round((yMin + yMax) / 2) : (yMin + yMax) / 2;
  const ticks = [...new Set([yMin, middle, yMax])];
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
  return (
    <figure className="curve" aria-labelledby={titleId} data-testid="learning-curve">
      <svg viewBox={`0 0 ${W} ${H}`} className="curve__chart" role="img" aria-labelledby={titleId} preserveAspectRatio="xMidYMid meet">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={sy(t)} y2={sy(t)} className="curve__grid" />
            <text x={PAD.left - 6} y={sy(t) + 4} className="curve__tick" textAnchor="end">
              {series.format(t)}
            </text>
          </g>
        ))}
        <text x={PAD.left} y={H - 8} className="curve__tick">
          {xMin}
        </text>
        <text x={W - PAD.right} y={H - 8} className="curve__tick" textAnchor="end">
          {xMax} {series.xLabel}
        </text>
        <path d={path} className="curve__line" />
        {points.map((p) => (
          <circle
            key={p.version.id}
            cx={sx(p.x)}
            cy={sy(p.y)}
            r={p.version.current ? 6 : 4}
            className={p.version.current ? 'curve__dot curve__dot--current' : p.version.rolledBack ? 'curve__dot curve__dot--gone' : 'curve__dot'}
          >
            <title>{`Version ${p.version.id}: ${series.yLabel} ${series.format(p.y)}${p.version.current ? ' (in use)' : p.version.rolledBack ? ' (rolled back)' : ''}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption id={titleId} className="curve__caption">
        {series.caption}
      </figcaption>
      <table className="visually-hidden">
        <thead>
          <tr>
            <th>Version</th>
            <th>{series.xLabel}</th>
            <th>{series.yLabel}</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.version.id}>
              <td>{p.version.id}</td>
              <td>{p.x}</td>
              <td>{series.format(p.y)}</td>
              <td>{p.version.current ? 'in use' : p.version.rolledBack ? 'rolled back' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
