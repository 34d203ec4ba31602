/**
 * Float32 outputs as JSON numbers without float32 noise: 12.5 rather than
 * 12.5000000001, 0.1 rather than 0.10000000149011612. The shortest decimal with 7,
 * 8 or 9 significant digits that rounds back to the same float32 (9 always does),
 * so a client that stores the value as float32 gets exactly the model's output.
 */
export function float32ForJson(value: number): number {
  for (let digits = 7; digits < 9; digits++) {
    const shorter = Number(value.toPrecision(digits));
    if (Math.fround(shorter) === value) return shorter;
  }
  return Number(value.toPrecision(9));
}
