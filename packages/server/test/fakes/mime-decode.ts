/** The parts of a MIME message a test asserts on. */
export interface DecodedMail {
  /** Header values by lower-cased name (unfolded, encoded words decoded; the first of repeats). */
  headers: Record<string, string>;
  subject: string;
  /** The first `text/plain` part, transfer-decoded, with CRLF turned into LF. */
  text: string;
  /** The first `text/html` part, if any. */
  html?: string;
}

/**
 * A minimal MIME reader, enough for what nodemailer sends: header unfolding, RFC 2047 encoded
 * words, quoted-printable and base64 bodies, nested multiparts. Not a general mail parser.
 */
export function decodeMail(raw: string): DecodedMail {
  const { headers, body } = splitEntity(raw);
  const found: { text?: string; html?: string } = {};
  collectTextParts(headers, body, found);
  return {
    headers,
    subject: headers.subject ?? '',
    text: found.text ?? '',
    ...(found.html === undefined ? {} : { html: found.html }),
  };
}

function splitEntity(raw: string): { headers: Record<string, string>; body: string } {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= decodeEncodedWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function collectTextParts(
  headers: Record<string, string>,
  body: string,
  found: { text?: string; html?: string },
): void {
  const contentType = headers['content-type'] ?? 'text/plain';
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (!boundary) return;
    const sections = body.split(`--${boundary}`).slice(1);
    for (const section of sections) {
      if (section.startsWith('--')) break;
      const part = splitEntity(section.replace(/^\r?\n/, ''));
      collectTextParts(part.headers, part.body, found);
    }
    return;
  }
  if (type !== 'text/plain' && type !== 'text/html') return;
  const charset = /charset="?([^";]+)"?/i.exec(contentType)?.[1] ?? 'utf-8';
  const decoded = decodeBody(body, headers['content-transfer-encoding'] ?? '7bit', charset)
    .replace(/\r\n/g, '\n')
    .replace(/\n$/, '');
  if (type === 'text/plain') found.text ??= decoded;
  else found.html ??= decoded;
}

function decodeBody(body: string, encoding: string, charset: string): string {
  const kind = encoding.trim().toLowerCase();
  if (kind === 'base64') return decodeText(Buffer.from(body.replace(/\s+/g, ''), 'base64'), charset);
  if (kind === 'quoted-printable') return decodeText(quotedPrintableBytes(body), charset);
  return decodeText(Buffer.from(body, 'latin1'), charset);
}

/**
 * Quoted-printable (RFC 2045): trailing whitespace on hard lines dropped (transport padding),
 * soft line breaks (`=` at line end) joined, `=XX` turned into bytes.
 */
export function quotedPrintableBytes(text: string): Buffer {
  const joined = text.replace(/[ \t]+(\r?\n)/g, '$1').replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === '=' ? joined.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(joined.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words (`=?utf-8?Q?...?=`, `=?utf-8?B?...?=`); whitespace between adjacent words is dropped. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? decodeText(Buffer.from(data, 'base64'), charset)
        : decodeText(quotedPrintableBytes(data.replace(/_/g, ' ')), charset),
    );
}

function decodeText(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}
