/**
 * Metrics of a binary classifier: accuracy at a threshold, ROC AUC (rank-based, ties
 * averaged) and mean log loss. What `deno task train-ml` reports on each split.
 *
 * @module
 */

function checkLengths(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length || scores.length === 0) {
    throw new RangeError(
      `classifier metrics need as many scores as labels (> 0), got ${scores.length} and ${labels.length}`,
    );
  }
}

/** Share of `labels` (0/1) that `probabilities ≥ threshold` gets right. */
export function accuracy(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold = 0.5,
): number {
  checkLengths(probabilities, labels);
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    if ((probabilities[i] >= threshold ? 1 : 0) === labels[i]) right++;
  }
  return right / labels.length;
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative (ties count one half). `NaN` when one class is absent.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths(scores, labels);
  const order = Array.from({ length: scores.length }, (_, i) => i)
    .sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
}

/** Mean binary cross-entropy of `probabilities` for `labels` (clipped at 1e-12). */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths(probabilities, labels);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, probabilities[i]));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}
