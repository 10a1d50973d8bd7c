import { createVerify, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { Refusal } from './http.ts';

const base = {
  MessageId: z.string().min(1).max(200),
  TopicArn: z.string().min(1).max(300),
  Message: z.string().max(300_000),
  Timestamp: z.iso.datetime({ offset: true }),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1).max(2000),
  SigningCertURL: z.string().min(1).max(2000),
};

/** The SNS HTTP(S) delivery body: a subscription (un)confirmation or a notification. */
export const snsMessage = z.discriminatedUnion('Type', [
  z.object({ ...base, Type: z.literal('Notification'), Subject: z.string().max(200).optional() }),
  z.object({
    ...base,
    Type: z.enum(['SubscriptionConfirmation', 'UnsubscribeConfirmation']),
    Token: z.string().min(1).max(2000),
    SubscribeURL: z.string().min(1).max(4000),
  }),
]);
export type SnsMessage = z.infer<typeof snsMessage>;

/** The fields SNS signs, in its order, each as `Name\nValue\n` (a notification's Subject only when sent). */
export function stringToSign(m: SnsMessage): string {
  const fields =
    m.Type === 'Notification'
      ? ([
          'Message',
          'MessageId',
          ...(m.Subject !== undefined ? ['Subject'] : []),
          'Timestamp',
          'TopicArn',
          'Type',
        ] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  return fields.map((f) => `${f}\n${(m as Record<string, string>)[f]}\n`).join('');
}

/** True for an SNS endpoint of one of the regions: `https://sns.<region>.amazonaws.com[.cn]/…`. */
export function snsHostCheck(regions: readonly string[]): (url: URL) => boolean {
  const hosts = new Set(regions.map((r) => `sns.${r}.amazonaws.com${r.startsWith('cn-') ? '.cn' : ''}`));
  return (url) => url.protocol === 'https:' && url.port === '' && hosts.has(url.hostname) && !url.username;
}

export interface SnsVerifierOptions {
  /** Which URLs a signing certificate (and a SubscribeURL) may come from. */
  allowedUrl: (url: URL) => boolean;
  /** How old a message may be; newer than five minutes ahead is refused too. */
  maxAgeMs: number;
  fetch?: typeof fetch;
}

const FUTURE_MS = 5 * 60_000;
const CERT_CACHE_SIZE = 20;

/**
 * Verifies SNS signatures (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) with the certificate from
 * SigningCertURL, fetched only from an allowed SNS host and kept (few exist: one per region at a time).
 */
export class SnsVerifier {
  readonly #o: SnsVerifierOptions;
  readonly #certs = new Map<string, Promise<X509Certificate>>();

  constructor(options: SnsVerifierOptions) {
    this.#o = options;
  }

  /** True when `url` is an allowed SNS URL; subscription confirmations are only ever fetched from one. */
  allowed(text: string): boolean {
    try {
      return this.#o.allowedUrl(new URL(text));
    } catch {
      return false;
    }
  }

  async verify(m: SnsMessage, now: Date): Promise<void> {
    if (!this.allowed(m.SigningCertURL)) throw new Refusal(403, 'bad_certificate_url', 'SigningCertURL is not SNS');
    const cert = await this.#certificate(m.SigningCertURL);
    const verifier = createVerify(m.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    verifier.update(stringToSign(m), 'utf8');
    if (!verifier.verify(cert.publicKey, m.Signature, 'base64')) {
      throw new Refusal(403, 'bad_signature', 'SNS signature does not verify');
    }
    const age = now.getTime() - Date.parse(m.Timestamp);
    if (age > this.#o.maxAgeMs || age < -FUTURE_MS)
      throw new Refusal(400, 'stale', 'message too old or from the future');
  }

  #certificate(url: string): Promise<X509Certificate> {
    let cert = this.#certs.get(url);
    if (!cert) {
      cert = this.#fetch(url);
      // A failed fetch is not kept: the next message tries again.
      cert.catch(() => this.#certs.delete(url));
      if (this.#certs.size >= CERT_CACHE_SIZE) this.#certs.delete(this.#certs.keys().next().value!);
      this.#certs.set(url, cert);
    }
    return cert;
  }

  async #fetch(url: string): Promise<X509Certificate> {
    const res = await (this.#o.fetch ?? fetch)(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Refusal(403, 'bad_certificate', `certificate fetch answered ${res.status}`);
    try {
      return new X509Certificate(await res.text());
    } catch {
      throw new Refusal(403, 'bad_certificate', 'SigningCertURL did not hold a certificate');
    }
  }
}
