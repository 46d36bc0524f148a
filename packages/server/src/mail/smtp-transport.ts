import nodemailer, { type Transporter } from 'nodemailer';

/**
 * A nodemailer transport for `SMTP_URL` (`smtp://user:pass@host:port`, `smtps://...` for implicit
 * TLS; `?ignoreTLS=true` for a local sink without STARTTLS). One construction for every domain
 * that sends mail.
 */
export function createSmtpTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  return nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    ignoreTLS: url.searchParams.get('ignoreTLS') === 'true',
  });
}
