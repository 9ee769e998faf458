export interface BCubed {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * BCubed precision and recall (Bagga & Baldwin): for each item, the share of its predicted cluster that
 * shares its gold label, and the share of its gold cluster that shares its predicted cluster; averaged.
 */
export function bcubed(predicted: readonly string[], gold: readonly string[]): BCubed {
  if (predicted.length !== gold.length) throw new Error('bcubed: predicted and gold differ in length');
  const n = predicted.length;
  if (n === 0) return { precision: 0, recall: 0, f1: 0 };
  const predSize = new Map<string, number>();
  const goldSize = new Map<string, number>();
  const pair = new Map<string, number>();
  const key = (i: number) => `${predicted[i]}\u0000${gold[i]}`;
  for (let i = 0; i < n; i++) {
    predSize.set(predicted[i]!, (predSize.get(predicted[i]!) ?? 0) + 1);
    goldSize.set(gold[i]!, (goldSize.get(gold[i]!) ?? 0) + 1);
    pair.set(key(i), (pair.get(key(i)) ?? 0) + 1);
  }
  let p = 0;
  let r = 0;
  for (let i = 0; i < n; i++) {
    const both = pair.get(key(i))!;
    p += both / predSize.get(predicted[i]!)!;
    r += both / goldSize.get(gold[i]!)!;
  }
  p /= n;
  r /= n;
  return { precision: p, recall: r, f1: p + r > 0 ? (2 * p * r) / (p + r) : 0 };
}
