import type { Transporter } from 'nodemailer';

/**
 * Channels that carry notifications beyond the app (#16). The app itself always shows them
 * (/notifications); a channel here is one more way out: e-mail when SMTP_URL is set, and whatever
 * gateway is added later (SMS, WeChat Work 企业微信) by implementing `DeliveryChannel` and
 * registering it at start — the commands that notify and the delivery round never change.
 */

/** One message to one person on one channel, already in their language. */
export type OutgoingMessage = { to: string; subject: string; text: string };

/** The person as a channel sees them: where to reach them on it, if anywhere. */
export type Reachable = { email: string | null };

export interface DeliveryChannel {
  /** Short name, stored with each delivery (`email`, `sms`, `wecom` …). */
  readonly name: string;
  /** The person's address on this channel, or null when they cannot be reached on it. */
  addressOf(person: Reachable): string | null;
  /** Sends; resolves when the channel accepted the message, rejects with the reason otherwise. */
  send(message: OutgoingMessage): Promise<void>;
}

const registry = new Map<string, DeliveryChannel>();

/** Adds (or replaces) a channel. */
export function registerChannel(channel: DeliveryChannel): void {
  registry.set(channel.name, channel);
}

/** Removes a channel (tests, or a gateway switched off). */
export function unregisterChannel(name: string): void {
  registry.delete(name);
}

/** The channels notifications go out on, besides the app. */
export function deliveryChannels(): DeliveryChannel[] {
  return [...registry.values()];
}

/** A channel by name, if registered. */
export function channelNamed(name: string): DeliveryChannel | undefined {
  return registry.get(name);
}

/**
 * E-mail through the SMTP server `url` names (`smtp://user:pass@host:587`, `smtps://…` for TLS
 * from the start), from `from`. Connection and greeting are bounded, so an unreachable server
 * fails a try quickly instead of holding the round. nodemailer is loaded and the transport made
 * at the first message (#15): an app without SMTP_URL never loads it, one with it only once there
 * is something to send.
 */
export function emailChannel(url: string, from: string): DeliveryChannel {
  let transport: Promise<Transporter> | undefined;
  return {
    name: 'email',
    addressOf: (person) => (person.email && /^[^\s@]+@[^\s@]+$/.test(person.email) ? person.email : null),
    send: async (message) => {
      transport ??= import('nodemailer').then(({ default: nodemailer }) =>
        nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 }, { from }),
      );
      await (await transport).sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}
