/**
 * The start of a fetch `Response`'s body as text (at most `limit` bytes), then the body is
 * cancelled: enough of a proxy's page or a misplaced JSON answer to say what it was.
 */
export async function readExcerpt(response: Response, limit = 64 * 1024): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.length;
    }
  } catch {
    // What arrived is the excerpt.
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(parts).subarray(0, limit).toString('utf8');
}
