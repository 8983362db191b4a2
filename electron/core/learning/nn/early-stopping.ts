// Epoch loop with early stopping on a validation score (higher is better): keeps the best parameters and
// stops after `patience` epochs without improvement.
import type { Param } from './layers.ts';
import { restore, snapshot } from './adam.ts';

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  validation: number;
}

export function trainWithEarlyStopping(options: {
  params: Param[];
  maxEpochs: number;
  patience: number;
  runEpoch: (epoch: number) => number;
  validate: () => number;
  onEpoch?: (r: EpochReport) => void;
}): { best: number; bestEpoch: number; history: EpochReport[] } {
  let best = -Infinity;
  let bestEpoch = -1;
  let bestValues = snapshot(options.params);
  const history: EpochReport[] = [];
  for (let epoch = 0; epoch < options.maxEpochs; epoch++) {
    const trainLoss = options.runEpoch(epoch);
    const validation = options.validate();
    const report = { epoch, trainLoss, validation };
    history.push(report);
    options.onEpoch?.(report);
    if (validation > best) {
      best = validation;
      bestEpoch = epoch;
      bestValues = snapshot(options.params);
    } else if (epoch - bestEpoch >= options.patience) {
      break;
    }
  }
  restore(options.params, bestValues);
  return { best, bestEpoch, history };
}

/** Index ranges of minibatches over a shuffled order. */
export function* minibatches(order: readonly number[], size: number): Generator<number[]> {
  for (let i = 0; i < order.length; i += size) yield order.slice(i, i + size);
}
