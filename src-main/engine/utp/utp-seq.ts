// 16-bit sequence and ack numbers (BEP 29) wrap; every comparison goes through here.

export const SEQ_MASK = 0xffff;

/** a − b as a signed distance in (−32768, 32767]. */
export const seqDiff = (a: number, b: number): number => ((a - b + 0x8000) & SEQ_MASK) - 0x8000;

export const seqAdd = (a: number, n: number): number => (a + n) & SEQ_MASK;
