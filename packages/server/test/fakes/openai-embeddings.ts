/**
 * A deterministic unit-length embedding for `input`: the same input and dimension always give
 * the same vector, different inputs almost surely different ones.
 */
export function fakeEmbedding(input: unknown, dimensions: number): number[] {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  let seed = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 0x01000193);
  const vector = new Array<number>(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const value = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
    vector[i] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  // Rounded through float32 so `float` and `base64` encodings carry the same numbers.
  return Array.from(Float32Array.from(vector, (v) => v * scale));
}

/** OpenAI's `encoding_format: 'base64'`: little-endian float32s, base64-encoded. */
export function embeddingToBase64(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}
