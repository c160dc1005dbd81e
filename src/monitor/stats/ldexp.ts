// x · 2^e without overflowing 2^e itself: the Kolmogorov recursions keep large exponents apart
// from their mantissas (as scipy does with np.ldexp) and recombine them at the end.

export const TWO_128 = 2 ** 128;
export const TWO_M128 = 2 ** -128;

export function ldexp(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}
