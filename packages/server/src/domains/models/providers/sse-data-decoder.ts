import { StringDecoder } from 'node:string_decoder';

/**
 * Turns the bytes of a `text/event-stream` body into the `data` of each event, as they arrive
 * (the WHATWG event-stream rules, restricted to what an OpenAI-style stream needs): lines end in
 * LF, CRLF or CR, even when the pair is split across chunks; an event ends at a blank line; its
 * `data:` lines are joined with LF; comments (`:`), `event`, `id`, `retry` and unknown fields are
 * ignored; an event without data is not dispatched; an event left unterminated at the end of
 * the body is dropped. UTF-8 characters split across chunks are decoded whole.
 */
export class SseDataDecoder {
  private readonly text = new StringDecoder('utf8');
  /** The current line's text so far (a chunk ended mid-line). */
  private partial = '';
  /** The current event's data, or undefined while it has no `data` field. */
  private data: string | undefined;
  /** The last chunk ended in CR: an LF starting the next one belongs to that line end. */
  private afterCr = false;
  private started = false;

  /** Feeds one chunk of the body; returns the data of every event it completed. */
  push(chunk: Uint8Array): string[] {
    let text = this.text.write(chunk as Buffer);
    const events: string[] = [];
    if (text.length === 0) return events;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    let start = 0;
    if (this.afterCr && text.charCodeAt(0) === LF) start = 1;
    this.afterCr = false;
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (lf !== -1 || cr !== -1) {
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      const line = this.partial + text.slice(start, end);
      this.partial = '';
      this.line(line, events);
      start = end + 1;
      if (end === cr) {
        if (start === text.length) this.afterCr = true;
        else if (text.charCodeAt(start) === LF) start++;
        cr = text.indexOf('\r', start);
      }
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
    }
    if (start < text.length) this.partial += text.slice(start);
    return events;
  }

  private line(line: string, events: string[]): void {
    if (line.length === 0) {
      if (this.data !== undefined && this.data.length > 0) events.push(this.data);
      this.data = undefined;
      return;
    }
    if (!line.startsWith('data')) return;
    let value: string;
    if (line.length === 4) value = '';
    else if (line.charCodeAt(4) === COLON) value = line.slice(line.charCodeAt(5) === SPACE ? 6 : 5);
    else return; // `dataX...`: another field
    this.data = this.data === undefined ? value : `${this.data}\n${value}`;
  }
}

const LF = 0x0a;
const COLON = 0x3a;
const SPACE = 0x20;
const BOM = 0xfeff;
